// This file registers Google Ads Customer Match with the connector registry: its configuration
// keys and constructor, which picks the Data Manager API (default) or the legacy Google Ads API.
package googleads

import (
	"net/url"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/datamanager"
	"github.com/cdpflow/cdpflow/record"
)

// The api key's values.
const (
	APIDataManager = "data_manager"
	APIGoogleAds   = "google_ads"
)

// Google's OAuth endpoint and the legacy API's scope.
const (
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
	AdWordsScope   = "https://www.googleapis.com/auth/adwords"
)

// Settings are the google_ads keys of a destinations[] entry.
type Settings struct {
	// A service-account or authorized-user JSON file (credentials_file_env), an OAuth refresh token
	// (client_id_env, client_secret_env, refresh_token_env), or a static access token (token_env; it
	// lives one hour, for manual runs).
	auth.Settings `koanf:",squash"`
	// API is data_manager (default) or google_ads (the legacy upload; allow-listed developer tokens only).
	API               string `koanf:"api"`
	DeveloperTokenEnv string `koanf:"developer_token_env"` // legacy path only
	CustomerID        string `koanf:"customer_id"`
	LoginCustomerID   string `koanf:"login_customer_id"`
	UserList          string `koanf:"user_list"`
	// Encoding of the digests sent to the Data Manager API: HEX (default) or BASE64 (extension).
	Encoding string `koanf:"encoding"`
}

func (s *Settings) legacy() bool { return s.API == APIGoogleAds }

// Validate checks the keys.
func (s *Settings) Validate(c *connectors.Check) {
	s.Settings.Validate(c, auth.GoogleJSON, auth.RefreshToken, auth.Static)
	switch s.API {
	case "", APIDataManager:
		if u, err := url.Parse(c.BaseURL); err == nil && u.Host == "googleads.googleapis.com" {
			c.Add("base_url", "is the Google Ads API, which accepts Customer Match only from allow-listed developer tokens: "+
				"use https://datamanager.googleapis.com/v1, or set api: google_ads if your token is allow-listed")
		}
		if s.Encoding != "" && s.Encoding != datamanager.EncodingHex && s.Encoding != datamanager.EncodingBase64 {
			c.Add("encoding", "%q: use HEX or BASE64", s.Encoding)
		}
	case APIGoogleAds:
		c.Secret("developer_token_env", s.DeveloperTokenEnv)
		if v := APIVersion(c.BaseURL); !v.Ends.IsZero() {
			c.Add("base_url", "calls Google Ads API %s, which was sunset on %s: use https://googleads.googleapis.com/v26", v.Version, v.Ends.Format("2006-01-02"))
		}
	default:
		c.Add("api", "%q: use data_manager (the default) or google_ads (legacy, allow-listed developer tokens only)", s.API)
	}
	c.Required("customer_id", s.CustomerID, "the Google Ads account id that owns the list (digits only)")
	c.Required("user_list", s.UserList, "customers/<cid>/userLists/<id>")
}

func init() {
	connectors.Register(connectors.Spec{
		Type: "google_ads", Role: connectors.RoleAds, Sandbox: "google_ads",
		Identifiers: []connectors.Identifier{connectors.IdentifierEmail, connectors.IdentifierPhone}, Channel: record.ChannelAds,
		Settings: func() connectors.Settings {
			return &Settings{Settings: auth.Settings{TokenEnv: "GOOGLE_ADS_TOKEN"}, DeveloperTokenEnv: "GOOGLE_ADS_DEVELOPER_TOKEN"}
		},
		NewDestination: func(e connectors.Env) (connectors.Destination, error) {
			s := e.Settings.(*Settings)
			scope := datamanager.Scope
			if s.legacy() {
				scope = AdWordsScope
			}
			cred, err := auth.FromEnv(e, s.Settings, "/token", auth.Options{TokenURL: GoogleTokenURL, Scopes: []string{scope}})
			if err != nil {
				return nil, err
			}
			base := e.BaseURL
			if !s.legacy() {
				if e.Sandbox {
					base = strings.TrimRight(base, "/") + "/v1"
				}
				return datamanager.New(datamanager.Config{Name: e.Name, BaseURL: base, Credential: cred,
					OperatingAccountID: s.CustomerID, LoginAccountID: s.LoginCustomerID, UserList: s.UserList, Encoding: s.Encoding,
					RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, HTTP: e.HTTP})
			}
			if e.Sandbox {
				base = strings.TrimRight(base, "/") + "/v26"
			}
			return New(Config{Name: e.Name, BaseURL: base, Credential: cred,
				DeveloperToken: e.SecretOf(s.DeveloperTokenEnv), DeveloperTokenEnv: s.DeveloperTokenEnv,
				CustomerID: s.CustomerID, LoginCustomerID: s.LoginCustomerID, UserList: s.UserList,
				RequestsPerSecond: e.RateLimit.RequestsPerSecond, Burst: e.RateLimit.Burst, HTTP: e.HTTP})
		},
	})
}
