// This file registers Meta custom audiences with the connector registry: configuration keys and constructor.
package meta

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the meta keys of a destinations[] entry.
type Settings struct {
	TokenEnv   string   `koanf:"token_env"`
	AudienceID string   `koanf:"audience_id"`
	Schema     []string `koanf:"schema"` // extension: the match keys sent per member
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	c.Secret("token_env", s.TokenEnv)
	c.Required("audience_id", s.AudienceID, "the custom audience id")
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "meta", Role: connectors.RoleAds, Sandbox: "meta",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail, connectors.IdentifierPhone}, Channel: record.ChannelAds,
		Settings:    func() connectors.Settings { return &Settings{TokenEnv: "META_TOKEN"} },
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Token: e.SecretOf(s.TokenEnv), TokenEnv: s.TokenEnv,
				AudienceID: s.AudienceID, Schema: s.Schema, RequestsPerSecond: e.RateLimit.RequestsPerSecond,
				Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
