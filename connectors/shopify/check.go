// This file holds what Shopify's answers say about the connection: the token's access scopes
// (read_all_orders decides whether orders older than 60 days exist for us), the API version that
// actually answered (an unsupported one is silently served by the oldest supported), the version
// support window, and the connection check.
package shopify

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// orderWindow is how far back orders are returned without the read_all_orders scope.
const orderWindow = 60 * 24 * time.Hour

// apiVersion is the version called: each quarterly version is supported for at least 12 months
// after its release (the first day of its month).
func apiVersion(v string) connectors.APIVersion {
	out := connectors.APIVersion{API: "Shopify Admin API", Version: v}
	if t, err := time.Parse("2006-01", v); err == nil {
		out.Ends, out.Note = t.AddDate(1, 0, 0), "Shopify supports each version at least 12 months"
	}
	return out
}

// Scopes reads the token's access scopes (cached for the connector's life).
func (s *Source) Scopes(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	if s.scopes != nil {
		defer s.mu.Unlock()
		return s.scopes, nil
	}
	s.mu.Unlock()
	var body struct {
		AccessScopes []struct {
			Handle string `json:"handle"`
		} `json:"access_scopes"`
	}
	if _, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/admin/oauth/access_scopes.json"}, &body); err != nil {
		return nil, fmt.Errorf("shopify: read the token's access scopes: %w", err)
	}
	scopes := []string{}
	for _, a := range body.AccessScopes {
		scopes = append(scopes, a.Handle)
	}
	s.mu.Lock()
	s.scopes = scopes
	s.mu.Unlock()
	return scopes, nil
}

// historyWarning is the warning for a token without read_all_orders, "" when it has the scope.
func historyWarning(scopes []string) string {
	if slices.Contains(scopes, "read_all_orders") {
		return ""
	}
	return "orders_limited_to_60_days: the token lacks the read_all_orders scope, so Shopify returns only orders from the last 60 days " +
		"(lifetime value, RFM and repeat-buyer segments undercount older customers); request read_all_orders for the app"
}

// checkOrderHistory warns, once, when an orders read reaching back more than 60 days cannot see
// those orders.
func (s *Source) checkOrderHistory(ctx context.Context, since time.Time) error {
	if !since.IsZero() && time.Since(since) < orderWindow {
		return nil // an incremental read within the window loses nothing
	}
	scopes, err := s.Scopes(ctx)
	if err != nil {
		return err
	}
	if w := historyWarning(scopes); w != "" {
		s.warn(w)
	}
	return nil
}

// checkServedVersion warns when Shopify answered with another version than the one asked for.
func (s *Source) checkServedVersion(served string) {
	if served != "" && served != s.cfg.APIVersion {
		s.warn(fmt.Sprintf("api_version_not_served: Shopify answered with API version %s instead of %s, which it no longer supports; set api_version to a supported version",
			served, s.cfg.APIVersion))
	}
}

func (s *Source) warn(w string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.warnings, w) {
		s.warnings = append(s.warnings, w)
	}
}

// Warnings lists what the run summary should flag. It implements connectors.Warner.
func (s *Source) Warnings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.warnings)
}

// Check authenticates by reading the token's scopes (read_customers and read_orders are required,
// read_all_orders is warned about); deep also reads one customer and one order.
func (s *Source) Check(ctx context.Context, deep bool) connectors.CheckReport {
	r := connectors.CheckReport{API: apiVersion(s.cfg.APIVersion)}
	scopes, err := s.Scopes(ctx)
	if !r.Step("authenticate", err, "%d access scope(s)", len(scopes)) {
		return r
	}
	var missing []string
	for _, need := range []string{"read_customers", "read_orders"} {
		if !slices.Contains(scopes, need) {
			missing = append(missing, need)
		}
	}
	if len(missing) > 0 {
		r.Step("scopes", fmt.Errorf("the token lacks %v; grant them to the app and reinstall it", missing), "")
		return r
	}
	r.Step("scopes", nil, "read_customers, read_orders")
	if w := historyWarning(scopes); w != "" {
		r.Warn("%s", w)
	}
	if !deep {
		return r
	}
	for _, res := range []string{"customers", "orders"} {
		q := url.Values{"limit": {"1"}}
		if res == "orders" {
			q.Set("status", "any")
		}
		var body map[string]any
		resp, err := s.client.JSON(ctx, httpx.Request{Method: http.MethodGet, Path: "/admin/api/" + s.cfg.APIVersion + "/" + res + ".json", Query: q}, &body)
		if !r.Step("read one page of "+res, err, "") {
			return r
		}
		if served := resp.Header.Get("X-Shopify-API-Version"); served != "" && served != s.cfg.APIVersion {
			r.Step("api_version is supported", fmt.Errorf("Shopify answered with %s instead of %s, which it no longer supports; set api_version to a supported version", served, s.cfg.APIVersion), "")
			return r
		}
	}
	return r
}
