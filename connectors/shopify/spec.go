// This file registers Shopify with the connector registry: its configuration keys and constructor.
package shopify

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the shopify keys of a sources[] entry.
type Settings struct {
	TokenEnv   string `koanf:"token_env"`
	APIVersion string `koanf:"api_version"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	c.Secret("token_env", s.TokenEnv)
	if c.BaseURL == "" && !c.Sandbox {
		c.Add("base_url", "is required for shopify: https://<shop>.myshopify.com")
	}
	if err := checkVersion(s.APIVersion); err != nil {
		c.Add("api_version", "%v", err)
	}
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "shopify", Role: connectors.RolePOS, Sandbox: "shopify", Incremental: true,
		Kinds:    []record.Kind{record.KindCustomer, record.KindOrder},
		Settings: func() connectors.Settings { return &Settings{TokenEnv: DefaultTokenEnv, APIVersion: DefaultAPIVersion} },
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			// The plan's rate (2/s standard, 4 advanced, 20 Plus) is also the call bucket's leak rate.
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Token: e.SecretOf(s.TokenEnv), TokenEnv: s.TokenEnv,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, APIVersion: s.APIVersion,
				LeakRate: e.RateLimit.RequestsPerSecond, HTTP: e.HTTP})
		},
	})
}
