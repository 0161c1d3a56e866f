// This file holds the per-vendor hooks the transport consults: error parsing, throttle signals and pacing.
package httpx

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Vendor adapts the transport to one vendor API's conventions. Every hook is optional.
type Vendor struct {
	// ParseError extracts the vendor's error code and message from a non-2xx body.
	ParseError func(status int, body []byte) (code, message string)
	// Throttled reports whether a non-2xx answer is a rate-limit or quota signal (429 always is).
	// Salesforce, for example, signals with 403 REQUEST_LIMIT_EXCEEDED.
	Throttled func(status int, code string, h http.Header) bool
	// Permanent reports whether a non-2xx answer cannot succeed on retry whatever its status says
	// (Mandrill answers Invalid_Key with HTTP 500). A throttle signal wins over it.
	Permanent func(status int, code string) bool
	// RetryDelay returns the vendor's requested wait from headers or body (0 when none). The default
	// reads Retry-After (seconds, fractional seconds, or an HTTP date).
	RetryDelay func(h http.Header, body []byte) time.Duration
	// Expired reports whether a non-2xx answer says the access token expired (default: any 401),
	// e.g. Meta's code 190 with HTTP 400. A renewable token is then renewed once.
	Expired func(status int, code string) bool
	// Detail reads structured detail from a non-2xx body into Error.Detail (the body is only kept
	// truncated), e.g. the indexes of the members a fast-failing request refused.
	Detail func(status int, body []byte) any
	// Pace inspects every response's usage headers and returns how long to pause before the next
	// request (0 for no pause), e.g. when X-Shopify-Shop-Api-Call-Limit shows the bucket nearly full.
	// The pause counts from when the request that received these headers was sent.
	Pace func(h http.Header) time.Duration
}

// RetryAfterHeader parses a Retry-After header: integer or fractional seconds ("2.0"), or an HTTP date.
func RetryAfterHeader(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
