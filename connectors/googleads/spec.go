// This file registers Google Ads Customer Match with the connector registry: configuration keys and constructor.
package googleads

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Settings are the google_ads keys of a destinations[] entry.
type Settings struct {
	TokenEnv          string `koanf:"token_env"`
	DeveloperTokenEnv string `koanf:"developer_token_env"`
	CustomerID        string `koanf:"customer_id"`
	LoginCustomerID   string `koanf:"login_customer_id"`
	UserList          string `koanf:"user_list"`
}

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	c.Secret("token_env", s.TokenEnv)
	c.Secret("developer_token_env", s.DeveloperTokenEnv)
	c.Required("customer_id", s.CustomerID, "the Google Ads customer id (digits only)")
	c.Required("user_list", s.UserList, "customers/<cid>/userLists/<id>")
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "google_ads", Role: connectors.RoleAds, Sandbox: "google_ads",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail, connectors.IdentifierPhone}, Channel: record.ChannelAds,
		Settings: func() connectors.Settings {
			return &Settings{TokenEnv: "GOOGLE_ADS_TOKEN", DeveloperTokenEnv: "GOOGLE_ADS_DEVELOPER_TOKEN"}
		},
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			return New(Config{Name: e.Name, BaseURL: e.BaseURL, Token: e.SecretOf(s.TokenEnv), TokenEnv: s.TokenEnv,
				DeveloperToken: e.SecretOf(s.DeveloperTokenEnv), DeveloperTokenEnv: s.DeveloperTokenEnv,
				CustomerID: s.CustomerID, LoginCustomerID: s.LoginCustomerID, UserList: s.UserList,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
