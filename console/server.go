// Package console is `starter serve`: the web console for marketers and operators (runs, KPI
// dashboard, profiles, campaigns with preview, trigger and approval) and the JSON API with the
// same capabilities (docs/API.md). Pages are rendered on the server from embedded templates and
// need no internet; charts are inline SVG.
package console

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/metrics"
	"github.com/cdpflow/cdpflow/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Options are what a server reads and talks to.
type Options struct {
	Config *config.Config
	Store  store.Store
	Client client.Client
	Log    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics is served on /metrics (to any signed-in role) and counts requests (nil: none).
	Metrics *metrics.Metrics
}

// Server serves the console and the API.
type Server struct {
	cfg    *config.Config
	store  store.Store
	client client.Client
	log    *slog.Logger
	nowFn  func() time.Time
	tokens []token
	pages  *pageSet
	meter  *metrics.Metrics

	mu      sync.Mutex
	locks   map[string]*sync.Mutex
	started map[string]string // campaign -> the last workflow id this server started
	dash    *DashboardView
	dashKey string
}

// New checks the tokens and parses the templates; a bad setting fails here, at start-up.
func New(o Options) (*Server, error) {
	toks, err := Tokens(o.Config)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	s := &Server{cfg: o.Config, store: o.Store, client: o.Client, log: o.Log, nowFn: o.Now, tokens: toks, pages: pages, meter: o.Metrics,
		locks: map[string]*sync.Mutex{}, started: map[string]string{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

func (s *Server) now() time.Time {
	if s.nowFn != nil {
		return s.nowFn().UTC()
	}
	return time.Now().UTC()
}

func (s *Server) lockFor(key string) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.locks[key]
	if l == nil {
		l = &sync.Mutex{}
		s.locks[key] = l
	}
	return l
}

// temporalURL is where a run shows in Temporal UI.
func (s *Server) temporalURL(id string) string {
	base := strings.TrimRight(s.cfg.Serve.TemporalUI, "/")
	if base == "" {
		base = fmt.Sprintf("http://localhost:%d", s.cfg.Temporal.UIPort)
	}
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s", base, s.cfg.Temporal.Namespace, id)
}

// Handler routes every page and endpoint; only /healthz and the login form answer without a token.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(securityHeaders, s.countRequests)
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	static, _ := fs.Sub(assets, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServer(http.FS(static))))
	r.Get("/login", s.login)
	r.Post("/login", s.login)
	r.Post("/logout", s.logout)
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate)
		// Pages.
		r.Get("/", s.pageDashboard)
		r.Get("/runs", s.pageRuns)
		r.Get("/runs/{id}", s.pageRun)
		r.Post("/runs/{id}/approvals/{destination}", operatorOnly(s.formDecide))
		r.Get("/profiles", s.pageProfiles)
		r.Get("/profiles/{id}", s.pageProfile)
		if s.meter != nil {
			r.Handle("/metrics", s.meter.Handler())
		}
		r.Get("/campaigns", s.pageCampaigns)
		r.Get("/campaigns/{name}", s.pageCampaign)
		r.Post("/campaigns/{name}/preview", operatorOnly(s.pagePreview))
		r.Post("/campaigns/{name}/runs", operatorOnly(s.formTrigger))
		// API.
		r.Route("/api/v1", func(r chi.Router) {
			r.Get("/runs", s.apiRuns)
			r.Get("/runs/{id}", s.apiRun)
			r.Post("/runs/{id}/approvals/{destination}", operatorOnly(s.apiDecide))
			r.Get("/campaigns", s.apiCampaigns)
			r.Post("/campaigns/{name}/runs", operatorOnly(s.apiTrigger))
			r.Post("/campaigns/{name}/previews", operatorOnly(s.apiPreview))
			r.Post("/previews", operatorOnly(s.apiPreview)) // a refresh's push, every destination
			r.Post("/sources/{name}/syncs", operatorOnly(s.apiSync))
			r.Get("/profiles", s.apiProfiles)
			r.Get("/profiles/{id}", s.apiProfile)
			r.Get("/dashboard", s.apiDashboard)
			r.NotFound(func(w http.ResponseWriter, _ *http.Request) {
				writeError(w, http.StatusNotFound, "no such endpoint (see docs/API.md)")
			})
		})
	})
	return r
}

// countRequests counts requests by route pattern and status.
func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		s.meter.ObserveRequest(route, sw.code)
	})
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// securityHeaders keeps pages out of frames and other origins' scripts, and out of caches.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, errNotFound):
		return http.StatusNotFound
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	default:
		return http.StatusInternalServerError
	}
}

// fail answers an API error with the error's words (they never carry PII: ids and names only).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := statusOf(err)
	if st == http.StatusInternalServerError {
		s.log.Error("console request failed", "path", r.URL.Path, "error", err)
	}
	writeError(w, st, err.Error())
}
