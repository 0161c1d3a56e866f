// This file holds RefreshError, what a failed token renewal becomes: permanent when the vendor
// refused the credential, retryable when the token endpoint failed or did not answer.
package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"
)

// RefreshError is a failed token renewal. It implements connectors.Error.
type RefreshError struct {
	Name       string // the connector
	Host       string // the token endpoint's host
	Credential string // what to check, e.g. "the refresh token in $HUBSPOT_REFRESH_TOKEN"
	Status     int    // the token endpoint's HTTP status (0: no answer)
	Code       string // its error code, e.g. invalid_grant
	Err        error
}

func (e *RefreshError) Error() string {
	s := fmt.Sprintf("%s: renewing the access token at %s failed", e.Name, e.Host)
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Err != nil && e.Err.Error() != "" {
		s += ": " + e.Err.Error()
	}
	if e.Retryable() {
		return s + " (the token endpoint failed; it is retried)"
	}
	return s + " (check " + e.Credential + ": it was refused, revoked or has expired)"
}

func (e *RefreshError) Unwrap() error { return e.Err }

// Retryable reports whether renewing later can succeed: the endpoint failed, not the credential.
func (e *RefreshError) Retryable() bool {
	if e.Status == 0 {
		return !errors.Is(e.Err, errNoAccessToken)
	}
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
}

// RateLimited reports a throttled token endpoint.
func (e *RefreshError) RateLimited() bool { return e.Status == http.StatusTooManyRequests }

// Delay is 0: token endpoints send no wait.
func (e *RefreshError) Delay() time.Duration { return 0 }

// NoResponse reports that the token endpoint did not answer.
func (e *RefreshError) NoResponse() bool { return e.Status == 0 && e.Retryable() }

func (r *renewing) refreshError(err error) error {
	host := r.tokenURL
	if u, perr := url.Parse(r.tokenURL); perr == nil && u.Host != "" {
		host = u.Host
	}
	re := &RefreshError{Name: r.name, Host: host, Credential: r.describe, Err: err}
	var oe *oauth2.RetrieveError
	var ee *endpointError
	var ne net.Error
	switch {
	case errors.As(err, &oe):
		if oe.Response != nil {
			re.Status = oe.Response.StatusCode
		}
		re.Code, re.Err = oe.ErrorCode, errors.New(oe.ErrorDescription)
		if re.Code == "" { // HubSpot and Square do not answer in RFC 6749's shape
			var a tokenAnswer
			if jsonErr := json.Unmarshal(oe.Body, &a); jsonErr == nil {
				code, desc := a.failure()
				re.Code, re.Err = code, errors.New(desc)
			}
		}
	case errors.As(err, &ee):
		re.Status, re.Code, re.Err = ee.status, ee.code, errors.New(ee.description)
	case errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded):
		re.Err = errors.New("no answer: " + err.Error())
	}
	return re
}
