// This file registers GA4 with the connector registry: its configuration keys and constructor.
package ga4

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the ga4 keys of a sources[] entry.
type Settings struct {
	TokenEnv          string `koanf:"token_env"`
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
	c.Secret("token_env", s.TokenEnv)
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
			return &Settings{TokenEnv: "GA4_TOKEN", CustomerDimension: DefaultCustomerDimension}
		},
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Token: e.SecretOf(s.TokenEnv), TokenEnv: s.TokenEnv,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, PropertyID: s.PropertyID,
				CustomerDimension: s.CustomerDimension, Metrics: s.Metrics, PageSize: s.PageSize, HTTP: e.HTTP})
		},
	})
}
