// This file registers Salesforce with the connector registry: its configuration keys and constructor.
package salesforce

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the salesforce keys of a sources[] entry.
type Settings struct {
	TokenEnv   string `koanf:"token_env"`
	APIVersion string `koanf:"api_version"`
	// BatchSize asks for this many records per page (extension; 200..2000, a hint to Salesforce).
	BatchSize int `koanf:"batch_size"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	c.Secret("token_env", s.TokenEnv)
	if c.BaseURL == "" && !c.Sandbox {
		c.Add("base_url", "is required for salesforce: https://<domain>.my.salesforce.com")
	}
	if _, err := normalizeVersion(s.APIVersion); err != nil {
		c.Add("api_version", "%v", err)
	}
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "salesforce", Role: connectors.RoleCRM, Sandbox: "salesforce", Incremental: true,
		Kinds: []record.Kind{record.KindCustomer},
		Settings: func() connectors.Settings {
			return &Settings{TokenEnv: "SALESFORCE_TOKEN", APIVersion: DefaultAPIVersion}
		},
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Token: e.SecretOf(s.TokenEnv), TokenEnv: s.TokenEnv,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, APIVersion: s.APIVersion, BatchSize: s.BatchSize, HTTP: e.HTTP})
		},
	})
}
