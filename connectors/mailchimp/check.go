// This file holds the connection check: authenticate (GET /ping), then read the audience (it must
// exist in this account's data center).
package mailchimp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// Check authenticates and verifies list_id.
func (d *Destination) Check(ctx context.Context, _ bool) connectors.CheckReport {
	r := connectors.CheckReport{API: connectors.APIVersion{API: "Mailchimp Marketing API", Version: "3.0"}}
	_, err := d.c.Do(ctx, httpx.Request{Method: http.MethodGet, Path: "/ping"})
	if !r.Step("authenticate", err, "") {
		return r
	}
	var list struct {
		Name  string `json:"name"`
		Stats struct {
			MemberCount int `json:"member_count"`
		} `json:"stats"`
	}
	_, err = d.c.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/lists/" + url.PathEscape(d.cfg.ListID),
		Query: url.Values{"fields": {"id,name,stats.member_count"}}}, &list)
	if err != nil {
		err = fmt.Errorf("audience %s: %w", d.cfg.ListID, err)
	}
	r.Step("audience exists", err, "%q, %d members", list.Name, list.Stats.MemberCount)
	return r
}
