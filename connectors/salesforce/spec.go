// This file registers Salesforce with the connector registry: its configuration keys and constructor.
package salesforce

import (
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the salesforce keys of a sources[] entry.
type Settings struct {
	// An OAuth refresh token, a JWT bearer grant, a client-credentials grant, or (short manual
	// runs only: sessions expire) a static access token.
	auth.Settings `koanf:",squash"`
	APIVersion    string `koanf:"api_version"`
	// BatchSize asks for this many records per page (extension; 200..2000, a hint to Salesforce).
	BatchSize int `koanf:"batch_size"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.Settings.Validate(c, auth.Static, auth.RefreshToken, auth.SalesforceJWT, auth.ClientCredentials)
	if c.BaseURL == "" && !c.Sandbox && !s.Renews() {
		c.Add("base_url", "is required for salesforce with a static token: https://<domain>.my.salesforce.com")
	}
	if c.BaseURL == "" && !c.Sandbox && s.Kind() == auth.ClientCredentials && s.TokenURL == "" {
		c.Add("base_url", "is required for a client-credentials grant: it runs on the My Domain host, https://<domain>.my.salesforce.com")
	}
	if _, err := normalizeVersion(s.APIVersion); err != nil {
		c.Add("api_version", "%v", err)
	}
}

// tokenURL is the default token endpoint: the My Domain host when base_url names one, else login.salesforce.com.
func tokenURL(baseURL string) string {
	if baseURL != "" && baseURL != "sandbox" {
		return strings.TrimRight(baseURL, "/") + "/services/oauth2/token"
	}
	return DefaultTokenURL
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "salesforce", Role: connectors.RoleCRM, Sandbox: "salesforce", Incremental: true,
		Kinds: []record.Kind{record.KindCustomer},
		Settings: func() connectors.Settings {
			return &Settings{Settings: auth.Settings{TokenEnv: DefaultTokenEnv}, APIVersion: DefaultAPIVersion}
		},
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			cred, err := auth.FromEnv(e, s.Settings, "/services/oauth2/token", auth.Options{TokenURL: tokenURL(e.BaseURL), InBody: true})
			if err != nil {
				return nil, err
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Credential: cred,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, APIVersion: s.APIVersion, BatchSize: s.BatchSize, HTTP: e.HTTP})
		},
	})
}
