// This file holds the connection check: authenticate by listing the seller's locations (every
// configured location id must be one of them), then (deep) read one customer.
package square

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// Check authenticates and verifies location_ids; deep also reads one page of customers.
func (s *Source) Check(ctx context.Context, deep bool) connectors.CheckReport {
	// Square versions are dated and stay callable; no retirement is announced for 2025-08-20.
	r := connectors.CheckReport{API: connectors.APIVersion{API: "Square API", Version: s.cfg.Version}}
	var body struct {
		Locations []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"locations"`
	}
	_, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/v2/locations"}, &body)
	if !r.Step("authenticate", err, "%d location(s)", len(body.Locations)) {
		return r
	}
	var known []string
	for _, l := range body.Locations {
		known = append(known, l.ID)
	}
	var unknown []string
	for _, id := range s.cfg.LocationIDs {
		if !slices.Contains(known, id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		r.Step("location_ids exist", fmt.Errorf("the seller has no location %v (locations: %v); fix location_ids", unknown, known), "")
		return r
	}
	r.Step("location_ids exist", nil, "%v", s.cfg.LocationIDs)
	if !deep {
		return r
	}
	var customers map[string]any
	_, err = s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/v2/customers", Query: url.Values{"limit": {"1"}}}, &customers)
	r.Step("read one page of customers", err, "")
	return r
}
