// This file holds the typed error returned for failed vendor calls and its retry classification.
package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error is a failed vendor call.
type Error struct {
	Name    string // configured source/destination name
	Method  string
	Path    string // URL path only: never the query (it may hold tokens)
	Status  int    // 0 when no response arrived
	Code    string // vendor error code (errorType, errorCode, error.status ...)
	Message string // vendor error message
	Body    string // the first 2 KiB of the response body
	// Detail is what Vendor.Detail read from the whole body (e.g. which members a request refused).
	Detail any
	// RetryAfter is the vendor's requested wait (Retry-After header or body hint), if any.
	RetryAfter time.Duration
	// Throttled is true when the vendor signalled a rate limit or quota (429, or its own signal).
	Throttled bool
	// Permanent is true when the vendor's hook says retrying cannot help whatever the status.
	Permanent bool
	// Hint names the fix for credential errors, e.g. "check the token in $HUBSPOT_TOKEN".
	Hint string
	// Err is the transport or decoding error, if any.
	Err error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s %s", e.Name, e.Method, e.Path)
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Throttled {
		s += " (rate limited"
		if e.RetryAfter > 0 {
			s += fmt.Sprintf(", retry after %s", e.RetryAfter)
		}
		s += ")"
	}
	if e.Hint != "" && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden) && !e.Throttled {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether trying the same call later can succeed.
func (e *Error) Retryable() bool {
	if e.Throttled {
		return true
	}
	if e.Permanent {
		return false
	}
	switch {
	case e.Status == 0: // transport error, timeout or malformed body
		return true
	case e.Status == http.StatusRequestTimeout, e.Status == http.StatusTooEarly, e.Status == http.StatusTooManyRequests:
		return true
	case e.Status >= 500:
		return true
	}
	return false
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var he *Error
	ok := errors.As(err, &he)
	return he, ok
}

// RateLimited reports whether the vendor signalled a rate limit (connectors.Error).
func (e *Error) RateLimited() bool { return e.Throttled }

// Delay is the vendor's requested wait (connectors.Error).
func (e *Error) Delay() time.Duration { return e.RetryAfter }

// NoResponse reports that no HTTP answer arrived (connectors.Error).
func (e *Error) NoResponse() bool { return e.Status == 0 && e.Code != "malformed_response" }
