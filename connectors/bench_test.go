// This file holds the extraction throughput benchmark against the rate-limited HubSpot sandbox.
package connectors_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/connectors/hubspot"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

// stripRateHeaders hides HubSpot's usage headers, leaving the client only the 429s to go by.
type stripRateHeaders struct{ base http.RoundTripper }

func (s stripRateHeaders) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(r)
	if resp != nil {
		for k := range resp.Header {
			if strings.HasPrefix(strings.ToLower(k), "x-hubspot-ratelimit") {
				resp.Header.Del(k)
			}
		}
	}
	return resp, err
}

// clientBurst lets the client make up one slot lost to a slow round trip; the server's burst (4,
// standing in for HubSpot's ten-second rolling window) absorbs it.
const clientBurst = 2

// BenchmarkExtract_RateLimited pages HubSpot contacts (full sync, 100 per page) from a sandbox that
// enforces a server rate with HubSpot's own 429s, using a client configured for a client rate. After
// a few warm-up pages it reports the sustained request and page rates, the page rate as a fraction
// of the server's limit ("ratio"), the 429s the whole run caused, and calls that failed after the
// transport's retries. Run with:
//
//	go test ./connectors -run '^$' -bench BenchmarkExtract_RateLimited -benchtime 1x
func BenchmarkExtract_RateLimited(b *testing.B) {
	ds := sandbox.Generate(sandbox.Options{People: 15000}) // about 10,800 HubSpot contacts: 108 pages
	cases := []struct {
		name              string
		client, server    float64
		serverBurst       int
		pages             int
		stripUsageHeaders bool
	}{
		{"R=10", 10, 10, 4, 30, false},
		{"R=50", 50, 50, 4, 100, false},
		{"client=20_server=10", 20, 10, 4, 30, false},
		{"client=20_server=10_no_usage_headers", 20, 10, 4, 30, true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: ds, Only: []string{sandbox.HubSpot}, Token: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			defer sb.Close()
			var elapsed time.Duration
			var requests, pages, throttled, callErrors int64
			for i := 0; i < b.N; i++ {
				sb.SetRateLimit(sandbox.HubSpot, tc.server, tc.serverBurst) // a fresh server bucket each round
				cfg := hubspot.Config{BaseURL: sb.URLs[sandbox.HubSpot], Token: "bench", RequestsPerSecond: tc.client, Burst: clientBurst}
				if tc.stripUsageHeaders {
					cfg.HTTP = stripRateHeaders{base: http.DefaultTransport}
				}
				src, err := hubspot.New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				before := sb.Stats(sandbox.HubSpot).Throttled.Load()
				// Warm-up pages drain the client's and the server's bursts, so the clock measures the
				// sustained rate.
				warmup := tc.serverBurst + clientBurst
				var start time.Time
				var reqsAtStart int64
				cur := ""
				for p := 0; p < warmup+tc.pages; {
					if p == warmup && start.IsZero() {
						start, reqsAtStart = time.Now(), src.HTTPStats().Requests
					}
					page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: cur})
					if err != nil {
						if he, ok := httpx.AsError(err); ok && he.Retryable() {
							callErrors++ // the activity would retry the page
							continue
						}
						b.Fatal(err)
					}
					p++
					cur = page.Next
					if page.Done {
						cur = ""
					}
				}
				elapsed += time.Since(start)
				requests += src.HTTPStats().Requests - reqsAtStart
				pages += int64(tc.pages)
				throttled += sb.Stats(sandbox.HubSpot).Throttled.Load() - before
			}
			secs := elapsed.Seconds()
			b.ReportMetric(float64(requests)/secs, "req/s")
			b.ReportMetric(float64(pages)/secs, "pages/s")
			b.ReportMetric(float64(pages)/secs/tc.server, "ratio")
			b.ReportMetric(float64(throttled)/float64(b.N), "429s")
			b.ReportMetric(float64(callErrors)/float64(b.N), "failed_calls")
		})
	}
}
