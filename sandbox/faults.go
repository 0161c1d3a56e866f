// This file holds switchable fault injection: each vendor's own 429, 500s, slow answers and truncated JSON.
package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// FaultKind is what an injected fault does.
type FaultKind string

// Fault kinds.
const (
	Fault429      FaultKind = "429"      // the vendor's own rate-limit signal (Throttle)
	Fault500      FaultKind = "500"      // HTTP 500 with a JSON error body
	FaultSlow     FaultKind = "slow"     // wait Delay, then answer normally
	FaultTruncate FaultKind = "truncate" // answer normally but cut the body in half (broken JSON)
	// FaultEcho400 refuses the request with a 400 whose error message quotes the request body and
	// path, as vendors do ("… looks fake or invalid", a ValidationError naming the address, a
	// subscriber hash in the path): a hostile answer for tests that look for PII leaks.
	FaultEcho400 FaultKind = "echo400"
)

// Fault says which requests of a vendor fail and how.
type Fault struct {
	Kind FaultKind
	// Every fires the fault on every Every-th matching request (1 = each one; default 1).
	Every int
	// Times stops the fault after it fired this many times (0 = no end).
	Times int
	// Delay is the wait for FaultSlow.
	Delay time.Duration
	// PathContains restricts the fault to requests whose path contains it ("" = all).
	PathContains string
	// Method restricts the fault to one HTTP method ("" = all).
	Method string
	// Skip lets the first Skip matching requests through (a run's pre-flight check, say).
	Skip int

	seen, fired int
}

// Faults holds the active faults per vendor. Safe for concurrent use.
type Faults struct {
	mu sync.Mutex
	by map[string][]*Fault
}

func newFaults() *Faults { return &Faults{by: map[string][]*Fault{}} }

// Set replaces a vendor's faults.
func (f *Faults) Set(vendorName string, faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []*Fault
	for i := range faults {
		ff := faults[i]
		if ff.Every <= 0 {
			ff.Every = 1
		}
		list = append(list, &ff)
	}
	f.by[vendorName] = list
}

// Clear removes a vendor's faults.
func (f *Faults) Clear(vendorName string) { f.Set(vendorName) }

// Fired returns how many times the vendor's faults fired in total.
func (f *Faults) Fired(vendorName string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, ff := range f.by[vendorName] {
		n += ff.fired
	}
	return n
}

func (f *Faults) next(vendorName string, r *http.Request) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ff := range f.by[vendorName] {
		if ff.PathContains != "" && !strings.Contains(r.URL.Path, ff.PathContains) || ff.Method != "" && ff.Method != r.Method {
			continue
		}
		if ff.Times > 0 && ff.fired >= ff.Times {
			continue
		}
		ff.seen++
		if ff.seen <= ff.Skip || (ff.seen-ff.Skip)%ff.Every != 0 {
			continue
		}
		ff.fired++
		return *ff, true
	}
	return Fault{}, false
}

// apply performs the fault; it reports whether the answer has been written.
func (f Fault) apply(w http.ResponseWriter, r *http.Request, v vendor) bool {
	switch f.Kind {
	case Fault429:
		v.Throttle(w)
		return true
	case Fault500:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"status":"error","message":"sandbox: injected internal error"}`))
		return true
	case FaultEcho400:
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		msg, _ := json.Marshal(fmt.Sprintf("%s is invalid: %s", r.URL.Path, body))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"status":"error","code":-2,"name":"ValidationError","title":"Invalid Resource","type":"invalid","detail":%s,"message":%s,"error":{"message":%s,"code":100}}`, msg, msg, msg)
		return true
	case FaultSlow:
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
		return false
	case FaultTruncate:
		rec := &captureWriter{header: http.Header{}}
		v.ServeHTTP(rec, r)
		for k, vs := range rec.header {
			w.Header()[k] = vs
		}
		w.Header().Del("Content-Length")
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		body := rec.buf.Bytes()
		_, _ = w.Write(body[:len(body)/2])
		return true
	}
	return false
}

type captureWriter struct {
	header http.Header
	buf    bytes.Buffer
	status int
}

func (c *captureWriter) Header() http.Header         { return c.header }
func (c *captureWriter) Write(b []byte) (int, error) { return c.buf.Write(b) }
func (c *captureWriter) WriteHeader(s int)           { c.status = s }
