// This file holds the retry policy hooks and the rate-limited, authenticating round tripper.
package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
)

// checkRetry decides whether retryablehttp tries again within this call.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var re *auth.RefreshError
		if errors.As(err, &re) {
			return re.Retryable(), nil // a refused credential is final; a token endpoint that is down is not
		}
		return true, nil // connection refused, reset, timeout
	}
	if resp.StatusCode < 400 {
		return false, nil
	}
	body := peekBody(resp)
	var code string
	if c.opts.Vendor.ParseError != nil {
		code, _ = c.opts.Vendor.ParseError(resp.StatusCode, body)
	}
	if c.throttled(resp.StatusCode, code, resp.Header) {
		if resp.StatusCode != http.StatusTooManyRequests {
			c.Stats.Throttled.Add(1) // 429s are counted by the transport
		}
		// Retry here only when the vendor's wait fits inside this call; otherwise hand the wait to
		// the activity's retry policy, which can sleep durably.
		return c.opts.Vendor.RetryDelay(resp.Header, body) <= c.opts.RetryWaitMax, nil
	}
	if c.permanent(resp.StatusCode, code) {
		return false, nil
	}
	return resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented, nil
}

// backoff honours the vendor's wait, capped at RetryWaitMax, else backs off exponentially with jitter.
func (c *Client) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d := c.opts.Vendor.RetryDelay(resp.Header, peekBody(resp)); d > 0 {
			return min64(d, max)
		}
	}
	d := min << attempt
	if d <= 0 || d > max {
		d = max
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func min64(a, b time.Duration) time.Duration {
	if a < b {
		return a
	}
	return b
}

// peekBody reads a response body and puts it back so later readers see it whole. It remembers what
// it read, because retryablehttp drains the body between CheckRetry and Backoff and the backoff
// still needs a vendor's body-borne retry delay.
func peekBody(resp *http.Response) []byte {
	if resp == nil || resp.Body == nil {
		return nil
	}
	if rb, ok := resp.Body.(*replayBody); ok {
		return rb.data
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = &replayBody{Reader: bytes.NewReader(data), data: data}
	return data
}

// replayBody is a peeked body: readable once more, and its bytes kept for later peeks.
type replayBody struct {
	*bytes.Reader
	data []byte
}

func (*replayBody) Close() error { return nil }

// limitedTransport waits for the token bucket and any vendor-requested pause, adds credentials,
// counts attempts and throttle answers, and learns pauses from usage headers.
type limitedTransport struct {
	base      http.RoundTripper
	limiter   *rate.Limiter
	auth      func(*http.Request)
	token     auth.Token
	authorize func(*http.Request, string)
	allowed   func(host string) bool
	pace      func(http.Header) time.Duration
	stats     *Stats

	mu        sync.Mutex
	notBefore time.Time
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.waitPause(req.Context()); err != nil {
		return nil, err
	}
	if err := t.limiter.Wait(req.Context()); err != nil {
		return nil, err
	}
	if t.allowed(req.URL.Host) {
		switch {
		case t.token != nil && t.authorize != nil:
			tok, err := t.token.Token(req.Context())
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			t.authorize(req, tok)
		case t.auth != nil:
			req = req.Clone(req.Context())
			t.auth(req)
		}
	}
	if fn := connectors.SendingHook(req.Context()); fn != nil {
		if err := fn(); err != nil {
			return nil, fmt.Errorf("%w: %w", connectors.ErrNotSent, err)
		}
	}
	t.stats.Requests.Add(1)
	sent := time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		t.stats.Throttled.Add(1)
	}
	if t.pace != nil {
		if d := t.pace(resp.Header); d > 0 {
			t.mu.Lock()
			// the pause counts from when this request was sent, so the round trip is not added to it
			if nb := sent.Add(d); nb.After(t.notBefore) {
				t.notBefore = nb
			}
			t.mu.Unlock()
		}
	}
	return resp, nil
}

func (t *limitedTransport) waitPause(ctx context.Context) error {
	t.mu.Lock()
	d := time.Until(t.notBefore)
	t.mu.Unlock()
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
