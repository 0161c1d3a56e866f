// This file registers HubSpot with the connector registry: its configuration keys and constructor.
package hubspot

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the hubspot keys of a sources[] entry.
type Settings struct {
	TokenEnv string `koanf:"token_env"`
	// Properties are further contact properties to read into Attributes (extension).
	Properties []string `koanf:"properties"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) { c.Secret("token_env", s.TokenEnv) }

func init() {
	connectors.Register(connectors.Spec{
		Type: "hubspot", Role: connectors.RoleCRM, Sandbox: "hubspot", Incremental: true,
		Kinds:    []record.Kind{record.KindCustomer},
		Settings: func() connectors.Settings { return &Settings{TokenEnv: "HUBSPOT_TOKEN"} },
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Token: e.SecretOf(s.TokenEnv), TokenEnv: s.TokenEnv,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, ExtraProperties: s.Properties, HTTP: e.HTTP})
		},
	})
}
