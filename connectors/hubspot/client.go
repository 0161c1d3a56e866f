// Package hubspot is the source connector for HubSpot CRM v3 contacts: a full sync pages the list
// endpoint, an incremental sync pages the search endpoint by lastmodifieddate.
//
// This file holds the Config, the constructor and the HubSpot hooks for the shared HTTP transport.
package hubspot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// Defaults.
const (
	DefaultBaseURL  = "https://api.hubapi.com"
	DefaultTokenEnv = "HUBSPOT_TOKEN"
	// DefaultTokenURL is the OAuth v3 token endpoint (v1's is deprecated from 2027-02-16; both take
	// the same form fields in the body).
	DefaultTokenURL = "https://api.hubapi.com/oauth/v3/token"
	// DefaultAPIVersion reads the /crm/v3 paths (supported until September 2027).
	DefaultAPIVersion = "v3"
	// DefaultSearchRequestsPerSecond is HubSpot's own limit on search calls (4 per second per
	// token), below the app's general limit; search calls are paced to it separately.
	DefaultSearchRequestsPerSecond = 4
	// DefaultDailyLimitWait is how long to wait after the daily request limit is hit: HubSpot resets
	// it at midnight in the account's time zone, which the API does not tell us.
	DefaultDailyLimitWait = time.Hour

	listMaxLimit   = 100
	searchMaxLimit = 200
	searchCap      = 10000 // results one search can page through; beyond is a 400
)

// Config configures a HubSpot contacts source.
type Config struct {
	Name    string // configured source name, goes into record.Source (default "hubspot")
	BaseURL string // default https://api.hubapi.com
	// Credential supplies the access token (a private-app token or a renewing OAuth token).
	Credential auth.Token
	// Token is a static token's value when Credential is nil (tests); TokenEnv names its variable.
	Token    string
	TokenEnv string
	// TokenURL is the OAuth token endpoint, checked against deprecated ones (informational).
	TokenURL string
	// APIVersion is v3 or a date version such as 2026-03 (default v3).
	APIVersion string
	// SearchRequestsPerSecond paces search calls (default 4, HubSpot's search limit).
	SearchRequestsPerSecond float64

	RequestsPerSecond float64 // client-side rate limit (0 = unlimited; HubSpot allows 10-19/s per app)
	Burst             int

	// PageSize is the list endpoint's limit for full syncs (1..100, default 100).
	PageSize int
	// SearchPageSize is the search endpoint's limit for incremental syncs (1..200, default 200).
	SearchPageSize int
	// RestartSearchAfter is how many results an incremental search pages through before it starts a
	// new search from the highest lastmodifieddate seen (never more than HubSpot's 10,000 cap). The
	// default 0 restarts on every page: keyset paging, which is immune to contacts modified during the
	// sync shifting offsets (with offset paging such a shift skips a contact).
	RestartSearchAfter int
	// ExtraProperties are further contact properties to fetch; non-null values land in Attributes.
	ExtraProperties []string
	// DailyLimitWait is the RetryAfter given when the daily limit is hit (default 1h).
	DailyLimitWait time.Duration

	Timeout  time.Duration     // per HTTP attempt (default 30s)
	RetryMax int               // HTTP-level retries per call (default 2)
	HTTP     http.RoundTripper // underlying transport (tests)
}

// Source reads HubSpot contacts. It implements connectors.Source.
type Source struct {
	cfg     Config
	props   []string
	client  *httpx.Client
	objects string        // the contacts path of the API version
	search  *rate.Limiter // HubSpot's separate search limit
}

var (
	_ connectors.Source        = (*Source)(nil)
	_ connectors.StatsReporter = (*Source)(nil)
)

// New validates cfg, fills defaults and builds the HTTP client.
func New(cfg Config) (*Source, error) {
	if cfg.Name == "" {
		cfg.Name = "hubspot"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.TokenEnv == "" {
		cfg.TokenEnv = DefaultTokenEnv
	}
	if cfg.Credential == nil {
		if cfg.Token == "" {
			return nil, fmt.Errorf("hubspot: source %q has no token: set $%s", cfg.Name, cfg.TokenEnv)
		}
		cfg.Credential = auth.StaticToken(cfg.Token, "the HubSpot token in $"+cfg.TokenEnv)
	}
	objects, err := objectsPath(cfg.APIVersion)
	if err != nil {
		return nil, fmt.Errorf("hubspot: source %q: %w", cfg.Name, err)
	}
	if cfg.SearchRequestsPerSecond <= 0 {
		cfg.SearchRequestsPerSecond = DefaultSearchRequestsPerSecond
	}
	if cfg.PageSize == 0 {
		cfg.PageSize = listMaxLimit
	}
	if cfg.PageSize < 1 || cfg.PageSize > listMaxLimit {
		return nil, fmt.Errorf("hubspot: source %q: page_size %d is outside 1..%d", cfg.Name, cfg.PageSize, listMaxLimit)
	}
	if cfg.SearchPageSize == 0 {
		cfg.SearchPageSize = searchMaxLimit
	}
	if cfg.SearchPageSize < 1 || cfg.SearchPageSize > searchMaxLimit {
		return nil, fmt.Errorf("hubspot: source %q: search_page_size %d is outside 1..%d", cfg.Name, cfg.SearchPageSize, searchMaxLimit)
	}
	if cfg.RestartSearchAfter <= 0 || cfg.RestartSearchAfter < cfg.SearchPageSize {
		cfg.RestartSearchAfter = cfg.SearchPageSize
	}
	cfg.RestartSearchAfter = min(cfg.RestartSearchAfter, searchCap)
	if cfg.DailyLimitWait <= 0 {
		cfg.DailyLimitWait = DefaultDailyLimitWait
	}
	client, err := httpx.New(httpx.Options{
		Name: cfg.Name, BaseURL: cfg.BaseURL, RetryMax: cfg.RetryMax, Timeout: cfg.Timeout,
		RequestsPerSecond: cfg.RequestsPerSecond, Burst: cfg.Burst,
		Token:     cfg.Credential,
		Authorize: func(r *http.Request, token string) { r.Header.Set("Authorization", "Bearer "+token) },
		Vendor:    vendorHooks(cfg.DailyLimitWait, cfg.RequestsPerSecond),
		Base:      cfg.HTTP,
	})
	if err != nil {
		return nil, fmt.Errorf("hubspot: %w", err)
	}
	props := append([]string(nil), contactProperties...)
	seen := map[string]bool{}
	for _, p := range props {
		seen[p] = true
	}
	for _, p := range cfg.ExtraProperties {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			props = append(props, p)
		}
	}
	search := rate.NewLimiter(rate.Limit(cfg.SearchRequestsPerSecond), 1)
	return &Source{cfg: cfg, props: props, client: client, objects: objects, search: search}, nil
}

// Kinds lists what this source produces: contacts as customers.
func (s *Source) Kinds() []record.Kind { return []record.Kind{record.KindCustomer} }

// HTTPStats exposes the transport's request, retry and throttle counters.
func (s *Source) HTTPStats() connectors.Stats { return s.client.Stats.Snapshot() }

// vendorHooks adapts the transport to HubSpot: error bodies, the RATE_LIMIT policies and the
// X-HubSpot-RateLimit-* usage headers.
func vendorHooks(dailyWait time.Duration, clientRPS float64) httpx.Vendor {
	return httpx.Vendor{
		ParseError: parseError,
		RetryDelay: func(h http.Header, body []byte) time.Duration {
			if d := httpx.RetryAfterHeader(h); d > 0 {
				return d
			}
			var e apiError
			if json.Unmarshal(body, &e) == nil && e.ErrorType == "RATE_LIMIT" && strings.EqualFold(e.PolicyName, "DAILY") {
				return dailyWait
			}
			// Secondly / ten-secondly policies: no explicit wait; the transport backs off and Pace
			// holds the next request until the window has room.
			return 0
		},
		Pace: pacer(clientRPS),
	}
}

// parseError reads HubSpot's error body: errorType (RATE_LIMIT) or category is the code.
func parseError(_ int, body []byte) (code, message string) {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	code = e.ErrorType
	if code == "" {
		code = e.Category
	}
	message = e.Message
	if e.PolicyName != "" {
		message += " (policy " + e.PolicyName + ")"
	}
	if len(e.Errors) > 0 && e.Errors[0].Message != "" && e.Errors[0].Message != e.Message {
		message += ": " + e.Errors[0].Message
	}
	return code, message
}

// pacer returns the Pace hook. When the usage headers show the per-second window exhausted
// (X-HubSpot-RateLimit-Secondly-Remaining 0) it pauses one slot of the window, 1s / Secondly. It
// does so only when the client may send faster than that window allows (clientRPS 0 = unlimited, or
// above Secondly): a client limited to at most Secondly is already spaced by its own token bucket,
// and pausing again after every response would only add the round trip's jitter to each interval.
// The older X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds family (UNVERIFIED for
// private apps) is read the same way.
func pacer(clientRPS float64) func(http.Header) time.Duration {
	slot := func(perInterval int, interval time.Duration) time.Duration {
		if perInterval <= 0 {
			return time.Second
		}
		if clientRPS > 0 && clientRPS*interval.Seconds() <= float64(perInterval) {
			return 0
		}
		return interval / time.Duration(perInterval)
	}
	return func(h http.Header) time.Duration {
		if rem, ok := headerInt(h, "X-HubSpot-RateLimit-Secondly-Remaining"); ok && rem <= 0 {
			per, _ := headerInt(h, "X-HubSpot-RateLimit-Secondly")
			return slot(per, time.Second)
		}
		if rem, ok := headerInt(h, "X-HubSpot-RateLimit-Remaining"); ok && rem <= 0 {
			per, _ := headerInt(h, "X-HubSpot-RateLimit-Max")
			ms, _ := headerInt(h, "X-HubSpot-RateLimit-Interval-Milliseconds")
			if ms <= 0 {
				return time.Second
			}
			return slot(per, time.Duration(ms)*time.Millisecond)
		}
		return 0
	}
}

func headerInt(h http.Header, key string) (int, bool) {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}
