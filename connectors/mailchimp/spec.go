// This file registers Mailchimp with the connector registry: its configuration keys and constructor.
package mailchimp

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the mailchimp keys of a destinations[] entry.
type Settings struct {
	connectors.APIKey `koanf:",squash"`
	ListID            string `koanf:"list_id"`
	// Remove is archive (default) or untag (extension).
	Remove string `koanf:"remove"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.APIKey.Validate(c)
	c.Required("list_id", s.ListID, "the Mailchimp audience id")
	if s.Remove != "" && s.Remove != RemoveArchive && s.Remove != RemoveUntag {
		c.Add("remove", "%q: use %s or %s", s.Remove, RemoveArchive, RemoveUntag)
	}
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "mailchimp", Role: connectors.RoleEmail, Sandbox: "mailchimp",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail}, Channel: record.ChannelEmail,
		Settings: func() connectors.Settings { return &Settings{APIKey: connectors.APIKey{Env: "MAILCHIMP_API_KEY"}} },
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			key, from, err := s.APIKey.Read(e)
			if err != nil {
				return nil, err
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, APIKey: key, APIKeyEnv: from, ListID: s.ListID,
				MergeFields: true, Segments: e.Segments, Remove: s.Remove, RequestsPerSecond: e.RateLimit.RequestsPerSecond,
				Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
