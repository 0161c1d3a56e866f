package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors/auth"
)

// fakeToken hands out numbered tokens; Renew moves to the next one.
type fakeToken struct {
	mu       sync.Mutex
	n        int
	renews   int
	instance string
	static   bool
}

func (f *fakeToken) Token(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return "tok-" + string(rune('0'+f.n)), nil
}
func (f *fakeToken) Renew() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.static {
		return false
	}
	f.n++
	f.renews++
	return true
}
func (f *fakeToken) Instance() string { return f.instance }
func (f *fakeToken) Describe() string { return "the token in $T" }

var _ auth.Token = (*fakeToken)(nil)

func bearer(r *http.Request, tok string) { r.Header.Set("Authorization", "Bearer "+tok) }

// expiringServer accepts only the token named good; others get 401.
func expiringServer(t *testing.T, good *atomic.Value, seen *[]string, mu *sync.Mutex) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*seen = append(*seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+good.Load().(string) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"expired"}`))
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTokenRenewedOnceOn401(t *testing.T) {
	var good atomic.Value
	good.Store("tok-1")
	var seen []string
	var mu sync.Mutex
	srv := expiringServer(t, &good, &seen, &mu)
	tok := &fakeToken{}
	c := newClient(t, srv.URL, Options{Token: tok, Authorize: bearer})
	_, err := c.Do(context.Background(), Request{Method: "POST", Path: "/x", Body: map[string]int{"a": 1}})
	require.NoError(t, err)
	assert.Equal(t, []string{"Bearer tok-0", "Bearer tok-1"}, seen, "one 401, one renewal, the call repeated with the new token")

	// A token the vendor keeps refusing is renewed once, not in a loop.
	good.Store("never")
	seen = nil
	_, err = c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
	he, ok := AsError(err)
	require.True(t, ok)
	assert.Equal(t, 401, he.Status)
	assert.False(t, he.Retryable())
	assert.Len(t, seen, 2)
	assert.Contains(t, err.Error(), "$T")
}

func TestStaticTokenIsNotRetriedOn401(t *testing.T) {
	var good atomic.Value
	good.Store("other")
	var seen []string
	var mu sync.Mutex
	srv := expiringServer(t, &good, &seen, &mu)
	c := newClient(t, srv.URL, Options{Token: &fakeToken{static: true}, Authorize: bearer})
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
	require.Error(t, err)
	assert.Len(t, seen, 1, "a static token cannot be renewed: never repeat a 401 with the same token")
}

func TestVendorExpiredHook(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":{"code":190}}`))
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	tok := &fakeToken{}
	c := newClient(t, srv.URL, Options{Token: tok, Authorize: bearer, Vendor: Vendor{
		ParseError: func(int, []byte) (string, string) { return "190", "expired" },
		Permanent:  func(int, string) bool { return true },
		Expired:    func(status int, code string) bool { return code == "190" },
	}})
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/x"})
	require.NoError(t, err)
	assert.Equal(t, 1, tok.renews)
}

func TestCredentialsStayOnTheVendorsHost(t *testing.T) {
	var foreignAuth atomic.Value
	foreignAuth.Store("")
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreignAuth.Store(r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{}`))
	}))
	defer foreign.Close()
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, foreign.URL+"/x", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer vendor.Close()
	c := newClient(t, vendor.URL, Options{Token: &fakeToken{}, Authorize: bearer})

	_, err := c.Do(context.Background(), Request{Method: "GET", Path: foreign.URL + "/next?page=2"})
	require.Error(t, err, "an absolute next-page link on another host is refused")
	he, _ := AsError(err)
	assert.False(t, he.Retryable())

	_, err = c.Do(context.Background(), Request{Method: "GET", Path: "/redirect"})
	require.Error(t, err, "a redirect to another host is not followed")
	assert.True(t, strings.Contains(err.Error(), "redirect"), err.Error())
	assert.Equal(t, "", foreignAuth.Load(), "the foreign host never saw the credential")
}

func TestBaseFromTokenInstance(t *testing.T) {
	var hit atomic.Int64
	instance := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit.Add(1)
		assert.Equal(t, "Bearer tok-0", r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{}`))
	}))
	defer instance.Close()
	login := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the API call went to the configured host instead of the instance")
	}))
	defer login.Close()
	c := newClient(t, login.URL, Options{Token: &fakeToken{instance: instance.URL}, Authorize: bearer, BaseFromToken: true})
	_, err := c.Do(context.Background(), Request{Method: "GET", Path: "/services/data"})
	require.NoError(t, err)
	assert.EqualValues(t, 1, hit.Load())
}
