// This file holds the Client: construction from Options and the request/response helpers connectors call.
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
)

// Options configures a Client.
type Options struct {
	Name    string // configured source/destination name, used in errors
	BaseURL string // vendor base URL; request paths are joined onto it
	// RetryMax bounds HTTP-level retries inside one call (default 2). Activity retries come on top.
	RetryMax int
	// RetryWaitMin/Max bound the HTTP-level backoff; a vendor wait longer than RetryWaitMax is not
	// slept here but returned in Error.RetryAfter (defaults 200ms / 5s).
	RetryWaitMin, RetryWaitMax time.Duration
	// RequestsPerSecond and Burst form the client-side token bucket (0 = unlimited).
	RequestsPerSecond float64
	Burst             int
	// Timeout bounds one HTTP attempt (default 30s).
	Timeout time.Duration
	// MaxBody bounds an answer's size (default 64 MiB); a larger one fails without retries.
	MaxBody int64
	// Token supplies the credential and Authorize puts it on a request (a bearer header, a query
	// parameter, basic auth). Credentials go only to the base URL's host (and the API host a
	// token response names); a 401 (or Vendor.Expired) renews a renewable token once and
	// repeats the call.
	Token     auth.Token
	Authorize func(r *http.Request, token string)
	// BaseFromToken resolves relative paths against the API host the token response names
	// (Salesforce's instance_url) when it names one.
	BaseFromToken bool
	// Auth decorates requests to the base URL's host with fixed credentials (instead of Token).
	Auth func(*http.Request)
	// Hint is appended to 401/403 errors, e.g. "check the token in $HUBSPOT_TOKEN".
	Hint   string
	Vendor Vendor
	// Base is the underlying transport (default http.DefaultTransport clone).
	Base http.RoundTripper
}

// Stats counts what a client did. Safe for concurrent use.
type Stats struct {
	Requests  atomic.Int64 // HTTP attempts sent
	Retries   atomic.Int64 // attempts that were retries
	Throttled atomic.Int64 // 429s and vendor throttle signals received
}

// Snapshot reads the counters (connectors.StatsReporter's form).
func (s *Stats) Snapshot() connectors.Stats {
	return connectors.Stats{Requests: s.Requests.Load(), Retries: s.Retries.Load(), Throttled: s.Throttled.Load()}
}

// Client sends requests to one vendor API through the retry, rate-limit and auth stack.
type Client struct {
	opts  Options
	base  *url.URL
	rc    *retryablehttp.Client
	Stats *Stats
}

// New builds a Client. It fails when BaseURL is not an absolute http(s) URL.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: base_url %q is not an absolute http(s) URL", opts.Name, opts.BaseURL)
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = 2
	}
	if opts.RetryMax < 0 {
		opts.RetryMax = 0
	}
	if opts.RetryWaitMin == 0 {
		opts.RetryWaitMin = 200 * time.Millisecond
	}
	if opts.RetryWaitMax == 0 {
		opts.RetryWaitMax = 5 * time.Second
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 20
	}
	if opts.Vendor.RetryDelay == nil {
		opts.Vendor.RetryDelay = func(h http.Header, _ []byte) time.Duration { return RetryAfterHeader(h) }
	}
	stats := &Stats{}
	base := opts.Base
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	lim := rate.NewLimiter(rate.Inf, 1)
	if opts.RequestsPerSecond > 0 {
		burst := opts.Burst
		if burst < 1 {
			burst = 1
		}
		lim = rate.NewLimiter(rate.Limit(opts.RequestsPerSecond), burst)
	}
	c := &Client{opts: opts, base: u, Stats: stats}
	rt := &limitedTransport{base: base, limiter: lim, auth: opts.Auth, token: opts.Token, authorize: opts.Authorize,
		pace: opts.Vendor.Pace, stats: stats, allowed: c.allowedHost}
	if opts.Hint == "" && opts.Token != nil {
		c.opts.Hint = "check " + opts.Token.Describe()
	}
	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: rt, Timeout: opts.Timeout, CheckRedirect: checkRedirect}
	rc.Logger = nil // retryablehttp logs URLs, which may carry tokens
	rc.RetryMax = opts.RetryMax
	rc.RetryWaitMin = opts.RetryWaitMin
	rc.RetryWaitMax = opts.RetryWaitMax
	rc.CheckRetry = c.checkRetry
	rc.Backoff = c.backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.RequestLogHook = func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
		if attempt > 0 {
			stats.Retries.Add(1)
		}
	}
	c.rc = rc
	return c, nil
}

// Request is one vendor call.
type Request struct {
	Method string
	// Path is joined onto BaseURL; an absolute URL (a vendor's next-page link) is used as given.
	Path   string
	Query  url.Values
	Header http.Header
	// Body is sent as JSON unless it is []byte.
	Body any
	// Read marks a POST that only reads (a search), safe to repeat like a GET.
	Read bool
}

// Response is a successful (2xx) answer with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req and returns the 2xx response, or an *Error.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if req.Read || req.Method == "" || req.Method == http.MethodGet || req.Method == http.MethodHead {
		ctx = connectors.WithSending(ctx, nil) // reads change nothing at the vendor: no sending mark
	}
	target, err := c.resolve(ctx, req.Path, req.Query)
	if err != nil {
		return nil, err
	}
	var body []byte
	switch b := req.Body.(type) {
	case nil:
	case []byte:
		body = b
	default:
		if body, err = json.Marshal(b); err != nil {
			return nil, fmt.Errorf("%s: encode %s %s body: %w", c.opts.Name, req.Method, target.Path, err)
		}
	}
	var rdr any
	if body != nil {
		rdr = body
	}
	hr, err := retryablehttp.NewRequestWithContext(ctx, req.Method, target.String(), rdr)
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", c.opts.Name, err)
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hr.Header.Add(k, v)
		}
	}
	if body != nil && hr.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set("Accept", "application/json")

	for renewed := false; ; renewed = true {
		out, err := c.send(hr, req.Method, target.Path)
		var he *Error
		if !renewed && errors.As(err, &he) && c.expired(he) && c.opts.Token != nil && c.opts.Token.Renew() {
			continue // the token expired: renew it once and repeat the call
		}
		return out, err
	}
}

func (c *Client) send(hr *retryablehttp.Request, method, path string) (*Response, error) {
	resp, err := c.rc.Do(hr)
	if err != nil {
		var re *auth.RefreshError
		if errors.As(err, &re) {
			return nil, re
		}
		return nil, &Error{Name: c.opts.Name, Method: method, Path: path, Err: redactURLError(err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, &Error{Name: c.opts.Name, Method: method, Path: path, Status: 0, Err: fmt.Errorf("read body: %w", err)}
	}
	if int64(len(data)) > c.opts.MaxBody {
		return nil, &Error{Name: c.opts.Name, Method: method, Path: path, Status: resp.StatusCode, Code: "response_too_large", Permanent: true,
			Err: fmt.Errorf("the answer is larger than %d bytes: check base_url", c.opts.MaxBody)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.newError(method, path, resp, data)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// malformedTries bounds how often a read is repeated when its answer is not valid JSON (a page
// truncated in transit); after that, and at once for an HTML page, nested-too-deep JSON or a
// write, the answer is a permanent *Error with a hint, not a retry loop.
const malformedTries = 3

// JSON sends req and decodes a JSON answer into out.
func (c *Client) JSON(ctx context.Context, req Request, out any) (*Response, error) {
	for try := 1; ; try++ {
		resp, err := c.Do(ctx, req)
		if err != nil {
			return nil, err
		}
		if out == nil || len(bytes.TrimSpace(resp.Body)) == 0 {
			return resp, nil
		}
		derr := json.Unmarshal(resp.Body, out)
		if derr == nil {
			return resp, nil
		}
		e := &Error{Name: c.opts.Name, Method: req.Method, Path: pathOnly(req.Path), Code: "malformed_response",
			Body: truncate(resp.Body), Permanent: true}
		switch {
		case looksHTML(resp):
			e.Err = errors.New("the server answered an HTML page, not JSON: check base_url (a login page, a proxy or the vendor's website?)")
		case strings.Contains(derr.Error(), "exceeded max depth"):
			e.Err = errors.New("the answer's JSON is nested too deeply to be a vendor answer: check base_url")
		case req.Method != "" && req.Method != http.MethodGet && !req.Read:
			// A write's answer was lost in transit: the write may have happened. The caller
			// decides (the delivery ledger marks it in doubt); the activity may retry.
			e.Permanent = false
			e.Err = fmt.Errorf("the answer is not valid JSON: %v", derr)
		case try < malformedTries:
			continue // a truncated read: ask again
		default:
			e.Err = fmt.Errorf("the answer is not valid JSON (%d tries): %v; check base_url", try, derr)
		}
		return resp, e
	}
}

func looksHTML(resp *Response) bool {
	ct := strings.ToLower(resp.Header.Get("Content-Type"))
	if strings.Contains(ct, "text/html") {
		return true
	}
	b := bytes.ToLower(bytes.TrimSpace(resp.Body))
	return bytes.HasPrefix(b, []byte("<!doctype html")) || bytes.HasPrefix(b, []byte("<html"))
}

// pathOnly drops a query (it may hold a token) from a path or next-page link.
func pathOnly(p string) string {
	if u, err := url.Parse(p); err == nil {
		return u.Path
	}
	p, _, _ = strings.Cut(p, "?")
	return p
}

func (c *Client) resolve(ctx context.Context, p string, q url.Values) (*url.URL, error) {
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("%s: bad request path %q: %w", c.opts.Name, p, err)
	}
	var u *url.URL
	if ref.IsAbs() {
		if !c.allowedHost(ref.Host) {
			return nil, &Error{Name: c.opts.Name, Method: "GET", Path: ref.Path, Code: "foreign_link", Permanent: true,
				Err: fmt.Errorf("the vendor's next-page link points at another host (%s); refusing to send credentials there", ref.Host)}
		}
		u = ref
	} else {
		base, err := c.baseFor(ctx)
		if err != nil {
			return nil, err
		}
		cp := *base
		u = &cp
		if strings.HasPrefix(ref.Path, u.Path+"/") || (u.Path != "" && ref.Path == u.Path) {
			u.Path = ref.Path // a vendor's relative next link that already carries the base path
		} else {
			u.Path = u.Path + "/" + strings.TrimLeft(ref.Path, "/")
		}
		u.RawQuery = ref.RawQuery
	}
	if len(q) > 0 {
		merged := u.Query()
		for k, vs := range q {
			merged[k] = vs
		}
		u.RawQuery = merged.Encode()
	}
	return u, nil
}

func (c *Client) newError(method, path string, resp *http.Response, body []byte) *Error {
	e := &Error{Name: c.opts.Name, Method: method, Path: path, Status: resp.StatusCode, Body: truncate(body), Hint: c.opts.Hint}
	if c.opts.Vendor.ParseError != nil {
		e.Code, e.Message = c.opts.Vendor.ParseError(resp.StatusCode, body)
	}
	if c.opts.Vendor.Detail != nil {
		e.Detail = c.opts.Vendor.Detail(resp.StatusCode, body)
	}
	e.Throttled = c.throttled(resp.StatusCode, e.Code, resp.Header)
	e.Permanent = !e.Throttled && c.permanent(resp.StatusCode, e.Code)
	e.RetryAfter = c.opts.Vendor.RetryDelay(resp.Header, body)
	return e
}

func (c *Client) throttled(status int, code string, h http.Header) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	return c.opts.Vendor.Throttled != nil && c.opts.Vendor.Throttled(status, code, h)
}

func (c *Client) permanent(status int, code string) bool {
	return c.opts.Vendor.Permanent != nil && c.opts.Vendor.Permanent(status, code)
}

func truncate(b []byte) string {
	const max = 2048
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// redactURLError strips the URL (and with it any token in the query) from a transport error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
