// This file registers Meta with the connector registry: its configuration keys and constructor.
package meta

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the meta keys of a destinations[] entry.
type Settings struct {
	// A system-user token (token_env or token_file_env): Meta's tokens for unattended uploads.
	auth.Settings `koanf:",squash"`
	AudienceID    string   `koanf:"audience_id"`
	Schema        []string `koanf:"schema"`      // extension: the match keys sent per member
	APIVersion    string   `koanf:"api_version"` // extension: when base_url carries no version
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.Settings.Validate(c, auth.Static)
	c.Required("audience_id", s.AudienceID, "the custom audience id")
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "meta", Role: connectors.RoleAds, Sandbox: "meta",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail, connectors.IdentifierPhone}, Channel: record.ChannelAds,
		Settings: func() connectors.Settings { return &Settings{Settings: auth.Settings{TokenEnv: "META_TOKEN"}} },
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			cred, err := auth.FromEnv(e, s.Settings, "", auth.Options{})
			if err != nil {
				return nil, err
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, APIVersion: s.APIVersion, Credential: cred,
				AudienceID: s.AudienceID, Schema: s.Schema, RequestsPerSecond: e.RateLimit.RequestsPerSecond,
				Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
