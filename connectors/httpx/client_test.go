package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scripted serves the given statuses in order (the last one repeats) and counts requests.
func scripted(t *testing.T, statuses []int, header http.Header, body string) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(statuses) {
			i = len(statuses) - 1
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(statuses[i])
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newClient(t *testing.T, u string, opts Options) *Client {
	opts.Name, opts.BaseURL = "crm", u
	if opts.RetryWaitMin == 0 {
		opts.RetryWaitMin = time.Millisecond
	}
	c, err := New(opts)
	require.NoError(t, err)
	return c
}

func TestClient_Do(t *testing.T) {
	t.Run("5xx is retried within the call and succeeds", func(t *testing.T) {
		srv, n := scripted(t, []int{500, 502, 200}, nil, `{}`)
		c := newClient(t, srv.URL, Options{})
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
		require.NoError(t, err)
		assert.EqualValues(t, 3, n.Load())
		assert.EqualValues(t, 2, c.Stats.Retries.Load())
	})
	t.Run("retries are bounded by RetryMax", func(t *testing.T) {
		srv, n := scripted(t, []int{503}, nil, `{}`)
		c := newClient(t, srv.URL, Options{RetryMax: 1})
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
		he, ok := AsError(err)
		require.True(t, ok)
		assert.Equal(t, 503, he.Status)
		assert.True(t, he.Retryable())
		assert.EqualValues(t, 2, n.Load())
	})
	t.Run("a 401 is not retried and names the fix", func(t *testing.T) {
		srv, n := scripted(t, []int{401}, nil, `{"message":"bad token"}`)
		c := newClient(t, srv.URL, Options{Hint: "check the token in $CRM_TOKEN",
			Vendor: Vendor{ParseError: func(int, []byte) (string, string) { return "INVALID_AUTH", "bad token" }}})
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
		he, ok := AsError(err)
		require.True(t, ok)
		assert.False(t, he.Retryable())
		assert.EqualValues(t, 1, n.Load())
		assert.Contains(t, err.Error(), "$CRM_TOKEN")
		assert.Contains(t, err.Error(), "INVALID_AUTH")
	})
	t.Run("a short Retry-After is slept inside the call", func(t *testing.T) {
		srv, n := scripted(t, []int{429, 200}, http.Header{"Retry-After": {"0.05"}}, `{}`)
		c := newClient(t, srv.URL, Options{})
		start := time.Now()
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
		require.NoError(t, err)
		assert.EqualValues(t, 2, n.Load())
		assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
		assert.EqualValues(t, 1, c.Stats.Throttled.Load())
	})
	t.Run("a long Retry-After is handed back, not slept", func(t *testing.T) {
		srv, n := scripted(t, []int{429}, http.Header{"Retry-After": {"3600"}}, `{}`)
		c := newClient(t, srv.URL, Options{RetryWaitMax: time.Second})
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
		he, ok := AsError(err)
		require.True(t, ok)
		assert.True(t, he.Throttled)
		assert.Equal(t, time.Hour, he.RetryAfter)
		assert.EqualValues(t, 1, n.Load())
	})
	t.Run("a vendor throttle signal that is not a 429 counts as throttling", func(t *testing.T) {
		srv, _ := scripted(t, []int{403}, nil, `[{"errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
		c := newClient(t, srv.URL, Options{RetryMax: -1, Vendor: Vendor{
			ParseError: func(int, []byte) (string, string) { return "REQUEST_LIMIT_EXCEEDED", "" },
			Throttled:  func(s int, code string, _ http.Header) bool { return s == 403 && code == "REQUEST_LIMIT_EXCEEDED" },
			RetryDelay: func(http.Header, []byte) time.Duration { return time.Minute },
		}})
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
		he, _ := AsError(err)
		require.NotNil(t, he)
		assert.True(t, he.Throttled)
		assert.True(t, he.Retryable())
		assert.Equal(t, time.Minute, he.RetryAfter)
	})
	t.Run("errors never show the query string (tokens travel there)", func(t *testing.T) {
		srv, _ := scripted(t, []int{400}, nil, `{}`)
		c := newClient(t, srv.URL, Options{})
		_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/users?access_token=SECRET123"})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SECRET123")
	})
	t.Run("a JSON body that stays truncated fails for good after a few tries", func(t *testing.T) {
		he, err, n := malformed(t, `{"results":[{"id":`, "GET")
		require.NotNil(t, he, "want *Error, got %v", err)
		assert.False(t, he.Retryable())
		assert.Equal(t, "malformed_response", he.Code)
		assert.EqualValues(t, malformedTries, n.Load())
	})
	t.Run("HTML and deep JSON fail at once with a hint", func(t *testing.T) {
		for body, hint := range map[string]string{
			"<!DOCTYPE html><html><body>Sign in</body></html>":      "HTML page",
			strings.Repeat("[", 20000) + strings.Repeat("]", 20000): "nested too deeply",
		} {
			he, err, n := malformed(t, body, "GET")
			require.NotNil(t, he, "want *Error, got %v", err)
			assert.False(t, he.Retryable())
			assert.Contains(t, err.Error(), hint)
			assert.Contains(t, err.Error(), "check base_url")
			assert.EqualValues(t, 1, n.Load())
		}
	})
	t.Run("a write's malformed answer is left to the caller (it may have been applied)", func(t *testing.T) {
		he, err, n := malformed(t, `{"ok":`, "POST")
		require.NotNil(t, he, "want *Error, got %v", err)
		assert.True(t, he.Retryable())
		assert.EqualValues(t, 1, n.Load())
	})
}

// malformed sends one JSON call of method to a server that always answers 200 with body; it
// returns the *Error (nil if none), the error and how many requests reached the server.
func malformed(t *testing.T, body, method string) (*Error, error, *atomic.Int64) {
	t.Helper()
	srv, n := scripted(t, []int{200}, nil, body)
	c := newClient(t, srv.URL, Options{})
	var out map[string]any
	_, err := c.JSON(context.Background(), Request{Method: method, Path: "/x"}, &out)
	he, _ := AsError(err)
	return he, err, n
}

func TestClient_RateLimit(t *testing.T) {
	srv, n := scripted(t, []int{200}, nil, `{}`)
	c := newClient(t, srv.URL, Options{RequestsPerSecond: 20, Burst: 1})
	start := time.Now()
	for i := 0; i < 6; i++ {
		_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
		require.NoError(t, err)
	}
	// 6 requests at 20/s with burst 1 need at least 5 intervals of 50ms.
	assert.GreaterOrEqual(t, time.Since(start), 240*time.Millisecond)
	assert.EqualValues(t, 6, n.Load())
}

func TestRetryAfterHeader(t *testing.T) {
	for in, want := range map[string]time.Duration{"2": 2 * time.Second, "2.0": 2 * time.Second, "0.5": 500 * time.Millisecond, "": 0, "soon": 0} {
		t.Run(in, func(t *testing.T) {
			assert.Equal(t, want, RetryAfterHeader(http.Header{"Retry-After": {in}}))
		})
	}
	t.Run("an HTTP date", func(t *testing.T) {
		d := RetryAfterHeader(http.Header{"Retry-After": {time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)}})
		assert.InDelta(t, time.Minute.Seconds(), d.Seconds(), 2)
	})
}

func TestNew_RejectsARelativeBaseURL(t *testing.T) {
	_, err := New(Options{Name: "crm", BaseURL: "api.example.com"})
	require.ErrorContains(t, err, "base_url")
}

func TestClient_SendingHook(t *testing.T) {
	srv, n := scripted(t, []int{200}, nil, `{}`)
	c := newClient(t, srv.URL, Options{})
	var calls []int64
	ctx := connectors.WithSending(context.Background(), func() error {
		calls = append(calls, n.Load()) // requests the server had seen when the hook ran
		return nil
	})
	_, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/read"})
	require.NoError(t, err)
	_, err = c.Do(ctx, Request{Method: http.MethodPost, Path: "/search", Read: true})
	require.NoError(t, err)
	assert.Empty(t, calls, "reads are not marked")
	_, err = c.Do(ctx, Request{Method: http.MethodPost, Path: "/send", Body: map[string]any{"a": 1}})
	require.NoError(t, err)
	assert.Equal(t, []int64{2}, calls, "the write was marked before it reached the server")

	refused := connectors.WithSending(context.Background(), func() error { return errors.New("ledger unavailable") })
	_, err = c.Do(refused, Request{Method: http.MethodPost, Path: "/send"})
	require.ErrorIs(t, err, connectors.ErrNotSent)
	assert.EqualValues(t, 3, n.Load(), "a refused hook keeps the request from leaving")
}
