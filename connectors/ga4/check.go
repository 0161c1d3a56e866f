// This file holds the connection check: the property's metadata must be readable and hold the
// customer dimension and every configured metric; deep also runs a one-row report.
package ga4

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// Check reads the property's metadata; deep also reports one row.
func (s *Source) Check(ctx context.Context, deep bool) connectors.CheckReport {
	r := connectors.CheckReport{API: connectors.APIVersion{API: "Google Analytics Data API", Version: "v1beta"}}
	var md struct {
		Dimensions []struct {
			APIName string `json:"apiName"`
		} `json:"dimensions"`
		Metrics []struct {
			APIName string `json:"apiName"`
		} `json:"metrics"`
	}
	_, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/v1beta/properties/" + s.cfg.PropertyID + "/metadata"}, &md)
	if !r.Step("authenticate and read the property", err, "property %s", s.cfg.PropertyID) {
		return r
	}
	var dims, mets []string
	for _, d := range md.Dimensions {
		dims = append(dims, d.APIName)
	}
	for _, m := range md.Metrics {
		mets = append(mets, m.APIName)
	}
	if !slices.Contains(dims, s.cfg.CustomerDimension) {
		r.Step("customer dimension registered", fmt.Errorf("property %s has no dimension %s: register the user property as a user-scoped custom dimension, or fix customer_dimension",
			s.cfg.PropertyID, s.cfg.CustomerDimension), "")
		return r
	}
	r.Step("customer dimension registered", nil, "%s", s.cfg.CustomerDimension)
	var missing []string
	for _, m := range s.cfg.Metrics {
		if !slices.Contains(mets, m) {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		r.Step("metrics exist", fmt.Errorf("property %s has no metric %v; fix metrics", s.cfg.PropertyID, missing), "")
		return r
	}
	r.Step("metrics exist", nil, "%v", s.cfg.Metrics)
	return r
}
