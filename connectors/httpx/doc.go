// Package httpx is the one HTTP transport every vendor connector uses.
//
// The stack, outermost first:
//
//  1. retry (go-retryablehttp): connection errors, 5xx, 429 and vendor throttle signals are retried at
//     most RetryMax times inside one call; a vendor's Retry-After is honoured only up to RetryWaitMax.
//     A longer wait is not slept here: the call returns an *Error carrying RetryAfter, and the Temporal
//     activity turns it into the next attempt's NextRetryDelay (or a durable timer).
//  2. rate limit (golang.org/x/time/rate): a client-side token bucket from the source's rate_limit,
//     plus pauses requested by the vendor's usage headers (Vendor.Pace).
//  3. auth: Options.Auth decorates each request (bearer token, API key header, basic auth).
//
// Non-2xx answers become *Error, which keeps the status, the vendor's error code and message and a
// bounded copy of the body, and says whether a retry can help. Error texts never contain credentials
// or query strings.
package httpx
