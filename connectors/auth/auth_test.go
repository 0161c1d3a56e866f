package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cdpflow/cdpflow/connectors"
)

// tokenServer is an OAuth token endpoint that records every grant it sees.
type tokenServer struct {
	*httptest.Server
	mu       sync.Mutex
	grants   []url.Values
	bodies   []map[string]string
	status   int    // answer with this status and body when non-zero
	body     string //
	expires  int    // expires_in (0: left out)
	rotate   bool   // answer a new refresh token each time
	issued   int
	lastAuth string // the Authorization header of the last request
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{expires: 1800}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		ts.lastAuth = r.Header.Get("Authorization")
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			var m map[string]string
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &m)
			ts.bodies = append(ts.bodies, m)
		} else {
			_ = r.ParseForm()
			ts.grants = append(ts.grants, r.PostForm)
		}
		w.Header().Set("Content-Type", "application/json")
		if ts.status != 0 {
			w.WriteHeader(ts.status)
			_, _ = io.WriteString(w, ts.body)
			return
		}
		ts.issued++
		out := map[string]any{"access_token": fmt.Sprintf("at-%d", ts.issued), "token_type": "bearer"}
		if ts.expires > 0 {
			out["expires_in"] = ts.expires
		}
		if ts.rotate {
			out["refresh_token"] = fmt.Sprintf("rt-%d", ts.issued)
		}
		_ = json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) lastGrant() url.Values {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.grants[len(ts.grants)-1]
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var refreshSettings = Settings{ClientIDEnv: "CID", ClientSecretEnv: "CSECRET", RefreshTokenEnv: "RT"}
var refreshEnv = env(map[string]string{"CID": "client-1", "CSECRET": "shh", "RT": "rt-0"})

func TestRefreshTokenRenewsBeforeExpiry(t *testing.T) {
	ts := newTokenServer(t)
	c := &clock{t: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	s := refreshSettings
	s.TokenURL = ts.URL
	tok, err := Build(s, Options{Name: "hubspot", Getenv: refreshEnv, InBody: true, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, _ := tok.Token(ctx)
	g := ts.lastGrant()
	if g.Get("grant_type") != "refresh_token" || g.Get("refresh_token") != "rt-0" || g.Get("client_id") != "client-1" || g.Get("client_secret") != "shh" {
		t.Fatalf("grant = %v; want the refresh-token grant with client id and secret in the body", g)
	}
	c.t = c.t.Add(28 * time.Minute) // two minutes before expiry: still valid (margin is one minute)
	if b, _ := tok.Token(ctx); b != a {
		t.Fatalf("renewed too early: %s -> %s", a, b)
	}
	c.t = c.t.Add(90 * time.Second) // 30 s before expiry: inside the margin
	if b, _ := tok.Token(ctx); b == a {
		t.Fatal("the token was not renewed inside the last minute of its life")
	}
	if ts.issued != 2 {
		t.Fatalf("tokens issued = %d, want 2", ts.issued)
	}
}

func TestShortLivedTokensRenewAQuarterEarly(t *testing.T) {
	ts := newTokenServer(t)
	ts.expires = 20
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	s := refreshSettings
	s.TokenURL = ts.URL
	tok, _ := Build(s, Options{Name: "x", Getenv: refreshEnv, Now: c.now})
	a, _ := tok.Token(context.Background())
	c.t = c.t.Add(14 * time.Second)
	if b, _ := tok.Token(context.Background()); b != a {
		t.Fatal("renewed at 14 s of 20")
	}
	c.t = c.t.Add(2 * time.Second)
	if b, _ := tok.Token(context.Background()); b == a {
		t.Fatal("not renewed at 16 s of 20 (margin 5 s)")
	}
}

func TestRotatingRefreshTokenIsKept(t *testing.T) {
	ts := newTokenServer(t)
	ts.rotate = true
	s := refreshSettings
	s.TokenURL = ts.URL
	tok, _ := Build(s, Options{Name: "x", Getenv: refreshEnv})
	_, _ = tok.Token(context.Background())
	tok.Renew()
	_, _ = tok.Token(context.Background())
	if got := ts.lastGrant().Get("refresh_token"); got != "rt-1" {
		t.Fatalf("second renewal sent refresh token %q, want the rotated rt-1", got)
	}
}

func TestBasicAuthStyleByDefault(t *testing.T) {
	ts := newTokenServer(t)
	s := refreshSettings
	s.TokenURL = ts.URL
	tok, _ := Build(s, Options{Name: "x", Getenv: refreshEnv})
	_, _ = tok.Token(context.Background())
	if !strings.HasPrefix(ts.lastAuth, "Basic ") || ts.lastGrant().Get("client_secret") != "" {
		t.Fatalf("auth %q grant %v: want the client in HTTP Basic", ts.lastAuth, ts.lastGrant())
	}
}

func TestRevokedRefreshTokenIsPermanentAndNamesTheCredential(t *testing.T) {
	for _, tc := range []struct{ name, body, code string }{
		{"rfc6749", `{"error":"invalid_grant","error_description":"expired access/refresh token"}`, "invalid_grant"},
		{"hubspot", `{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token"}`, "BAD_REFRESH_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTokenServer(t)
			ts.status, ts.body = 400, tc.body
			s := refreshSettings
			s.TokenURL = ts.URL
			tok, _ := Build(s, Options{Name: "crm", Getenv: refreshEnv, InBody: true})
			_, err := tok.Token(context.Background())
			var re *RefreshError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *RefreshError", err)
			}
			var ce connectors.Error = re
			if ce.Retryable() {
				t.Fatal("a refused refresh token must not be retried")
			}
			msg := err.Error()
			for _, want := range []string{"crm", "$RT", "$CID", tc.code, "HTTP 400"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not name %q", msg, want)
				}
			}
			for _, secret := range []string{"shh", "rt-0"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q repeats a secret", msg)
				}
			}
		})
	}
}

func TestTokenEndpointDownIsRetryable(t *testing.T) {
	ts := newTokenServer(t)
	ts.status, ts.body = 503, `{"error":"temporarily_unavailable"}`
	s := refreshSettings
	s.TokenURL = ts.URL
	tok, _ := Build(s, Options{Name: "x", Getenv: refreshEnv})
	_, err := tok.Token(context.Background())
	var re *RefreshError
	if !errors.As(err, &re) || !re.Retryable() {
		t.Fatalf("err = %v: a 503 from the token endpoint is retryable", err)
	}
	ts.Close()
	_, err = tok.Token(context.Background())
	if !errors.As(err, &re) || !re.Retryable() || !re.NoResponse() {
		t.Fatalf("err = %v: an endpoint that does not answer is retryable", err)
	}
}

func TestClientCredentials(t *testing.T) {
	ts := newTokenServer(t)
	s := Settings{ClientIDEnv: "CID", ClientSecretEnv: "CSECRET", TokenURL: ts.URL}
	tok, err := Build(s, Options{Name: "shop", Getenv: refreshEnv, InBody: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if g := ts.lastGrant(); g.Get("grant_type") != "client_credentials" || g.Get("client_id") != "client-1" || g.Get("client_secret") != "shh" {
		t.Fatalf("grant = %v", g)
	}
}

func TestJSONRefreshReadsExpiresAt(t *testing.T) {
	ts := newTokenServer(t)
	ts.expires = 0
	expiry := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	ts.status = 200
	ts.body = `{"access_token":"sq-1","token_type":"bearer","expires_at":"` + expiry.Format(time.RFC3339) + `","refresh_token":"rt-9"}`
	s := refreshSettings
	s.TokenURL = ts.URL
	tok, _ := Build(s, Options{Name: "pos", Getenv: refreshEnv, JSONBody: true})
	a, err := tok.Token(context.Background())
	if err != nil || a != "sq-1" {
		t.Fatalf("token %q err %v", a, err)
	}
	b := ts.bodies[0]
	if b["grant_type"] != "refresh_token" || b["client_id"] != "client-1" || b["refresh_token"] != "rt-0" {
		t.Fatalf("body = %v", b)
	}
	if got := tok.(*renewing).tok.Expiry; !got.Equal(expiry) {
		t.Fatalf("expiry = %v, want %v", got, expiry)
	}
	if tok.(*renewing).refresh != "rt-9" {
		t.Fatal("the new refresh token was not kept")
	}
}

func TestStaticTokenDoesNotRenew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "token")
	_ = os.WriteFile(path, []byte("file-token\n"), 0o600)
	tok, err := Build(Settings{TokenFileEnv: "TOKEN_FILE"}, Options{Name: "x", Getenv: env(map[string]string{"TOKEN_FILE": path})})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := tok.Token(context.Background()); v != "file-token" {
		t.Fatalf("token = %q, want the trimmed file content", v)
	}
	if tok.Renew() {
		t.Fatal("a static token cannot renew")
	}
	if !strings.Contains(tok.Describe(), "$TOKEN_FILE") {
		t.Fatalf("describe = %q", tok.Describe())
	}
	if _, err := Build(Settings{TokenEnv: "UNSET"}, Options{Name: "x", Getenv: env(nil)}); err == nil || !strings.Contains(err.Error(), "$UNSET") {
		t.Fatalf("err = %v, want it to name $UNSET", err)
	}
}

func writeKey(t *testing.T) (*rsa.PrivateKey, string) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(key))})
	return key, string(pemBytes)
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestSalesforceJWTBearer(t *testing.T) {
	key, pemText := writeKey(t)
	ts := newTokenServer(t)
	ts.status = 200
	ts.body = `{"access_token":"00D!sess","instance_url":"https://acme.my.salesforce.com","token_type":"Bearer"}`
	path := filepath.Join(t.TempDir(), "key.pem")
	_ = os.WriteFile(path, []byte(pemText), 0o600)
	s := Settings{ClientIDEnv: "CID", JWTUsername: "api@acme.example", JWTKeyFileEnv: "KEY_FILE", TokenURL: ts.URL}
	tok, err := Build(s, Options{Name: "sf", Getenv: env(map[string]string{"CID": "3MVG9", "KEY_FILE": path})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tok.Instance() != "https://acme.my.salesforce.com" {
		t.Fatalf("instance = %q", tok.Instance())
	}
	g := ts.lastGrant()
	if g.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		t.Fatalf("grant = %v", g)
	}
	claims := jwt.RegisteredClaims{}
	parsed, err := jwt.ParseWithClaims(g.Get("assertion"), &claims, func(*jwt.Token) (any, error) { return &key.PublicKey, nil })
	if err != nil || !parsed.Valid || parsed.Method.Alg() != "RS256" {
		t.Fatalf("assertion does not verify with the key: %v", err)
	}
	if claims.Issuer != "3MVG9" || claims.Subject != "api@acme.example" || claims.Audience[0] != "https://login.salesforce.com" {
		t.Fatalf("claims = %+v", claims)
	}
	if life := time.Until(claims.ExpiresAt.Time); life > 3*time.Minute+time.Second || life < 2*time.Minute {
		t.Fatalf("assertion lives %v; Salesforce wants at most 3 minutes", life)
	}
}

func TestGoogleServiceAccount(t *testing.T) {
	key, pemText := writeKey(t)
	ts := newTokenServer(t)
	ts.expires = 3600
	sa := map[string]string{"type": "service_account", "client_email": "cdp@proj.iam.gserviceaccount.com",
		"private_key": pemText, "private_key_id": "k1", "token_uri": "https://oauth2.googleapis.com/token"}
	b, _ := json.Marshal(sa)
	path := filepath.Join(t.TempDir(), "sa.json")
	_ = os.WriteFile(path, b, 0o600)
	s := Settings{CredentialsFileEnv: "GOOGLE_APPLICATION_CREDENTIALS"}
	tok, err := Build(s, Options{Name: "web", Getenv: env(map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": path}),
		Scopes: []string{"https://www.googleapis.com/auth/analytics.readonly"}, TokenURL: ts.URL, Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	g := ts.lastGrant()
	if g.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		t.Fatalf("grant = %v", g)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(g.Get("assertion"), claims, func(*jwt.Token) (any, error) { return &key.PublicKey, nil }); err != nil {
		t.Fatalf("assertion: %v", err)
	}
	if claims["iss"] != "cdp@proj.iam.gserviceaccount.com" || claims["scope"] != "https://www.googleapis.com/auth/analytics.readonly" {
		t.Fatalf("claims = %v", claims)
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	if exp.Sub(iat.Time) > time.Hour {
		t.Fatalf("assertion lives %v; Google refuses more than an hour", exp.Sub(iat.Time))
	}
}

func TestGoogleAuthorizedUserAndRefusedTypes(t *testing.T) {
	ts := newTokenServer(t)
	dir := t.TempDir()
	au, _ := json.Marshal(map[string]string{"type": "authorized_user", "client_id": "gcid", "client_secret": "gsecret", "refresh_token": "grt"})
	path := filepath.Join(dir, "au.json")
	_ = os.WriteFile(path, au, 0o600)
	tok, err := Build(Settings{CredentialsFileEnv: "CREDS", TokenURL: ts.URL},
		Options{Name: "ads", Getenv: env(map[string]string{"CREDS": path}), Scopes: []string{"https://www.googleapis.com/auth/datamanager"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tok.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if g := ts.lastGrant(); g.Get("grant_type") != "refresh_token" || g.Get("refresh_token") != "grt" {
		t.Fatalf("grant = %v", g)
	}
	ext, _ := json.Marshal(map[string]any{"type": "external_account", "credential_source": map[string]any{"executable": map[string]any{"command": "/bin/true"}}})
	_ = os.WriteFile(path, ext, 0o600)
	_, err = Build(Settings{CredentialsFileEnv: "CREDS"}, Options{Name: "ads", Getenv: env(map[string]string{"CREDS": path})})
	if err == nil || !strings.Contains(err.Error(), "external_account") {
		t.Fatalf("err = %v: an external_account file (it can run programs) must be refused", err)
	}
}

func TestValidateNamesKeys(t *testing.T) {
	cases := []struct {
		s     Settings
		kinds []Kind
		want  string
	}{
		{Settings{CredentialsFileEnv: "X"}, []Kind{Static, RefreshToken}, "credentials_file_env: a google_json credential is not supported"},
		{Settings{ClientIDEnv: "CID", RefreshTokenEnv: "RT"}, []Kind{RefreshToken}, ""},
		{Settings{ClientIDEnv: "CID", ClientSecretEnv: "the-secret-itself!"}, []Kind{ClientCredentials}, "client_secret_env: is not an environment variable name"},
		{Settings{JWTKeyFileEnv: "K", ClientIDEnv: "C"}, []Kind{SalesforceJWT}, "jwt_username: is required"},
		{Settings{TokenEnv: "T", TokenURL: "https://x/token"}, []Kind{Static}, "token_url: is only used with an OAuth credential"},
	}
	for _, tc := range cases {
		c := &connectors.Check{Key: "sources[0]"}
		tc.s.Validate(c, tc.kinds...)
		got := strings.Join(c.Problems, "; ")
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%+v: problems %q, want %q", tc.s, got, tc.want)
		}
	}
}
