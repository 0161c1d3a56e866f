// auth.go holds bearer-token authentication and roles: every page and endpoint but the health
// check needs a configured token, sent as "Authorization: Bearer …" (the API) or held in an
// HttpOnly, SameSite=Strict cookie set by the login form (the console). Viewers read; operators
// also trigger, preview and approve.
package console

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cdpflow/cdpflow/config"
)

// Roles.
const (
	RoleViewer   = "viewer"
	RoleOperator = "operator"
)

// cookieName holds the console session (the token itself, never readable by scripts).
const cookieName = "cdpflow_session"

// minTokenLen is the shortest token accepted at start-up.
const minTokenLen = 16

// Principal is who a request authenticated as.
type Principal struct {
	Name string
	Role string
}

// Operator reports whether the principal may trigger, preview and approve.
func (p Principal) Operator() bool { return p.Role == RoleOperator }

type token struct {
	secret []byte
	who    Principal
}

// Tokens resolves the configured serve tokens from the environment; a missing or short token
// fails start-up naming its key (never its value).
func Tokens(cfg *config.Config) ([]token, error) {
	if len(cfg.Serve.Tokens) == 0 {
		return nil, fmt.Errorf("serve.tokens is empty: add at least one {name, role, token_env} and set the variable; no page answers without a token")
	}
	var out []token
	for i, t := range cfg.Serve.Tokens {
		v := cfg.Token(t)
		switch {
		case v == "":
			return nil, fmt.Errorf("serve.tokens[%d] (%s): the variable %s is not set; set it to a random token of at least %d characters", i, t.Name, t.TokenEnv, minTokenLen)
		case len(v) < minTokenLen:
			return nil, fmt.Errorf("serve.tokens[%d] (%s): the token in %s is shorter than %d characters; use a random one (e.g. openssl rand -hex 24)", i, t.Name, t.TokenEnv, minTokenLen)
		}
		out = append(out, token{secret: []byte(v), who: Principal{Name: t.Name, Role: t.Role}})
	}
	return out, nil
}

type principalKey struct{}

// principal returns the authenticated principal of a request (set by authenticate).
func principal(r *http.Request) Principal {
	p, _ := r.Context().Value(principalKey{}).(Principal)
	return p
}

// lookup finds the token's principal, comparing in constant time against every token.
func (s *Server) lookup(secret string) (Principal, bool) {
	var found Principal
	ok := false
	for _, t := range s.tokens {
		if subtle.ConstantTimeCompare(t.secret, []byte(secret)) == 1 {
			found, ok = t.who, true
		}
	}
	return found, ok
}

// authenticate admits requests with a valid token. API requests without one get 401 JSON; pages
// redirect to the login form. A cookie-authenticated form post must come from this origin.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/metrics" // machines: 401, not a login form
		secret, fromCookie := "", false
		if h := r.Header.Get("Authorization"); h != "" {
			if v, ok := strings.CutPrefix(h, "Bearer "); ok {
				secret = v
			}
		} else if c, err := r.Cookie(cookieName); err == nil && !api {
			secret, fromCookie = c.Value, true
		}
		p, ok := s.lookup(secret)
		if !ok {
			if api {
				w.Header().Set("WWW-Authenticate", `Bearer realm="cdpflow"`)
				writeError(w, http.StatusUnauthorized, "a valid bearer token is required (Authorization: Bearer <token>, see serve.tokens)")
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if fromCookie && r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
			http.Error(w, "cross-site form post refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// operatorOnly refuses viewers with 403.
func operatorOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !principal(r).Operator() {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeError(w, http.StatusForbidden, "this needs an operator token; "+principal(r).Name+" is a viewer")
			} else {
				http.Error(w, "this needs an operator token", http.StatusForbidden)
			}
			return
		}
		next(w, r)
	}
}

// sameOrigin reports whether a browser request's Origin (or Referer) is this server.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		o = r.Header.Get("Referer")
	}
	if o == "" {
		return true // not a browser cross-site request (browsers send Origin on cross-site posts)
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// login shows the token form (GET) or sets the session cookie (POST).
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := r.FormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	if r.Method == http.MethodGet {
		s.render(w, r, "login", map[string]any{"Next": next})
		return
	}
	tok := strings.TrimSpace(r.PostFormValue("token"))
	if _, ok := s.lookup(tok); !ok {
		w.WriteHeader(http.StatusUnauthorized)
		s.render(w, r, "login", map[string]any{"Next": next, "Error": "That token is not one of serve.tokens."})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode, MaxAge: 12 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
