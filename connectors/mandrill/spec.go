// This file registers Mandrill with the connector registry: its configuration keys and constructor.
package mandrill

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the mandrill keys of a destinations[] entry.
type Settings struct {
	APIKeyEnv string   `koanf:"api_key_env"`
	Template  string   `koanf:"template"`
	FromEmail string   `koanf:"from_email"`
	FromName  string   `koanf:"from_name"` // extension
	Tags      []string `koanf:"tags"`      // extension
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	c.Secret("api_key_env", s.APIKeyEnv)
	c.Required("template", s.Template, "the Mandrill template name")
	c.Required("from_email", s.FromEmail, "the sender address")
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "mandrill", Role: connectors.RoleTransactional, Sandbox: "mandrill",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail}, Channel: record.ChannelEmail,
		Settings:    func() connectors.Settings { return &Settings{APIKeyEnv: "MANDRILL_API_KEY"} },
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, APIKey: e.SecretOf(s.APIKeyEnv), APIKeyEnv: s.APIKeyEnv,
				Template: s.Template, FromEmail: s.FromEmail, FromName: s.FromName, Tags: s.Tags,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
