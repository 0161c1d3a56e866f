// This file holds GA4's quotas: which RESOURCE_EXHAUSTED messages are an hourly or daily quota to
// wait out (until the reset) rather than a short-lived limit to retry, and the QuotaError that
// tells the caller when to come back.
package ga4

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// retryDelay is the wait GA4 asks for: until the quota window resets for an exhausted hourly or daily
// quota, else a RetryInfo retryDelay in the error details, else Retry-After.
func (s *Source) retryDelay(h http.Header, body []byte) time.Duration {
	var e errorBody
	if json.Unmarshal(body, &e) == nil && e.Error != nil {
		if window := windowOf(e.Error.Status, e.Error.Message); window != "" {
			now := s.cfg.Now()
			return quotaReset(window, now).Sub(now)
		}
		for _, d := range e.Error.Details {
			if strings.HasSuffix(d.Type, "google.rpc.RetryInfo") && d.RetryDelay != "" {
				if dur, err := time.ParseDuration(d.RetryDelay); err == nil && dur > 0 {
					return dur
				}
			}
		}
	}
	return httpx.RetryAfterHeader(h)
}

// QuotaError is an exhausted hourly or daily property quota. It wraps the throttled *httpx.Error
// (whose RetryAfter runs to Reset), so httpx.AsError still finds it.
type QuotaError struct {
	Window string    // "hour" or "day"
	Reset  time.Time // when the quota window resets
	Err    *httpx.Error
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("%v; the property's quota per %s resets at %s", e.Err, e.Window, e.Reset.UTC().Format(time.RFC3339))
}

func (e *QuotaError) Unwrap() error { return e.Err }

// QuotaReset reports when the exhausted quota behind err resets, if err is an exhausted hourly or
// daily GA4 property quota. The caller should sleep (durably) until then instead of failing.
func QuotaReset(err error) (time.Time, bool) {
	var qe *QuotaError
	if errors.As(err, &qe) {
		return qe.Reset, true
	}
	return time.Time{}, false
}

func quotaWindow(he *httpx.Error) string { return windowOf(he.Code, he.Message) }

// windowOf classifies a RESOURCE_EXHAUSTED message: "day" for the daily token quota; "hour" for
// the hourly quotas (tokens per hour, a project's share of tokens per hour, potentially
// thresholded requests, server errors), which are waited out until the next hour; "" for
// short-lived limits (concurrent requests), which the transport retries after seconds.
func windowOf(status, message string) string {
	if status != "RESOURCE_EXHAUSTED" {
		return ""
	}
	m := strings.ToLower(message)
	switch {
	case strings.Contains(m, "per day"):
		return "day"
	case strings.Contains(m, "per hour"), strings.Contains(m, "thresholded requests"), strings.Contains(m, "server errors"):
		return "hour"
	}
	return ""
}

var quotaDayZone = func() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(err) // embedded by time/tzdata
	}
	return loc
}()

// quotaReset is when a quota window that is exhausted at now resets: the next full hour, or the next
// midnight in America/Los_Angeles (Google's quota day).
func quotaReset(window string, now time.Time) time.Time {
	if window == "day" {
		la := now.In(quotaDayZone)
		return time.Date(la.Year(), la.Month(), la.Day()+1, 0, 0, 0, 0, quotaDayZone)
	}
	return now.Truncate(time.Hour).Add(time.Hour)
}
