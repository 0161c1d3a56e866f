// This file holds Token, an access token that renews itself, and Build, which makes the one a
// connector's keys describe over the grants of golang.org/x/oauth2 (refresh token, client
// credentials, Google credentials JSON), a JSON-body refresh (Square) and a Salesforce JWT bearer grant.
package auth

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/cdpflow/cdpflow/connectors"
)

// Token supplies a connector's access token.
type Token interface {
	// Token returns a valid access token, renewing it shortly before it expires.
	Token(ctx context.Context) (string, error)
	// Renew forgets the token after the vendor said it expired; it reports false when the
	// credential cannot be renewed (a static token), so the answer is final.
	Renew() bool
	// Instance is the API host the last token response named (Salesforce's instance_url), or "".
	Instance() string
	// Describe names what to check when the credential is refused, e.g. "the token in $HUBSPOT_TOKEN".
	Describe() string
}

// Options are what Build needs besides the keys.
type Options struct {
	Name   string              // the connector's name, for errors
	Getenv func(string) string // reads secret variables (default os.Getenv)
	// ReadFile reads the file a *_file_env variable names (default: the path in Getenv's value).
	ReadFile func(fileEnv string) ([]byte, error)
	// TokenURL is the vendor's token endpoint when token_url is not set.
	TokenURL string
	// Scopes are requested from Google (and sent with client-credentials grants).
	Scopes []string
	// InBody sends client id and secret in the form body rather than HTTP Basic.
	InBody bool
	// JSONBody posts the refresh-token grant as a JSON object (Square's ObtainToken).
	JSONBody bool
	// JWTAudience is the "aud" of a Salesforce JWT bearer assertion (default https://login.salesforce.com).
	JWTAudience string
	// Sandbox sends Google credentials to TokenURL whatever the file's token_uri says.
	Sandbox bool
	HTTP    http.RoundTripper // for token requests (tests, sandbox); nil = default
	Now     func() time.Time
}

// FromEnv builds the token for a connector entry: secrets, files and transport come from e; in
// the sandbox, sandboxPath on the imitation's URL replaces o.TokenURL.
// Renewing credentials are kept (Env.Keep) per entry, so activities share one access token.
func FromEnv(e connectors.Env, s Settings, sandboxPath string, o Options) (Token, error) {
	o.Name, o.Getenv, o.ReadFile, o.HTTP, o.Sandbox = e.Name, e.SecretOf, e.SecretFile, e.HTTP, e.Sandbox
	if e.Sandbox && sandboxPath != "" {
		o.TokenURL = strings.TrimRight(e.BaseURL, "/") + sandboxPath
	}
	if e.Keep == nil || !s.Renews() {
		return Build(s, o)
	}
	key := fmt.Sprintf("auth/%s/%s/%v/%v", e.Name, o.TokenURL, s, o.Scopes)
	v, err := e.Keep(key, func() (any, error) { return Build(s, o) })
	if err != nil {
		return nil, err
	}
	return v.(Token), nil
}

// Build makes the token the settings describe.
func Build(s Settings, o Options) (Token, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.ReadFile == nil {
		o.ReadFile = connectors.ReadSecretFile(o.Getenv)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	tokenURL := s.TokenURL
	if tokenURL == "" {
		tokenURL = o.TokenURL
	}
	read := func(env, fileEnv string) (string, error) {
		if fileEnv == "" {
			return o.Getenv(env), nil
		}
		b, err := o.ReadFile(fileEnv)
		if err != nil {
			return "", fmt.Errorf("%s: %w", o.Name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	r := &renewing{name: o.Name, tokenURL: tokenURL, http: o.HTTP, now: o.Now}
	switch s.Kind() {
	case Static:
		v, err := read(s.TokenEnv, s.TokenFileEnv)
		if err != nil {
			return nil, err
		}
		d := envWord("the token in", s.TokenEnv, s.TokenFileEnv)
		if v == "" {
			return nil, fmt.Errorf("%s: no token: set %s", o.Name, strings.TrimPrefix(d, "the token in "))
		}
		return StaticToken(v, d), nil
	case RefreshToken:
		secret, err := read(s.ClientSecretEnv, s.ClientSecretFileEnv)
		if err != nil {
			return nil, err
		}
		refresh, err := read(s.RefreshTokenEnv, s.RefreshTokenFileEnv)
		if err != nil {
			return nil, err
		}
		id := o.Getenv(s.ClientIDEnv)
		if id == "" || refresh == "" || tokenURL == "" {
			return nil, fmt.Errorf("%s: the OAuth refresh-token credential is incomplete: set token_url, $%s and %s",
				o.Name, s.ClientIDEnv, envWord("", s.RefreshTokenEnv, s.RefreshTokenFileEnv))
		}
		r.describe = envWord("the refresh token in", s.RefreshTokenEnv, s.RefreshTokenFileEnv) + " and the client in $" + s.ClientIDEnv
		r.refresh = refresh
		if o.JSONBody {
			r.fetch = func(ctx context.Context) (*oauth2.Token, error) {
				return postJSON(ctx, tokenURL, map[string]string{"client_id": id, "client_secret": secret,
					"grant_type": "refresh_token", "refresh_token": r.refresh}, o.Now)
			}
			break
		}
		cfg := oauth2.Config{ClientID: id, ClientSecret: secret, Scopes: o.Scopes,
			Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: style(o.InBody)}}
		r.fetch = func(ctx context.Context) (*oauth2.Token, error) {
			return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: r.refresh}).Token()
		}
	case ClientCredentials:
		secret, err := read(s.ClientSecretEnv, s.ClientSecretFileEnv)
		if err != nil {
			return nil, err
		}
		cfg := clientcredentials.Config{ClientID: o.Getenv(s.ClientIDEnv), ClientSecret: secret,
			TokenURL: tokenURL, AuthStyle: style(o.InBody), Scopes: o.Scopes}
		if cfg.ClientID == "" || secret == "" || tokenURL == "" {
			return nil, fmt.Errorf("%s: the OAuth client is incomplete: set token_url, $%s and %s", o.Name, s.ClientIDEnv,
				envWord("", s.ClientSecretEnv, s.ClientSecretFileEnv))
		}
		r.describe = "the client in $" + s.ClientIDEnv + " and " + envWord("", s.ClientSecretEnv, s.ClientSecretFileEnv)
		r.fetch = cfg.Token
	case GoogleJSON:
		fetch, err := googleJSON(s, o, tokenURL)
		if err != nil {
			return nil, err
		}
		r.describe = "the credentials file named by $" + s.CredentialsFileEnv
		r.fetch = fetch
	case SalesforceJWT:
		j, err := newJWTBearer(s, o, tokenURL)
		if err != nil {
			return nil, err
		}
		r.describe = "the connected app in $" + s.ClientIDEnv + ", the key named by $" + s.JWTKeyFileEnv + " and the user " + s.JWTUsername
		r.fetch = j.token
	}
	return r, nil
}

func style(inBody bool) oauth2.AuthStyle {
	if inBody {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}

// envWord names where a secret comes from: "$X" or "the file named by $X_FILE".
func envWord(prefix, env, fileEnv string) string {
	w := "$" + env
	if fileEnv != "" {
		w = "the file named by $" + fileEnv
	}
	if prefix == "" {
		return w
	}
	return prefix + " " + w
}

// StaticToken is a token that does not renew (a private-app token, an API key); describe names
// where it comes from, e.g. "the token in $HUBSPOT_TOKEN".
func StaticToken(v, describe string) Token { return staticToken{v: v, describe: describe} }

type staticToken struct{ v, describe string }

func (t staticToken) Token(context.Context) (string, error) { return t.v, nil }
func (staticToken) Renew() bool                             { return false }
func (staticToken) Instance() string                        { return "" }
func (t staticToken) Describe() string                      { return t.describe }

// renewing caches a fetched token until shortly before it expires.
type renewing struct {
	name, tokenURL, describe string
	fetch                    func(ctx context.Context) (*oauth2.Token, error)
	http                     http.RoundTripper
	now                      func() time.Time

	mu       sync.Mutex
	refresh  string // the current refresh token (rotated when the endpoint returns a new one)
	tok      *oauth2.Token
	fetched  time.Time
	instance string
}

// valid reports whether the cached token can still be used: tokens without an expiry live until
// the vendor refuses them; others are renewed a quarter of their lifetime (at most a minute) early.
func (r *renewing) valid() bool {
	if r.tok == nil || r.tok.AccessToken == "" {
		return false
	}
	if r.tok.Expiry.IsZero() {
		return true
	}
	margin := min(time.Minute, r.tok.Expiry.Sub(r.fetched)/4)
	return r.now().Add(margin).Before(r.tok.Expiry)
}

func (r *renewing) Token(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.valid() {
		return r.tok.AccessToken, nil
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: r.http}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	started := r.now()
	tok, err := r.fetch(ctx)
	if err != nil {
		return "", r.refreshError(err)
	}
	if tok.AccessToken == "" {
		return "", r.refreshError(errNoAccessToken)
	}
	if tok.ExpiresIn > 0 { // measure the lifetime on our clock, from when the request was sent
		tok.Expiry = started.Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	if tok.RefreshToken != "" {
		r.refresh = tok.RefreshToken // a rotating refresh token replaces the old one
	}
	r.tok, r.fetched = tok, started
	if v, ok := tok.Extra("instance_url").(string); ok && v != "" {
		r.instance = v
	}
	return tok.AccessToken, nil
}

func (r *renewing) Renew() bool {
	r.mu.Lock()
	r.tok = nil
	r.mu.Unlock()
	return true
}

func (r *renewing) Instance() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.instance
}

func (r *renewing) Describe() string { return r.describe }

// Renewable reports whether t renews itself (it was built from an OAuth credential).
func Renewable(t Token) bool {
	_, ok := t.(*renewing)
	return ok
}
