// This file holds the connection check: authenticate by listing the org's API versions (the
// configured one must be among them), then (deep) read one Contact through queryAll, the
// endpoint incremental syncs use.
package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// apiVersion is the version called; Salesforce retired 21.0-30.0 in Summer '25 and announces
// further retirements a year ahead (none announced for 31.0 and later as of 2026-12).
func apiVersion(v string) connectors.APIVersion {
	out := connectors.APIVersion{API: "Salesforce REST API", Version: v}
	if n, err := strconv.ParseFloat(strings.TrimPrefix(v, "v"), 64); err == nil && n < 31 {
		out.Ends, out.Note = connectors.Day("2025-06-01"), "versions 21.0-30.0 were retired in Summer '25"
	}
	return out
}

// Check authenticates and verifies the API version; deep also reads one Contact.
func (s *Source) Check(ctx context.Context, deep bool) connectors.CheckReport {
	r := connectors.CheckReport{API: apiVersion(s.cfg.APIVersion)}
	var versions []struct {
		Version string `json:"version"`
	}
	_, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/services/data"}, &versions)
	if !r.Step("authenticate", err, "%d API versions offered", len(versions)) {
		return r
	}
	var newest string
	found := false
	for _, v := range versions {
		if "v"+v.Version == s.cfg.APIVersion {
			found = true
		}
		newest = v.Version
	}
	if !found {
		r.Step("api_version is offered", fmt.Errorf("the org does not offer %s (newest: v%s); set api_version to a listed version", s.cfg.APIVersion, newest), "")
		return r
	}
	r.Step("api_version is offered", nil, "%s (newest v%s)", s.cfg.APIVersion, newest)
	if !deep {
		return r
	}
	var resp queryResponse
	q := url.Values{"q": {"SELECT Id, IsDeleted, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC LIMIT 1"}}
	_, err = s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/services/data/" + s.cfg.APIVersion + "/queryAll", Query: q}, &resp)
	r.Step("read Contacts with queryAll (deletions included)", err, "")
	return r
}
