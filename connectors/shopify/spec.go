// This file registers Shopify with the connector registry: its configuration keys and constructor.
package shopify

import (
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the shopify keys of a sources[] entry.
type Settings struct {
	// A legacy custom-app token (token_env), a Dev Dashboard app's client credentials
	// (client_id_env + client_secret_env), or a public app's expiring offline token (+ refresh_token_env).
	// token_url defaults to the shop's /admin/oauth/access_token.
	auth.Settings `koanf:",squash"`
	APIVersion    string `koanf:"api_version"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.Settings.Validate(c, auth.Static, auth.ClientCredentials, auth.RefreshToken)
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
		Kinds: []record.Kind{record.KindCustomer, record.KindOrder},
		Settings: func() connectors.Settings {
			return &Settings{Settings: auth.Settings{TokenEnv: DefaultTokenEnv}, APIVersion: DefaultAPIVersion}
		},
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			cred, err := auth.FromEnv(e, s.Settings, "", auth.Options{
				TokenURL: strings.TrimRight(e.BaseURL, "/") + "/admin/oauth/access_token", InBody: true})
			if err != nil {
				return nil, err
			}
			// The plan's rate (2/s standard, 4 advanced, 20 Plus) is also the call bucket's leak rate.
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Credential: cred,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, APIVersion: s.APIVersion,
				LeakRate: e.RateLimit.RequestsPerSecond, HTTP: e.HTTP})
		},
	})
}
