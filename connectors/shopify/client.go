// Package shopify is the source connector for Shopify Admin REST customers and orders, paged by
// the Link header's page_info cursors.
//
// This file holds the Config, the constructor and the Shopify hooks for the shared HTTP transport.
package shopify

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// checkVersion checks an api_version's form (YYYY-MM).
func checkVersion(v string) error {
	if !versionRE.MatchString(v) {
		return fmt.Errorf("api_version %q is not like %s", v, DefaultAPIVersion)
	}
	return nil
}

// Defaults.
const (
	// DefaultAPIVersion is the latest stable version on 2026-12-02 (each is supported about 12 months).
	DefaultAPIVersion = "2026-10"
	DefaultTokenEnv   = "SHOPIFY_TOKEN"
	// DefaultLeakRate is the call bucket's leak rate on standard plans (advanced 4/s, Plus 20/s).
	DefaultLeakRate = 2.0

	maxPageSize = 250
)

// Config configures a Shopify source.
type Config struct {
	Name    string // configured source name, goes into record.Source (default "shopify")
	BaseURL string // the shop, https://{shop}.myshopify.com (required)
	// Credential supplies the Admin API access token (a legacy custom-app token, or an expiring
	// token from the client-credentials grant).
	Credential auth.Token
	// Token is a static token's value when Credential is nil (tests); TokenEnv names its variable.
	Token    string
	TokenEnv string

	RequestsPerSecond float64 // client-side rate limit (0 = unlimited; the bucket pacing still applies)
	Burst             int

	// APIVersion is the Admin API version path segment (default 2026-10).
	APIVersion string
	// PageSize is the limit per page (1..250, default 250).
	PageSize int
	// LeakRate is how many calls per second the shop's bucket drains (default 2, the standard plan):
	// when X-Shopify-Shop-Api-Call-Limit shows the bucket nearly full, requests pause long enough for
	// it to drain below the headroom.
	LeakRate float64

	Timeout  time.Duration     // per HTTP attempt (default 30s)
	RetryMax int               // HTTP-level retries per call (default 2)
	HTTP     http.RoundTripper // underlying transport (tests)
}

// Source reads Shopify customers and orders. It implements connectors.Source.
type Source struct {
	cfg    Config
	client *httpx.Client

	mu       sync.Mutex
	scopes   []string // the token's access scopes, once read
	warnings []string
}

var (
	_ connectors.Source        = (*Source)(nil)
	_ connectors.StatsReporter = (*Source)(nil)
)

var versionRE = regexp.MustCompile(`^(\d{4}-\d{2}|unstable)$`)

// New validates cfg, fills defaults and builds the HTTP client.
func New(cfg Config) (*Source, error) {
	if cfg.Name == "" {
		cfg.Name = "shopify"
	}
	if cfg.TokenEnv == "" {
		cfg.TokenEnv = DefaultTokenEnv
	}
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("shopify: source %q needs base_url, the shop URL (https://<shop>.myshopify.com)", cfg.Name)
	}
	if cfg.Credential == nil {
		if cfg.Token == "" {
			return nil, fmt.Errorf("shopify: source %q has no token: set $%s", cfg.Name, cfg.TokenEnv)
		}
		cfg.Credential = auth.StaticToken(cfg.Token, "the Shopify Admin API access token in $"+cfg.TokenEnv)
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	if err := checkVersion(cfg.APIVersion); err != nil {
		return nil, fmt.Errorf("shopify: source %q: %w", cfg.Name, err)
	}
	if cfg.PageSize == 0 {
		cfg.PageSize = maxPageSize
	}
	if cfg.PageSize < 1 || cfg.PageSize > maxPageSize {
		return nil, fmt.Errorf("shopify: source %q: page_size %d is outside 1..%d", cfg.Name, cfg.PageSize, maxPageSize)
	}
	if cfg.LeakRate <= 0 {
		cfg.LeakRate = DefaultLeakRate
	}
	client, err := httpx.New(httpx.Options{
		Name: cfg.Name, BaseURL: cfg.BaseURL, RetryMax: cfg.RetryMax, Timeout: cfg.Timeout,
		RequestsPerSecond: cfg.RequestsPerSecond, Burst: cfg.Burst,
		Token:     cfg.Credential,
		Authorize: func(r *http.Request, token string) { r.Header.Set("X-Shopify-Access-Token", token) },
		Vendor:    httpx.Vendor{ParseError: parseError, Pace: pacer(cfg.LeakRate)},
		Base:      cfg.HTTP,
	})
	if err != nil {
		return nil, fmt.Errorf("shopify: %w", err)
	}
	return &Source{cfg: cfg, client: client}, nil
}

// Kinds lists what this source produces, in extraction order.
func (s *Source) Kinds() []record.Kind { return []record.Kind{record.KindCustomer, record.KindOrder} }

// HTTPStats exposes the transport's request, retry and throttle counters.
func (s *Source) HTTPStats() connectors.Stats { return s.client.Stats.Snapshot() }

// parseError flattens Shopify's {"errors": "..."} or {"errors": {"field": ["message"]}} bodies.
// Shopify has no error codes.
func parseError(_ int, body []byte) (code, message string) {
	var e struct {
		Errors json.RawMessage `json:"errors"`
		Error  string          `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	if e.Error != "" {
		return "", e.Error
	}
	var s string
	if json.Unmarshal(e.Errors, &s) == nil {
		return "", s
	}
	var list []string
	if json.Unmarshal(e.Errors, &list) == nil {
		return "", strings.Join(list, "; ")
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(e.Errors, &fields) == nil {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			var msgs []string
			if json.Unmarshal(fields[k], &msgs) != nil {
				var one string
				if json.Unmarshal(fields[k], &one) != nil {
					one = string(fields[k])
				}
				msgs = []string{one}
			}
			parts = append(parts, k+" "+strings.Join(msgs, ", "))
		}
		return "", strings.Join(parts, "; ")
	}
	return "", string(e.Errors)
}

// pacer returns the Pace hook: X-Shopify-Shop-Api-Call-Limit "used/capacity" describes a leaky
// bucket draining leak calls per second. Once fewer than a tenth of the slots (at least one) are
// free, the next request waits until the bucket has drained back below that headroom.
func pacer(leak float64) func(http.Header) time.Duration {
	return func(h http.Header) time.Duration {
		used, capacity, ok := callLimit(h.Get("X-Shopify-Shop-Api-Call-Limit"))
		if !ok {
			return 0
		}
		headroom := max(1, capacity/10)
		over := used - (capacity - headroom) + 1
		if over <= 0 {
			return 0
		}
		return time.Duration(float64(over) / leak * float64(time.Second))
	}
}

func callLimit(v string) (used, capacity int, ok bool) {
	a, b, found := strings.Cut(strings.TrimSpace(v), "/")
	if !found {
		return 0, 0, false
	}
	u, err1 := strconv.Atoi(strings.TrimSpace(a))
	c, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || c <= 0 {
		return 0, 0, false
	}
	return u, c, true
}
