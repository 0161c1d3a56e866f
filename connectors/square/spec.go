// This file registers Square with the connector registry: its configuration keys and constructor.
package square

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/record"
)

// DefaultTokenURL is Square's ObtainToken endpoint.
const DefaultTokenURL = DefaultBaseURL + "/oauth2/token"

// Settings are the square keys of a sources[] entry.
type Settings struct {
	// A personal access token (token_env, does not expire) or an OAuth token renewed with its
	// refresh token (client_id_env, client_secret_env, refresh_token_env; access tokens live 30 days).
	auth.Settings `koanf:",squash"`
	LocationIDs   []string `koanf:"location_ids"`
	// PageSize is records per page (extension; customers at most 100, orders at most 1000).
	PageSize int `koanf:"page_size"`
	// Version is the Square-Version header (extension; default 2025-08-20).
	Version string `koanf:"api_version"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.Settings.Validate(c, auth.Static, auth.RefreshToken)
	if err := checkLocations(s.LocationIDs); err != nil {
		c.Add("location_ids", "%v", err)
	}
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "square", Role: connectors.RolePOS, Sandbox: "square", Incremental: true,
		Kinds:    []record.Kind{record.KindCustomer, record.KindOrder},
		Settings: func() connectors.Settings { return &Settings{Settings: auth.Settings{TokenEnv: "SQUARE_TOKEN"}} },
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			// ObtainToken takes a JSON body and answers expires_at.
			cred, err := auth.FromEnv(e, s.Settings, "/oauth2/token", auth.Options{TokenURL: DefaultTokenURL, JSONBody: true})
			if err != nil {
				return nil, err
			}
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Credential: cred, Version: s.Version,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, LocationIDs: s.LocationIDs,
				CustomerPageSize: min(s.PageSize, 100), OrderPageSize: s.PageSize, HTTP: e.HTTP})
		},
	})
}
