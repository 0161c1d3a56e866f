// This file registers Mandrill with the connector registry: its configuration keys and constructor.
package mandrill

import (
	"fmt"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the mandrill keys of a destinations[] entry.
type Settings struct {
	APIKeyEnv     string `koanf:"api_key_env"`
	APIKeyFileEnv string `koanf:"api_key_file_env"` // a variable holding the path of a file with the key
	// BatchSize is recipients per call (extension; default 10: Mandrill reports each recipient's
	// outcome only for calls of at most 10; larger calls answer queued and are settled later).
	BatchSize int      `koanf:"batch_size"`
	Template  string   `koanf:"template"`
	FromEmail string   `koanf:"from_email"`
	FromName  string   `koanf:"from_name"` // extension
	Tags      []string `koanf:"tags"`      // extension
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	if s.APIKeyFileEnv != "" {
		c.SecretFile("api_key_file_env", s.APIKeyFileEnv)
	} else {
		c.Secret("api_key_env", s.APIKeyEnv)
	}
	if s.BatchSize < 0 || s.BatchSize > maxBatch {
		c.Add("batch_size", "%d is outside 1..%d", s.BatchSize, maxBatch)
	}
	c.Required("template", s.Template, "the Mandrill template name")
	c.Required("from_email", s.FromEmail, "the sender address")
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "mandrill", Role: connectors.RoleTransactional, Sandbox: "mandrill",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail}, Channel: record.ChannelEmail,
		Settings: func() connectors.Settings { return &Settings{APIKeyEnv: "MANDRILL_API_KEY"} },
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			key, err := e.ReadSecret(s.APIKeyEnv, s.APIKeyFileEnv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e.Name, err)
			}
			env := s.APIKeyEnv
			if s.APIKeyFileEnv != "" {
				env = s.APIKeyFileEnv + " (a file path)"
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, APIKey: key, APIKeyEnv: env, BatchSize: s.BatchSize,
				Template: s.Template, FromEmail: s.FromEmail, FromName: s.FromName, Tags: s.Tags,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
