// This file holds the Sandbox: one loopback HTTP server per vendor imitation, the shared dataset
// they serve, and the middleware that applies rate limits and injected faults before a vendor answers.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// vendor is one imitated API. Each vendor file registers a constructor in init.
type vendor interface {
	http.Handler
	// Throttle writes the vendor's own rate-limit answer (its status, headers and body).
	Throttle(w http.ResponseWriter)
}

var registry = map[string]func(*Sandbox) vendor{}

// register adds a vendor imitation; called from each vendor file's init.
func register(name string, f func(*Sandbox) vendor) { registry[name] = f }

// Vendors lists the registered vendor imitations, sorted.
func Vendors() []string {
	var out []string
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ServerOptions configures Start.
type ServerOptions struct {
	Dataset *Dataset // default Generate(Options{})
	Host    string   // default 127.0.0.1
	// PortBase, when non-zero, serves vendor i (in Vendors() order) on PortBase+i; 0 picks free ports.
	PortBase int
	// Token, when set, is the only credential the imitations accept; otherwise any non-empty one is.
	Token string
	// Only, when set, limits the servers started to these vendors.
	Only []string
	// TokenTTL is the lifetime of the access tokens the imitated token endpoints issue (default
	// 1h); a short one makes long runs renew their tokens.
	TokenTTL time.Duration
}

// Sandbox is a running set of vendor imitations.
type Sandbox struct {
	// URLs maps vendor name to its base URL (what a connector's base_url should be).
	URLs   map[string]string
	Faults *Faults
	Token  string

	mu      sync.RWMutex // guards Data against Touch while serving
	data    *Dataset
	vendors map[string]vendor
	limits  map[string]*rate.Limiter
	stats   map[string]*VendorStats
	servers []*http.Server
	tokens  *tokens
}

// VendorStats counts what one imitation served.
type VendorStats struct {
	Requests  atomic.Int64
	Throttled atomic.Int64 // rate-limit answers sent (enforced limits and injected 429s)
	Faults    atomic.Int64 // injected faults of any kind
}

// Start serves every registered vendor on its own loopback port.
func Start(opts ServerOptions) (*Sandbox, error) {
	if opts.Dataset == nil {
		opts.Dataset = Generate(Options{})
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	sb := &Sandbox{URLs: map[string]string{}, Faults: newFaults(), Token: opts.Token, data: opts.Dataset,
		vendors: map[string]vendor{}, limits: map[string]*rate.Limiter{}, stats: map[string]*VendorStats{},
		tokens: newTokens(opts.TokenTTL)}
	want := map[string]bool{}
	for _, v := range opts.Only {
		want[v] = true
	}
	for i, name := range Vendors() {
		if len(want) > 0 && !want[name] {
			continue
		}
		port := 0
		if opts.PortBase != 0 {
			port = opts.PortBase + i
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(opts.Host, fmt.Sprint(port)))
		if err != nil {
			sb.Close()
			return nil, fmt.Errorf("sandbox: listen for %s: %w", name, err)
		}
		v := registry[name](sb)
		sb.vendors[name] = v
		sb.stats[name] = &VendorStats{}
		srv := &http.Server{Handler: sb.middleware(name, v), ReadHeaderTimeout: 10 * time.Second}
		sb.servers = append(sb.servers, srv)
		sb.URLs[name] = "http://" + ln.Addr().String()
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				panic(fmt.Sprintf("sandbox %s: %v", name, err))
			}
		}()
	}
	return sb, nil
}

// Close stops every server.
func (sb *Sandbox) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, s := range sb.servers {
		_ = s.Shutdown(ctx)
	}
}

// Data returns the dataset for reading; call the returned release func when done.
func (sb *Sandbox) Data() (*Dataset, func()) {
	sb.mu.RLock()
	return sb.data, sb.mu.RUnlock
}

// Update runs f with exclusive access to the dataset (for tests that change records between syncs).
func (sb *Sandbox) Update(f func(*Dataset)) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	f(sb.data)
}

// SetRateLimit makes a vendor imitation enforce rps requests per second (burst b), answering excess
// requests with the vendor's own throttle signal. rps <= 0 removes the limit.
func (sb *Sandbox) SetRateLimit(vendorName string, rps float64, burst int) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if rps <= 0 {
		delete(sb.limits, vendorName)
		return
	}
	sb.limits[vendorName] = rate.NewLimiter(rate.Limit(rps), burst)
}

// Stats returns the counters of one vendor imitation (nil if it is not running).
func (sb *Sandbox) Stats(vendorName string) *VendorStats { return sb.stats[vendorName] }

// Vendor returns a running imitation, for tests that inspect destination state.
func (sb *Sandbox) Vendor(name string) any { return sb.vendors[name] }

func (sb *Sandbox) middleware(name string, v vendor) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sb.serveToken(name, w, r) {
			return // token endpoints are not the API: no limits, no faults, not counted
		}
		st := sb.stats[name]
		st.Requests.Add(1)
		sb.mu.RLock()
		lim := sb.limits[name]
		sb.mu.RUnlock()
		if lim != nil && !lim.Allow() {
			st.Throttled.Add(1)
			v.Throttle(w)
			return
		}
		if f, ok := sb.Faults.next(name, r); ok {
			st.Faults.Add(1)
			if f.Kind == Fault429 {
				st.Throttled.Add(1)
			}
			if f.apply(w, r, v) {
				return
			}
		}
		v.ServeHTTP(w, r)
	})
}
