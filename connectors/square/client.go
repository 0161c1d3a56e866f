// This file holds the Square source's Config, constructor, vendor hooks, cursor and FetchPage dispatch.

// Package square is the Square source connector: customers and orders, full or incremental by
// updated_at, paged with Square's cursors.
//
// Full sync lists customers (GET /v2/customers, sorted by creation) and searches orders sorted by
// creation; incremental sync searches customers with an updated_at filter and orders with an
// updated_at date_time_filter (Square requires the sort field to match the filtered field). A search
// cursor belongs to its query, so the connector's cursor records the watermark the query was built
// from and resends the same query on every page, even when resumed with a different Since.
package square

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// DefaultBaseURL is Square's production API.
const DefaultBaseURL = "https://connect.squareup.com"

// DefaultVersion is the Square-Version header sent unless Config.Version overrides it.
const DefaultVersion = "2025-08-20"

// Config configures a Square source.
type Config struct {
	Name    string // configured source name, goes into record.Source (default "square")
	BaseURL string // default DefaultBaseURL; the sandbox URL in tests
	// Credential supplies the access token (a personal access token, or an OAuth token renewed
	// with its refresh token).
	Credential auth.Token
	// Token is a static token's value when Credential is nil (tests); TokenEnv names its variable.
	Token    string
	TokenEnv string
	// RequestsPerSecond and Burst form the client-side rate limit (0 = unlimited).
	RequestsPerSecond float64
	Burst             int
	// LocationIDs are the seller locations whose orders are read: 1 to 10 (Square's limit per search).
	LocationIDs []string
	// OrderStates are the order states read (default COMPLETED and CANCELED).
	OrderStates []string
	// Version is the Square-Version header (default DefaultVersion).
	Version string
	// CustomerPageSize is customers per page, 1..100 (default 100); OrderPageSize orders per page,
	// 1..1000 (default 500).
	CustomerPageSize int
	OrderPageSize    int
	// HTTP replaces the underlying transport (tests).
	HTTP http.RoundTripper
	// RetryWaitMin/Max tune the transport's in-call backoff (0 = httpx defaults).
	RetryWaitMin, RetryWaitMax time.Duration
}

// Source reads customers and orders from Square.
type Source struct {
	cfg    Config
	client *httpx.Client
}

var _ connectors.Source = (*Source)(nil)

// checkLocations checks location_ids: 1 to 10 non-empty ids (Square's limit per search).
func checkLocations(ids []string) error {
	switch n := len(ids); {
	case n == 0:
		return fmt.Errorf("list the Square location ids whose orders to read (1 to 10)")
	case n > 10:
		return fmt.Errorf("Square searches at most 10 locations at once, got %d", n)
	}
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("empty location id")
		}
	}
	return nil
}

// New validates cfg and builds the source.
func New(cfg Config) (*Source, error) {
	if cfg.Name == "" {
		cfg.Name = "square"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Version == "" {
		cfg.Version = DefaultVersion
	}
	if cfg.Credential == nil {
		if cfg.Token == "" {
			return nil, fmt.Errorf("%s: no access token: set %s", cfg.Name, envName(cfg.TokenEnv))
		}
		cfg.Credential = auth.StaticToken(cfg.Token, "the access token in "+envName(cfg.TokenEnv))
	}
	if err := checkLocations(cfg.LocationIDs); err != nil {
		return nil, fmt.Errorf("%s: location_ids: %w", cfg.Name, err)
	}
	if len(cfg.OrderStates) == 0 {
		cfg.OrderStates = []string{"COMPLETED", "CANCELED"}
	}
	for _, st := range cfg.OrderStates {
		if _, ok := orderStatus[st]; !ok {
			return nil, fmt.Errorf("%s: order_states: unknown Square order state %q (want OPEN, COMPLETED, CANCELED or DRAFT)", cfg.Name, st)
		}
	}
	switch {
	case cfg.CustomerPageSize == 0:
		cfg.CustomerPageSize = 100
	case cfg.CustomerPageSize < 1 || cfg.CustomerPageSize > 100:
		return nil, fmt.Errorf("%s: customer_page_size: Square allows 1 to 100, got %d", cfg.Name, cfg.CustomerPageSize)
	}
	switch {
	case cfg.OrderPageSize == 0:
		cfg.OrderPageSize = 500
	case cfg.OrderPageSize < 1 || cfg.OrderPageSize > 1000:
		return nil, fmt.Errorf("%s: order_page_size: Square allows 1 to 1000, got %d", cfg.Name, cfg.OrderPageSize)
	}
	version := cfg.Version
	client, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		RetryWaitMin:      cfg.RetryWaitMin,
		RetryWaitMax:      cfg.RetryWaitMax,
		Token:             cfg.Credential,
		Authorize: func(r *http.Request, token string) {
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Square-Version", version)
		},
		Hint:   "check " + cfg.Credential.Describe() + "; it needs the CUSTOMERS_READ and ORDERS_READ permissions",
		Vendor: vendorHooks,
		Base:   cfg.HTTP,
	})
	if err != nil {
		return nil, err
	}
	return &Source{cfg: cfg, client: client}, nil
}

func envName(env string) string {
	if env == "" {
		return "the source's token_env variable"
	}
	return "$" + env
}

// Kinds lists customers, then orders.
func (s *Source) Kinds() []record.Kind { return []record.Kind{record.KindCustomer, record.KindOrder} }

// FetchPage returns one page of customers or orders.
func (s *Source) FetchPage(ctx context.Context, req connectors.PageRequest) (connectors.Page, error) {
	cur, err := decodeCursor(req.Cursor, req.Since)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("%s: %w", s.cfg.Name, err)
	}
	before := s.client.Stats.Requests.Load()
	var page connectors.Page
	switch req.Kind {
	case record.KindCustomer:
		page, err = s.fetchCustomers(ctx, cur)
	case record.KindOrder:
		page, err = s.fetchOrders(ctx, cur)
	default:
		return connectors.Page{}, fmt.Errorf("%s: unsupported kind %q (want customers or orders)", s.cfg.Name, req.Kind)
	}
	page.Requests = int(s.client.Stats.Requests.Load() - before)
	return page, err
}

// cursor is the connector's page cursor: Square's cursor plus the watermark its query was built from.
type cursor struct {
	Square string `json:"c,omitempty"`
	Since  string `json:"s,omitempty"` // RFC 3339 start_at of the query; "" for a full sync
}

// squareTime renders a watermark as Square expects: UTC RFC 3339, milliseconds (rounded down so the
// filter stays inclusive).
func squareTime(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
}

func decodeCursor(s string, since time.Time) (cursor, error) {
	if s == "" {
		c := cursor{}
		if !since.IsZero() {
			c.Since = squareTime(since)
		}
		return c, nil
	}
	var c cursor
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.Square == "" {
		return cursor{}, fmt.Errorf("bad page cursor %q: not one this connector issued", s)
	}
	return c, nil
}

func (c cursor) next(squareCursor string) (string, bool) {
	if squareCursor == "" {
		return "", true
	}
	c.Square = squareCursor
	b, _ := json.Marshal(c)
	return string(b), false
}

// vendorHooks reads Square's error shape; 429 RATE_LIMITED carries no Retry-After, so the transport
// backs off on its own.
var vendorHooks = httpx.Vendor{
	ParseError: parseError,
	Throttled: func(status int, code string, _ http.Header) bool {
		return code == "RATE_LIMITED"
	},
}

func parseError(_ int, body []byte) (code, message string) {
	var e errorBody
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	if len(e.Errors) == 0 {
		return "", e.Message // not Square's shape (a proxy's or a 500 page)
	}
	first := e.Errors[0]
	message = first.Detail
	if first.Field != "" {
		message += " (field " + first.Field + ")"
	}
	if len(e.Errors) > 1 {
		message += fmt.Sprintf(" (and %d more errors)", len(e.Errors)-1)
	}
	return first.Code, message
}

// HTTPStats exposes the transport's request, retry and throttle counters.
func (s *Source) HTTPStats() connectors.Stats { return s.client.Stats.Snapshot() }
