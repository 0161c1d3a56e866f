// This file holds the Marketing API versions' support windows and the connection check: read the
// custom audience (it must exist and the token must reach it).
package meta

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

// metaEnds are the announced ends of Marketing API versions (vendor-apis.md): v24.0 expired on
// 2026-11-10, v25.0 expires on 2027-02-23; v26.0 and v27.0 have no announced end yet.
var metaEnds = map[int]string{24: "2026-11-10", 25: "2027-02-23"}

func apiVersion(v string) connectors.APIVersion {
	out := connectors.APIVersion{API: "Meta Marketing API", Version: v}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(v, "v"), ".0"))
	switch {
	case err != nil:
	case metaEnds[n] != "":
		out.Ends = connectors.Day(metaEnds[n])
	case n < 24:
		out.Ends, out.Note = connectors.Day("2026-11-10"), "expired before v24.0"
	}
	return out
}

// Check reads the audience: it exists and the token may use it.
func (d *Destination) Check(ctx context.Context, _ bool) connectors.CheckReport {
	r := connectors.CheckReport{API: apiVersion(d.cfg.APIVersion)}
	var a struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Count int    `json:"approximate_count_lower_bound"`
	}
	q := url.Values{"fields": {"id,name,approximate_count_lower_bound,operation_status"}}
	_, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/" + d.cfg.AudienceID, Query: q}, &a)
	if err != nil {
		err = fmt.Errorf("read custom audience %s: %w", d.cfg.AudienceID, err)
	}
	r.Step("authenticate and read the audience", err, "%q, about %d members", a.Name, a.Count)
	return r
}
