// This file registers Square with the connector registry: its configuration keys and constructor.
package square

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the square keys of a sources[] entry.
type Settings struct {
	TokenEnv    string   `koanf:"token_env"`
	LocationIDs []string `koanf:"location_ids"`
	// PageSize is records per page (extension; customers at most 100, orders at most 1000).
	PageSize int `koanf:"page_size"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	c.Secret("token_env", s.TokenEnv)
	if err := checkLocations(s.LocationIDs); err != nil {
		c.Add("location_ids", "%v", err)
	}
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "square", Role: connectors.RolePOS, Sandbox: "square", Incremental: true,
		Kinds:    []record.Kind{record.KindCustomer, record.KindOrder},
		Settings: func() connectors.Settings { return &Settings{TokenEnv: "SQUARE_TOKEN"} },
		NewSource: func(e connectors.Env) (connectors.Source, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Token: e.SecretOf(s.TokenEnv), TokenEnv: s.TokenEnv,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, LocationIDs: s.LocationIDs,
				CustomerPageSize: min(s.PageSize, 100), OrderPageSize: s.PageSize, HTTP: e.HTTP})
		},
	})
}
