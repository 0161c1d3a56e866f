// This file holds the sandbox's token authority: the OAuth token endpoints of HubSpot, Salesforce,
// Shopify, Square and Google (each on its vendor's server, in that vendor's wire format), access
// tokens that expire after ServerOptions.TokenTTL, revocation, and what every imitation asks when a
// request presents a token: valid, expired or unknown.
package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// TokenState is what the authority knows of a presented token.
type TokenState int

// Token states.
const (
	TokenInvalid TokenState = iota // unknown, or empty
	TokenValid
	TokenExpired // issued here, and its lifetime is over
)

// tokens is the authority: issued access tokens, refused secrets and counters per vendor.
type tokens struct {
	mu      sync.Mutex
	ttl     time.Duration
	issued  map[string]issued // access token → what it is
	revoked map[string]bool   // refresh tokens, client ids and key owners refused at token endpoints
	scopes  map[string][]string
	counts  map[string]*TokenStats
}

type issued struct {
	vendor  string
	expires time.Time
	scopes  []string
}

// TokenStats counts one vendor's token traffic.
type TokenStats struct {
	Issued  int // access tokens issued by the token endpoint
	Expired int // requests refused because their token had expired
	Refused int // token requests refused (revoked or malformed)
}

const issuedPrefix = "sbx-at-"

func newTokens(ttl time.Duration) *tokens {
	if ttl <= 0 {
		ttl = time.Hour
	}
	return &tokens{ttl: ttl, issued: map[string]issued{}, revoked: map[string]bool{}, scopes: map[string][]string{},
		counts: map[string]*TokenStats{}}
}

func (t *tokens) stats(vendor string) *TokenStats {
	st, ok := t.counts[vendor]
	if !ok {
		st = &TokenStats{}
		t.counts[vendor] = st
	}
	return st
}

// issue makes a new access token for vendor.
func (t *tokens) issue(vendor string, scopes []string) (string, time.Duration) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	tok := issuedPrefix + vendor + "-" + hex.EncodeToString(b)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.issued[tok] = issued{vendor: vendor, expires: time.Now().Add(t.ttl), scopes: scopes}
	t.stats(vendor).Issued++
	return tok, t.ttl
}

// refused reports whether any of the secrets was revoked, counting the refusal.
func (t *tokens) refused(vendor string, secrets ...string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range secrets {
		if s == "" || t.revoked[s] {
			t.stats(vendor).Refused++
			return true
		}
	}
	return false
}

// TokenState tells an imitation what a presented token is. Tokens this authority did not issue
// are the static kind (private-app tokens, API keys): valid when non-empty and, if the sandbox was
// started with a Token, equal to it.
func (sb *Sandbox) TokenState(tok string) TokenState {
	if tok == "" {
		return TokenInvalid
	}
	if !strings.HasPrefix(tok, issuedPrefix) {
		if sb.Token == "" || tok == sb.Token {
			return TokenValid
		}
		return TokenInvalid
	}
	t := sb.tokens
	t.mu.Lock()
	defer t.mu.Unlock()
	is, ok := t.issued[tok]
	switch {
	case !ok:
		return TokenInvalid
	case time.Now().After(is.expires):
		t.stats(is.vendor).Expired++
		return TokenExpired
	}
	return TokenValid
}

// TokenScopes returns the scopes an issued token was granted (ok false for static tokens).
func (sb *Sandbox) TokenScopes(tok string) ([]string, bool) {
	sb.tokens.mu.Lock()
	defer sb.tokens.mu.Unlock()
	is, ok := sb.tokens.issued[tok]
	return is.scopes, ok
}

// Revoke makes the token endpoints refuse a secret: a refresh token, a client id, an assertion's
// issuer. Access tokens issued earlier keep working until they expire.
func (sb *Sandbox) Revoke(secret string) {
	sb.tokens.mu.Lock()
	defer sb.tokens.mu.Unlock()
	sb.tokens.revoked[secret] = true
}

// SetScopes sets the scopes a vendor's token endpoint grants (Shopify: drop read_all_orders to
// imitate an app without it); nil restores the default.
func (sb *Sandbox) SetScopes(vendor string, scopes []string) {
	sb.tokens.mu.Lock()
	defer sb.tokens.mu.Unlock()
	if scopes == nil {
		delete(sb.tokens.scopes, vendor)
		return
	}
	sb.tokens.scopes[vendor] = scopes
}

func (sb *Sandbox) grantedScopes(vendor string, def []string) []string {
	sb.tokens.mu.Lock()
	defer sb.tokens.mu.Unlock()
	if s, ok := sb.tokens.scopes[vendor]; ok {
		return s
	}
	return def
}

// TokenStats returns a copy of one vendor's token counters.
func (sb *Sandbox) TokenStats(vendor string) TokenStats {
	sb.tokens.mu.Lock()
	defer sb.tokens.mu.Unlock()
	return *sb.tokens.stats(vendor)
}

// Authorized reports whether a presented credential is accepted.
func (sb *Sandbox) Authorized(token string) bool { return sb.TokenState(token) == TokenValid }

// tokenRoutes are the token endpoints, by vendor and path.
var tokenRoutes = map[string]map[string]func(sb *Sandbox, vendor string, w http.ResponseWriter, r *http.Request){
	HubSpot:    {"/oauth/v1/token": hubspotToken, "/oauth/v3/token": hubspotToken, "/oauth/2026-03/token": hubspotToken},
	Salesforce: {"/services/oauth2/token": salesforceToken},
	Shopify:    {"/admin/oauth/access_token": shopifyToken},
	Square:     {"/oauth2/token": squareToken},
	GA4:        {"/token": googleToken},
	GoogleAds:  {"/token": googleToken},
}

// serveToken answers a token request when r is one; it reports whether it did.
func (sb *Sandbox) serveToken(vendor string, w http.ResponseWriter, r *http.Request) bool {
	h, ok := tokenRoutes[vendor][r.URL.Path]
	if !ok {
		return false
	}
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "use POST"})
		return true
	}
	h(sb, vendor, w, r)
	return true
}

// form reads a token request's fields from a form or JSON body; query-string fields are ignored.
func form(r *http.Request) url.Values {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		v := url.Values{}
		for k, x := range m {
			if s, ok := x.(string); ok {
				v.Set(k, s)
			}
		}
		return v
	}
	v, _ := url.ParseQuery(string(body))
	if id, secret, ok := r.BasicAuth(); ok {
		v.Set("client_id", id)
		v.Set("client_secret", secret)
	}
	return v
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// HubSpot: refresh-token grant, every field in the form body; answers expires_in.
func hubspotToken(sb *Sandbox, vendor string, w http.ResponseWriter, r *http.Request) {
	f := form(r)
	if f.Get("grant_type") != "refresh_token" || f.Get("client_id") == "" || f.Get("client_secret") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "BAD_CLIENT_ID", "message": "missing or invalid client_id or client_secret"})
		return
	}
	if sb.tokens.refused(HubSpot, f.Get("refresh_token"), f.Get("client_id")) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token",
			"correlationId": "sbx"})
		return
	}
	tok, ttl := sb.tokens.issue(HubSpot, nil)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "refresh_token": f.Get("refresh_token"),
		"expires_in": int(ttl.Seconds()), "token_type": "bearer"})
}

// Salesforce: refresh-token, JWT bearer and client-credentials grants; answers instance_url and no
// expires_in (the session lasts the org's timeout).
func salesforceToken(sb *Sandbox, vendor string, w http.ResponseWriter, r *http.Request) {
	f := form(r)
	bad := func(desc string) {
		sb.tokens.refused(Salesforce, "")
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": desc})
	}
	switch f.Get("grant_type") {
	case "refresh_token":
		if sb.tokens.refused(Salesforce, f.Get("refresh_token"), f.Get("client_id")) {
			bad("expired access/refresh token")
			return
		}
	case "client_credentials":
		if sb.tokens.refused(Salesforce, f.Get("client_id"), f.Get("client_secret")) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client", "error_description": "invalid client credentials"})
			return
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		claims, ok := jwtClaims(f.Get("assertion"))
		iss, _ := claims["iss"].(string)
		sub, _ := claims["sub"].(string)
		aud := audience(claims["aud"])
		exp, _ := claims["exp"].(float64)
		switch {
		case !ok || iss == "" || sub == "":
			bad("invalid assertion")
			return
		case aud != "https://login.salesforce.com" && aud != "https://test.salesforce.com":
			bad("audience is invalid")
			return
		case time.Unix(int64(exp), 0).Before(time.Now()) || time.Unix(int64(exp), 0).After(time.Now().Add(3*time.Minute+30*time.Second)):
			bad("expired authorization code") // Salesforce wants exp within 3 minutes
			return
		case sb.tokens.refused(Salesforce, iss, sub):
			bad("user hasn't approved this consumer")
			return
		}
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "grant type not supported"})
		return
	}
	tok, _ := sb.tokens.issue(Salesforce, nil)
	instance := "http://" + r.Host
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "instance_url": instance, "id": instance + "/id/00D/005",
		"token_type": "Bearer", "issued_at": time.Now().UnixMilli(), "signature": "sbx"})
}

// defaultShopifyScopes are what the sandbox's Shopify app is granted.
var defaultShopifyScopes = []string{"read_customers", "read_orders", "read_all_orders"}

// Shopify: the client-credentials grant of Dev Dashboard apps (form or JSON); answers scope and expires_in.
func shopifyToken(sb *Sandbox, vendor string, w http.ResponseWriter, r *http.Request) {
	f := form(r)
	if f.Get("grant_type") != "client_credentials" || sb.tokens.refused(Shopify, f.Get("client_id"), f.Get("client_secret")) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
		return
	}
	scopes := sb.grantedScopes(Shopify, defaultShopifyScopes)
	tok, ttl := sb.tokens.issue(Shopify, scopes)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "scope": strings.Join(scopes, ","), "expires_in": int(ttl.Seconds())})
}

// Square: ObtainToken with a JSON body; answers expires_at.
func squareToken(sb *Sandbox, vendor string, w http.ResponseWriter, r *http.Request) {
	f := form(r)
	if f.Get("grant_type") != "refresh_token" || sb.tokens.refused(Square, f.Get("refresh_token"), f.Get("client_id")) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []map[string]string{{"category": "AUTHENTICATION_ERROR",
			"code": "UNAUTHORIZED", "detail": "The refresh token is invalid or has been revoked."}}})
		return
	}
	tok, ttl := sb.tokens.issue(Square, nil)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer",
		"expires_at": time.Now().Add(ttl).UTC().Format(time.RFC3339), "merchant_id": "SBX", "refresh_token": f.Get("refresh_token"), "short_lived": false})
}

// Google: refresh-token grant (authorized users) and JWT bearer (service accounts, exp at most an
// hour after iat); the token carries the scopes asked for.
func googleToken(sb *Sandbox, vendor string, w http.ResponseWriter, r *http.Request) {
	f := form(r)
	bad := func(desc string) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": desc})
	}
	var scopes []string
	switch f.Get("grant_type") {
	case "refresh_token":
		if sb.tokens.refused(vendor, f.Get("refresh_token"), f.Get("client_id")) {
			bad("Token has been expired or revoked.")
			return
		}
		scopes = strings.Fields(f.Get("scope"))
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		claims, ok := jwtClaims(f.Get("assertion"))
		iss, _ := claims["iss"].(string)
		iat, _ := claims["iat"].(float64)
		exp, _ := claims["exp"].(float64)
		switch {
		case !ok || iss == "":
			bad("Invalid JWT Signature.")
			return
		case exp-iat > 3600:
			bad("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
			return
		case sb.tokens.refused(vendor, iss):
			bad("Invalid grant: account not found")
			return
		}
		scope, _ := claims["scope"].(string)
		scopes = strings.Fields(scope)
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "Invalid grant_type"})
		return
	}
	tok, ttl := sb.tokens.issue(vendor, scopes)
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "expires_in": int(ttl.Seconds()), "token_type": "Bearer",
		"scope": strings.Join(scopes, " ")})
}

// jwtClaims decodes a JWT's claims without verifying its signature (the sandbox has no keys).
func jwtClaims(assertion string) (map[string]any, bool) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, false
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m) == nil
}

func audience(v any) string {
	switch a := v.(type) {
	case string:
		return a
	case []any:
		if len(a) > 0 {
			s, _ := a[0].(string)
			return s
		}
	}
	return ""
}
