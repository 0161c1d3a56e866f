// This file registers Mandrill with the connector registry: its configuration keys and constructor.
package mandrill

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the mandrill keys of a destinations[] entry.
type Settings struct {
	connectors.APIKey `koanf:",squash"`
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
	s.APIKey.Validate(c)
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
		Settings: func() connectors.Settings { return &Settings{APIKey: connectors.APIKey{Env: "MANDRILL_API_KEY"}} },
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			key, from, err := s.APIKey.Read(e)
			if err != nil {
				return nil, err
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, APIKey: key, APIKeyEnv: from, BatchSize: s.BatchSize,
				Template: s.Template, FromEmail: s.FromEmail, FromName: s.FromName, Tags: s.Tags,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
