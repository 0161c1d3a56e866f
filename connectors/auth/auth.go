// Package auth holds connector credentials: where a secret comes from (an environment variable or
// a file it names), and access tokens that renew themselves. A vendor's Settings embed Settings;
// Build picks the credential its keys describe:
//
//   - a static token (token_env, or token_file_env naming a variable that holds a file's path):
//     private-app tokens, system-user tokens, personal access tokens;
//   - an OAuth 2.0 refresh-token grant (token_url, client_id_env, client_secret_env,
//     refresh_token_env): HubSpot, Salesforce, Square and Google user credentials;
//   - an OAuth 2.0 client-credentials grant (token_url, client_id_env, client_secret_env, no
//     refresh token): Shopify Dev Dashboard apps, Salesforce client-credentials flows;
//   - a Google credentials JSON file (credentials_file_env): a service account or authorized user;
//   - a Salesforce JWT bearer grant (client_id_env, jwt_username, jwt_key_file_env).
//
// Tokens are renewed shortly before they expire, and once more when the vendor answers that the
// token expired. A renewal that fails is a non-retryable error naming the credential to check.
package auth

import (
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
)

// Settings are the credential keys of a connector entry (embed with `koanf:",squash"`).
type Settings struct {
	TokenEnv            string `koanf:"token_env"`
	TokenFileEnv        string `koanf:"token_file_env"`
	TokenURL            string `koanf:"token_url"`
	ClientIDEnv         string `koanf:"client_id_env"`
	ClientSecretEnv     string `koanf:"client_secret_env"`
	ClientSecretFileEnv string `koanf:"client_secret_file_env"`
	RefreshTokenEnv     string `koanf:"refresh_token_env"`
	RefreshTokenFileEnv string `koanf:"refresh_token_file_env"`
	CredentialsFileEnv  string `koanf:"credentials_file_env"`
	JWTUsername         string `koanf:"jwt_username"`
	JWTKeyFileEnv       string `koanf:"jwt_key_file_env"`
}

// Kind is a kind of credential.
type Kind string

// Credential kinds.
const (
	Static            Kind = "static"
	RefreshToken      Kind = "refresh_token"
	ClientCredentials Kind = "client_credentials"
	GoogleJSON        Kind = "google_json"
	SalesforceJWT     Kind = "salesforce_jwt"
)

// Kind says which credential the keys describe.
func (s Settings) Kind() Kind {
	switch {
	case s.CredentialsFileEnv != "":
		return GoogleJSON
	case s.JWTUsername != "" || s.JWTKeyFileEnv != "":
		return SalesforceJWT
	case s.RefreshTokenEnv != "" || s.RefreshTokenFileEnv != "":
		return RefreshToken
	case s.ClientIDEnv != "" || s.ClientSecretEnv != "" || s.ClientSecretFileEnv != "":
		return ClientCredentials
	}
	return Static
}

// Renews reports whether the credential renews itself (anything but a static token).
func (s Settings) Renews() bool { return s.Kind() != Static }

// Validate checks the keys against the kinds the vendor supports; every secret variable must be
// named (and set, when c.Secrets). OAuth keys win over a token_env default.
func (s Settings) Validate(c *connectors.Check, kinds ...Kind) {
	k := s.Kind()
	if !containsKind(kinds, k) {
		c.Add(keyOf(k), "a %s credential is not supported by this connector; use %s", k, kindList(kinds))
		return
	}
	if s.TokenURL != "" && k == Static {
		c.Add("token_url", "is only used with an OAuth credential (client_id_env, credentials_file_env or jwt_username); add those keys or remove token_url")
	}
	switch k {
	case Static:
		if s.TokenFileEnv != "" {
			c.SecretFile("token_file_env", s.TokenFileEnv)
			return
		}
		c.Secret("token_env", s.TokenEnv)
	case RefreshToken, ClientCredentials:
		connectors.CheckURL(c, "token_url", s.TokenURL)
		c.Secret("client_id_env", s.ClientIDEnv)
		if s.ClientSecretFileEnv != "" {
			c.SecretFile("client_secret_file_env", s.ClientSecretFileEnv)
		} else if k == ClientCredentials || s.ClientSecretEnv != "" {
			c.Secret("client_secret_env", s.ClientSecretEnv)
		}
		if k == RefreshToken {
			if s.RefreshTokenFileEnv != "" {
				c.SecretFile("refresh_token_file_env", s.RefreshTokenFileEnv)
			} else {
				c.Secret("refresh_token_env", s.RefreshTokenEnv)
			}
		}
	case GoogleJSON:
		c.SecretFile("credentials_file_env", s.CredentialsFileEnv)
	case SalesforceJWT:
		connectors.CheckURL(c, "token_url", s.TokenURL)
		c.Secret("client_id_env", s.ClientIDEnv)
		c.SecretFile("jwt_key_file_env", s.JWTKeyFileEnv)
		if s.JWTUsername == "" {
			c.Add("jwt_username", "is required for a JWT bearer credential: the Salesforce user the integration acts as")
		}
	}
}

func keyOf(k Kind) string {
	switch k {
	case GoogleJSON:
		return "credentials_file_env"
	case SalesforceJWT:
		return "jwt_username"
	case RefreshToken:
		return "refresh_token_env"
	case ClientCredentials:
		return "client_id_env"
	}
	return "token_env"
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func kindList(ks []Kind) string {
	var parts []string
	for _, k := range ks {
		switch k {
		case Static:
			parts = append(parts, "token_env (a token that does not expire)")
		case RefreshToken:
			parts = append(parts, "client_id_env + client_secret_env + refresh_token_env (an OAuth refresh token)")
		case ClientCredentials:
			parts = append(parts, "client_id_env + client_secret_env (an OAuth client-credentials grant)")
		case GoogleJSON:
			parts = append(parts, "credentials_file_env (a service-account or authorized-user JSON file)")
		case SalesforceJWT:
			parts = append(parts, "client_id_env + jwt_username + jwt_key_file_env (a JWT bearer grant)")
		}
	}
	return strings.Join(parts, ", or ")
}
