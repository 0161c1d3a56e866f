// This file registers Mailchimp with the connector registry: its configuration keys and constructor.
package mailchimp

import (
	"fmt"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the mailchimp keys of a destinations[] entry.
type Settings struct {
	APIKeyEnv     string `koanf:"api_key_env"`
	APIKeyFileEnv string `koanf:"api_key_file_env"` // a variable holding the path of a file with the key
	ListID        string `koanf:"list_id"`
	// Remove is archive (default) or untag (extension).
	Remove string `koanf:"remove"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	if s.APIKeyFileEnv != "" {
		c.SecretFile("api_key_file_env", s.APIKeyFileEnv)
	} else {
		c.Secret("api_key_env", s.APIKeyEnv)
	}
	c.Required("list_id", s.ListID, "the Mailchimp audience id")
	if s.Remove != "" && s.Remove != RemoveArchive && s.Remove != RemoveUntag {
		c.Add("remove", "%q: use %s or %s", s.Remove, RemoveArchive, RemoveUntag)
	}
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "mailchimp", Role: connectors.RoleEmail, Sandbox: "mailchimp",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail}, Channel: record.ChannelEmail,
		Settings: func() connectors.Settings { return &Settings{APIKeyEnv: "MAILCHIMP_API_KEY"} },
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			key, err := e.ReadSecret(s.APIKeyEnv, s.APIKeyFileEnv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e.Name, err)
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, APIKey: key, APIKeyEnv: keyVar(s.APIKeyEnv, s.APIKeyFileEnv), ListID: s.ListID,
				MergeFields: true, Segments: e.Segments, Remove: s.Remove, RequestsPerSecond: e.RateLimit.RequestsPerSecond,
				Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}

// keyVar names where the key came from, for hints.
func keyVar(env, fileEnv string) string {
	if fileEnv != "" {
		return fileEnv + " (a file path)"
	}
	return env
}
