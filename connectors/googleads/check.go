// This file holds the Google Ads API versions' support windows and the legacy path's connection
// check: a validate-only job creation proves the credential, the developer token, its Customer
// Match allow-listing and that the user list belongs to the customer.
package googleads

import (
	"context"
	"net/http"
	"regexp"
	"strconv"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

var versionInURL = regexp.MustCompile(`/v(\d+)(/|$)`)

// gaSunsets are announced sunsets (vendor-apis.md); v23's (early 2027) is not confirmed.
var gaSunsets = map[int]string{21: "2026-08-05", 22: "2026-10-07"}

// APIVersion is the version a base URL calls, with its support window.
func APIVersion(baseURL string) connectors.APIVersion {
	v := connectors.APIVersion{API: "Google Ads API"}
	m := versionInURL.FindStringSubmatch(baseURL)
	if m == nil {
		return v
	}
	v.Version = "v" + m[1]
	n, _ := strconv.Atoi(m[1])
	switch {
	case gaSunsets[n] != "":
		v.Ends = connectors.Day(gaSunsets[n])
	case n < 21:
		v.Ends, v.Note = connectors.Day("2026-08-05"), "sunset before v21"
	case n == 23:
		v.Note = "sunset expected early 2027 (date not announced)"
	}
	return v
}

// Check creates a job with validateOnly (nothing is stored).
func (d *Destination) Check(ctx context.Context, _ bool) connectors.CheckReport {
	r := connectors.CheckReport{API: APIVersion(d.cfg.BaseURL)}
	body := createJobRequest{ValidateOnly: true, Job: job{Type: "CUSTOMER_MATCH_USER_LIST",
		CustomerMatchUserListMetadata: userListMetadata{UserList: d.cfg.UserList}}}
	_, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/customers/" + d.cfg.CustomerID + "/offlineUserDataJobs:create", Body: body}, nil)
	r.Step("authenticate and validate a Customer Match job for the list", err, "%s", d.cfg.UserList)
	return r
}
