// This file registers HubSpot with the connector registry: its configuration keys and constructor.
package hubspot

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the hubspot keys of a sources[] entry.
type Settings struct {
	// A private-app token (token_env), or an OAuth app's refresh token (client_id_env,
	// client_secret_env, refresh_token_env; token_url defaults to HubSpot's).
	auth.Settings `koanf:",squash"`
	// APIVersion is v3 (the /crm/v3 paths) or a date version such as 2026-03 (extension).
	APIVersion string `koanf:"api_version"`
	// Properties are further contact properties to read into Attributes (extension).
	Properties []string `koanf:"properties"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.Settings.Validate(c, auth.Static, auth.RefreshToken)
	if _, err := objectsPath(s.APIVersion); err != nil {
		c.Add("api_version", "%v", err)
	}
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "hubspot", Role: connectors.RoleCRM, Sandbox: "hubspot", Incremental: true,
		Kinds: []record.Kind{record.KindCustomer},
		Settings: func() connectors.Settings {
			return &Settings{Settings: auth.Settings{TokenEnv: DefaultTokenEnv}, APIVersion: DefaultAPIVersion}
		},
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			cred, err := auth.FromEnv(e, s.Settings, "/oauth/v3/token", auth.Options{TokenURL: DefaultTokenURL, InBody: true})
			if err != nil {
				return nil, err
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Credential: cred, APIVersion: s.APIVersion,
				TokenURL: firstNonEmpty(s.TokenURL, DefaultTokenURL), RequestsPerSecond: e.RateLimit.RequestsPerSecond,
				Burst: e.RateLimit.Burst, ExtraProperties: s.Properties, HTTP: e.HTTP})
		},
	})
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
