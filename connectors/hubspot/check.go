// This file holds the API versions HubSpot supports and the connection check: authenticate and
// read a contact, then (deep) one search page and one archived page, the calls incremental syncs make.
package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

var dateVersion = regexp.MustCompile(`^20\d\d-(03|09)$`)

// objectsPath is the contacts path of an API version: /crm/v3/objects/contacts, or for a date
// version /crm/objects/2026-03/contacts.
func objectsPath(version string) (string, error) {
	switch v := strings.TrimSpace(version); {
	case v == "" || v == "v3":
		return "/crm/v3/objects/contacts", nil
	case dateVersion.MatchString(v):
		return "/crm/objects/" + v + "/contacts", nil
	}
	return "", fmt.Errorf("%q is not a HubSpot API version: use v3 or a date version such as 2026-03", version)
}

// apiVersion is the version called with its support window: /crm/v3 ends in September 2027; a date
// version is supported for 18 months from its release (March or September of its year).
func apiVersion(version string) connectors.APIVersion {
	v := connectors.APIVersion{API: "HubSpot CRM API", Version: version}
	if version == "" || version == "v3" {
		v.Version = "v3"
		v.Ends, v.Note = connectors.Day("2027-09-01"), "the /crm/v3 paths; the date versions (api_version: 2026-03) replace them"
		return v
	}
	if t, err := time.Parse("2006-01", version); err == nil {
		v.Ends, v.Note = t.AddDate(0, 18, 0), "18 months of support per date version"
	}
	return v
}

// Check authenticates and reads one contact; deep also runs one search and one archived page.
func (s *Source) Check(ctx context.Context, deep bool) connectors.CheckReport {
	r := connectors.CheckReport{API: apiVersion(s.cfg.APIVersion)}
	if strings.Contains(s.cfg.TokenURL, "/oauth/v1/") {
		r.Warn("token_url uses HubSpot's v1 OAuth endpoint, deprecated from 2027-02-16: use %s", DefaultTokenURL)
	}
	q := url.Values{"limit": {"1"}, "properties": {"email"}}
	var list listResponse
	_, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: s.objects, Query: q}, &list)
	if !r.Step("authenticate and read contacts", err, "%d contact(s) on the first page", len(list.Results)) || !deep {
		return r
	}
	if err := s.search.Wait(ctx); err != nil {
		r.Step("search contacts", err, "")
		return r
	}
	var found searchResponse
	body := searchRequest{Properties: []string{"email"}, Limit: 1,
		Sorts: []sortRule{{PropertyName: "lastmodifieddate", Direction: "ASCENDING"}}}
	_, err = s.client.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: s.objects + "/search", Body: body}, &found)
	if !r.Step("search contacts (incremental syncs)", err, "%d contact(s) in the account", found.Total) {
		return r
	}
	q.Set("archived", "true")
	var archived listResponse
	_, err = s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: s.objects, Query: q}, &archived)
	r.Step("read archived contacts (deletions)", err, "")
	return r
}
