// This file holds the GA4 source's Config, constructor, vendor hooks and FetchPage.

// Package ga4 is the Google Analytics 4 source connector: one runReport per customer dimension value,
// yielding engagement metrics per customer.
//
// What a sync means here: GA4 has no per-row modification time. A report row is the metric totals of
// one customer over a date range, re-aggregated by GA4 on every call. A full sync reports over the
// configured range (StartDate..EndDate, default 365daysAgo..yesterday). An incremental sync (Since
// set) moves the range's start to Since's calendar date (in TimeZone), so it returns the customers
// active since the watermark, with their totals over that shorter range — not deltas, and not the
// full-range totals. Relative dates are resolved to calendar dates on the first page and kept in the
// cursor, so every page of one pass and every resumed page reports over the same range.
//
// Quotas: an exhausted hourly or daily property quota (429 RESOURCE_EXHAUSTED "Exhausted property
// tokens per hour/day") is not a failure but a wait: the error is a throttled *httpx.Error whose
// RetryAfter runs to the quota reset (the next hour; the next midnight in America/Los_Angeles for the
// daily quota), and QuotaReset reports that instant so the caller can sleep durably until then.
package ga4

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // the daily quota resets at midnight America/Los_Angeles on any host

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// DefaultBaseURL is the GA4 Data API.
const DefaultBaseURL = "https://analyticsdata.googleapis.com"

// Defaults for the report.
const (
	DefaultCustomerDimension = "customUser:crm_id"
	DefaultStartDate         = "365daysAgo"
	DefaultEndDate           = "yesterday"
	DefaultPageSize          = 10000
	maxPageSize              = 250000
)

// DefaultMetrics are reported unless Config.Metrics is set.
var DefaultMetrics = []string{"sessions", "addToCarts", "ecommercePurchases"}

// Config configures a GA4 source.
type Config struct {
	Name    string // configured source name, goes into record.Source (default "ga4")
	BaseURL string // default DefaultBaseURL; the sandbox URL in tests
	// Credential supplies the access token: a service account or authorized user (credentials
	// JSON), an OAuth refresh token, or a static access token (it lives one hour).
	Credential auth.Token
	// Token is a static token's value when Credential is nil (tests); TokenEnv names its variable.
	Token    string
	TokenEnv string
	// RequestsPerSecond and Burst form the client-side rate limit (0 = unlimited).
	RequestsPerSecond float64
	Burst             int
	// PropertyID is the numeric GA4 property id ("123456789" or "properties/123456789").
	PropertyID string
	// CustomerDimension is the user-scoped custom dimension holding the customer id
	// (default DefaultCustomerDimension).
	CustomerDimension string
	// Metrics to report (default DefaultMetrics).
	Metrics []string
	// StartDate and EndDate bound a full sync: YYYY-MM-DD, NdaysAgo, yesterday or today
	// (default 365daysAgo and yesterday).
	StartDate, EndDate string
	// TimeZone is the property's reporting time zone (IANA name), used to resolve relative dates and
	// Since to calendar dates (default UTC).
	TimeZone string
	// PageSize is rows per request (default 10000, at most 250000).
	PageSize int
	// HTTP replaces the underlying transport (tests).
	HTTP http.RoundTripper
	// RetryWaitMin/Max tune the transport's in-call backoff (0 = httpx defaults).
	RetryWaitMin, RetryWaitMax time.Duration
	// Now is the clock (default time.Now); quota reset times are computed from it.
	Now func() time.Time
}

// Source reads engagement rows from one GA4 property.
type Source struct {
	cfg    Config
	loc    *time.Location
	client *httpx.Client
}

var _ connectors.Source = (*Source)(nil)

var (
	propertyRE = regexp.MustCompile(`^[0-9]+$`)
	dateRE     = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2}|today|yesterday|[0-9]+daysAgo)$`)
)

// propertyID checks a property_id ("123456789" or "properties/123456789") and returns its number.
func propertyID(raw string) (string, error) {
	id := strings.TrimPrefix(strings.TrimSpace(raw), "properties/")
	if !propertyRE.MatchString(id) {
		return "", fmt.Errorf("want the numeric GA4 property id (Admin > Property details), got %q", raw)
	}
	return id, nil
}

// New validates cfg and builds the source.
func New(cfg Config) (*Source, error) {
	if cfg.Name == "" {
		cfg.Name = "ga4"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Credential == nil {
		if cfg.Token == "" {
			return nil, fmt.Errorf("%s: no access token: set %s", cfg.Name, envName(cfg.TokenEnv))
		}
		cfg.Credential = auth.StaticToken(cfg.Token, "the OAuth access token in "+envName(cfg.TokenEnv)+" (access tokens expire after an hour)")
	}
	id, err := propertyID(cfg.PropertyID)
	if err != nil {
		return nil, fmt.Errorf("%s: property_id: %w", cfg.Name, err)
	}
	cfg.PropertyID = id
	if cfg.CustomerDimension == "" {
		cfg.CustomerDimension = DefaultCustomerDimension
	}
	if len(cfg.Metrics) == 0 {
		cfg.Metrics = DefaultMetrics
	}
	for _, m := range cfg.Metrics {
		if strings.TrimSpace(m) == "" {
			return nil, fmt.Errorf("%s: metrics: empty metric name", cfg.Name)
		}
	}
	if cfg.StartDate == "" {
		cfg.StartDate = DefaultStartDate
	}
	if cfg.EndDate == "" {
		cfg.EndDate = DefaultEndDate
	}
	for key, v := range map[string]string{"start_date": cfg.StartDate, "end_date": cfg.EndDate} {
		if !dateRE.MatchString(v) {
			return nil, fmt.Errorf("%s: %s: %q is not YYYY-MM-DD, NdaysAgo, yesterday or today", cfg.Name, key, v)
		}
	}
	loc := time.UTC
	if cfg.TimeZone != "" {
		l, err := time.LoadLocation(cfg.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("%s: time_zone: %w", cfg.Name, err)
		}
		loc = l
	}
	switch {
	case cfg.PageSize == 0:
		cfg.PageSize = DefaultPageSize
	case cfg.PageSize < 1 || cfg.PageSize > maxPageSize:
		return nil, fmt.Errorf("%s: page_size: GA4 allows 1 to %d rows, got %d", cfg.Name, maxPageSize, cfg.PageSize)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Source{cfg: cfg, loc: loc}
	client, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		RetryWaitMin:      cfg.RetryWaitMin,
		RetryWaitMax:      cfg.RetryWaitMax,
		Token:             cfg.Credential,
		Authorize:         func(r *http.Request, token string) { r.Header.Set("Authorization", "Bearer "+token) },
		Hint: fmt.Sprintf("check %s and that its account can read property %s (Viewer role or more)",
			cfg.Credential.Describe(), cfg.PropertyID),
		Vendor: httpx.Vendor{
			ParseError: parseError,
			Throttled:  func(_ int, code string, _ http.Header) bool { return code == "RESOURCE_EXHAUSTED" },
			RetryDelay: s.retryDelay,
		},
		Base: cfg.HTTP,
	})
	if err != nil {
		return nil, err
	}
	s.client = client
	return s, nil
}

func envName(env string) string {
	if env == "" {
		return "the source's token_env variable"
	}
	return "$" + env
}

// Kinds lists engagements.
func (s *Source) Kinds() []record.Kind { return []record.Kind{record.KindEngagement} }

// FetchPage returns one page of report rows.
func (s *Source) FetchPage(ctx context.Context, req connectors.PageRequest) (connectors.Page, error) {
	if req.Kind != record.KindEngagement {
		return connectors.Page{}, fmt.Errorf("%s: unsupported kind %q (want engagements)", s.cfg.Name, req.Kind)
	}
	cur, err := s.cursorFor(req)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("%s: %w", s.cfg.Name, err)
	}
	if cur.Start > cur.End { // the watermark is past the report's end: nothing new to report
		return connectors.Page{Done: true}, nil
	}
	before := s.client.Stats.Requests.Load()
	page, err := s.fetchReport(ctx, cur)
	page.Requests = int(s.client.Stats.Requests.Load() - before)
	if err != nil {
		if he, ok := httpx.AsError(err); ok {
			if window := quotaWindow(he); window != "" {
				err = &QuotaError{Window: window, Reset: quotaReset(window, s.cfg.Now()), Err: he}
			}
		}
		return page, fmt.Errorf("%s: fetch report page: %w", s.cfg.Name, err)
	}
	return page, nil
}

// cursor is the connector's page cursor: the next offset and the calendar dates of the pass.
type cursor struct {
	Offset int64  `json:"o"`
	Start  string `json:"s"`
	End    string `json:"e"`
}

// cursorFor decodes req.Cursor, or on the first page resolves the date range.
func (s *Source) cursorFor(req connectors.PageRequest) (cursor, error) {
	if req.Cursor != "" {
		var c cursor
		if err := json.Unmarshal([]byte(req.Cursor), &c); err != nil || c.Start == "" || c.End == "" || c.Offset < 0 {
			return cursor{}, fmt.Errorf("bad page cursor %q: not one this connector issued", req.Cursor)
		}
		return c, nil
	}
	now := s.cfg.Now()
	start, err := resolveDate(s.cfg.StartDate, now, s.loc)
	if err != nil {
		return cursor{}, fmt.Errorf("start_date: %w", err)
	}
	end, err := resolveDate(s.cfg.EndDate, now, s.loc)
	if err != nil {
		return cursor{}, fmt.Errorf("end_date: %w", err)
	}
	if !req.Since.IsZero() {
		if since := req.Since.In(s.loc).Format("2006-01-02"); since > start {
			start = since
		}
	}
	return cursor{Start: start, End: end}, nil
}

// resolveDate turns a GA4 date expression into a calendar date in loc.
func resolveDate(expr string, now time.Time, loc *time.Location) (string, error) {
	today := now.In(loc)
	switch {
	case expr == "today":
		return today.Format("2006-01-02"), nil
	case expr == "yesterday":
		return today.AddDate(0, 0, -1).Format("2006-01-02"), nil
	case strings.HasSuffix(expr, "daysAgo"):
		var n int
		if _, err := fmt.Sscanf(expr, "%ddaysAgo", &n); err != nil {
			return "", fmt.Errorf("%q is not NdaysAgo", expr)
		}
		return today.AddDate(0, 0, -n).Format("2006-01-02"), nil
	}
	if _, err := time.Parse("2006-01-02", expr); err != nil {
		return "", fmt.Errorf("%q is not a date", expr)
	}
	return expr, nil
}

// parseError reads Google's error shape: {"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED"}}.
func parseError(_ int, body []byte) (code, message string) {
	var e errorBody
	if json.Unmarshal(body, &e) != nil || e.Error == nil {
		return "", ""
	}
	return e.Error.Status, e.Error.Message
}

// HTTPStats exposes the transport's request, retry and throttle counters.
func (s *Source) HTTPStats() connectors.Stats { return s.client.Stats.Snapshot() }
