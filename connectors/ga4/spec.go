// This file registers GA4 with the connector registry: its configuration keys and constructor.
package ga4

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/record"
)

// Scope is the OAuth scope the Data API needs.
const Scope = "https://www.googleapis.com/auth/analytics.readonly"

// GoogleTokenURL is Google's OAuth 2.0 token endpoint.
const GoogleTokenURL = "https://oauth2.googleapis.com/token"

// Settings are the ga4 keys of a sources[] entry.
type Settings struct {
	// A service-account or authorized-user JSON file (credentials_file_env), an OAuth refresh
	// token (client_id_env, client_secret_env, refresh_token_env), or a static access token
	// (token_env; it lives one hour, for manual runs).
	auth.Settings     `koanf:",squash"`
	PropertyID        string `koanf:"property_id"`
	CustomerDimension string `koanf:"customer_dimension"`
	// Customers names the source whose ids the customer dimension holds (extension; default: the
	// first CRM source).
	Customers string   `koanf:"customer_source"`
	Metrics   []string `koanf:"metrics"`   // extension
	PageSize  int      `koanf:"page_size"` // extension: rows per request (default 10000)
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.Settings.Validate(c, auth.GoogleJSON, auth.RefreshToken, auth.Static)
	if _, err := propertyID(s.PropertyID); err != nil {
		c.Add("property_id", "%v", err)
	}
}

// CustomerSource names the source the engagement rows' customer ids belong to.
func (s *Settings) CustomerSource() string { return s.Customers }

func init() {
	connectors.Register(connectors.Spec{
		// GA4 rows are totals over a date window, keyed by customer: an incremental window would
		// replace a customer's totals with a partial sum, so every run reads the whole window.
		Type: "ga4", Role: connectors.RoleAnalytics, Sandbox: "ga4", Incremental: false,
		Kinds: []record.Kind{record.KindEngagement},
		Settings: func() connectors.Settings {
			return &Settings{Settings: auth.Settings{TokenEnv: "GA4_TOKEN"}, CustomerDimension: DefaultCustomerDimension}
		},
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			cred, err := auth.FromEnv(e, s.Settings, "/token", auth.Options{TokenURL: GoogleTokenURL, Scopes: []string{Scope}})
			if err != nil {
				return nil, err
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Credential: cred,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, PropertyID: s.PropertyID,
				CustomerDimension: s.CustomerDimension, Metrics: s.Metrics, PageSize: s.PageSize, HTTP: e.HTTP})
		},
	})
}
