package console

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/config"
)

func loadServeConfig(t *testing.T, environ []string) *config.Config {
	t.Helper()
	file := filepath.Join(t.TempDir(), "cdpflow.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
serve:
  tokens:
    - {name: marketing, role: operator, token_env: T_OP}
    - {name: analyst, role: viewer, token_env: T_VIEW}
`), 0o600))
	cfg, err := config.Load(config.LoadOptions{File: file, Environ: environ})
	require.NoError(t, err)
	return cfg
}

func TestTokens_FailAtStartUpNamingTheKey(t *testing.T) {
	_, err := Tokens(loadServeConfig(t, []string{"T_OP=0123456789abcdef"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "serve.tokens[1] (analyst): the variable T_VIEW is not set")
	_, err = Tokens(loadServeConfig(t, []string{"T_OP=0123456789abcdef", "T_VIEW=short"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "shorter than 16")
	assert.NotContains(t, err.Error(), "short\"", "the token is never echoed")
	toks, err := Tokens(loadServeConfig(t, []string{"T_OP=0123456789abcdef", "T_VIEW=fedcba9876543210"}))
	require.NoError(t, err)
	assert.Len(t, toks, 2)
}

func TestAuthenticate(t *testing.T) {
	cfg := loadServeConfig(t, []string{"T_OP=0123456789abcdef", "T_VIEW=fedcba9876543210"})
	s, err := New(Options{Config: cfg})
	require.NoError(t, err)
	h := s.Handler()
	do := func(method, path, auth string, header map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(""))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	assert.Equal(t, http.StatusOK, do("GET", "/healthz", "", nil).Code)
	r := do("GET", "/api/v1/runs", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.Code)
	assert.Contains(t, r.Header().Get("WWW-Authenticate"), "Bearer")
	assert.Equal(t, http.StatusUnauthorized, do("GET", "/api/v1/runs", "Bearer fedcba9876543211", nil).Code, "a near miss")
	assert.Equal(t, http.StatusUnauthorized, do("GET", "/api/v1/runs", "fedcba9876543210", nil).Code, "the Bearer scheme is required")
	assert.Equal(t, http.StatusForbidden, do("POST", "/api/v1/campaigns/x/runs", "Bearer fedcba9876543210", nil).Code, "a viewer cannot trigger")
	assert.Equal(t, http.StatusSeeOther, do("GET", "/", "", nil).Code, "pages send strangers to the login form")
	assert.Equal(t, "nosniff", r.Header().Get("X-Content-Type-Options"))
	assert.Contains(t, r.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")

	// The login form sets an HttpOnly, SameSite=Strict cookie; a cross-site form post is refused.
	form := httptest.NewRequest("POST", "/login", strings.NewReader("token=0123456789abcdef&next=/campaigns"))
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, form)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	assert.Equal(t, "/campaigns", rec.Header().Get("Location"))
	cookie := rec.Result().Cookies()[0]
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	cross := httptest.NewRequest("POST", "/campaigns/x/runs", nil)
	cross.AddCookie(cookie)
	cross.Header.Set("Origin", "https://evil.example")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, cross)
	assert.Equal(t, http.StatusForbidden, rec.Code, "cross-site form post")
	bad := httptest.NewRequest("POST", "/login", strings.NewReader("token=nope&next=//evil.example"))
	bad.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, bad)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)
	assert.Contains(t, rec.Body.String(), "not one of serve.tokens")
	assert.NotContains(t, rec.Body.String(), "evil.example", "an off-site next is dropped")
}

func TestPII(t *testing.T) {
	viewer, op := page{}, page{Operator: true}
	assert.Equal(t, "j•••@example.com", pii(viewer, "jane@example.com"))
	assert.Equal(t, "jane@example.com", pii(op, "jane@example.com"))
	assert.Equal(t, "••••••••••23", pii(viewer, "+14155550123"))
	assert.Equal(t, "•••", pii(viewer, "Ann"))
	assert.Equal(t, "", pii(viewer, ""))
}
