// This file tests the GA4 source against the sandbox imitation: paging, date ranges, faults, quotas, resume, auth.
package ga4_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/connectortest"
	"github.com/cdpflow/cdpflow/connectors/ga4"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

// clock is the tests' "now": 04:34:56 in Los Angeles on the day DST ends there.
var clock = time.Date(2026, 11, 1, 12, 34, 56, 0, time.UTC)

func startSandbox(t *testing.T, token string) *sandbox.Sandbox {
	return connectortest.StartSandbox(t, 400, token, sandbox.GA4)
}

func newSource(t *testing.T, sb *sandbox.Sandbox, mod func(*ga4.Config)) *ga4.Source {
	t.Helper()
	cfg := ga4.Config{Name: "ga", BaseURL: sb.URLs[sandbox.GA4], Token: "t0k", TokenEnv: "GA4_TOKEN", PropertyID: "properties/123456",
		PageSize: 25, Now: func() time.Time { return clock },
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	src, err := ga4.New(cfg)
	require.NoError(t, err)
	return src
}

// syncAll pages through the report like the engine does (connectortest.SyncAll).
func syncAll(t *testing.T, src connectors.Source, since time.Time) []connectors.Page {
	return connectortest.SyncAll(t, src, record.KindEngagement, since, nil).Pages
}

func refs(pages []connectors.Page) []string {
	var out []string
	for _, p := range pages {
		for _, e := range p.Engagements {
			out = append(out, e.CustomerRef)
		}
	}
	sort.Strings(out)
	return out
}

func wantRefs(sb *sandbox.Sandbox) []string {
	ds, release := sb.Data()
	defer release()
	var out []string
	for _, e := range ds.Sources[sandbox.GA4].Engagements {
		out = append(out, e.CustomerRef)
	}
	sort.Strings(out)
	return out
}

func TestSource_FetchPage(t *testing.T) {
	sb := startSandbox(t, "")
	src := newSource(t, sb, nil)

	t.Run("full sync returns every customer row exactly once", func(t *testing.T) {
		pages := syncAll(t, src, time.Time{})
		assert.Greater(t, len(pages), 3)
		assert.Equal(t, wantRefs(sb), refs(pages), "(not set) is no customer")
		for _, p := range pages {
			assert.Equal(t, 1, p.Requests)
		}
	})
	t.Run("metrics and date range", func(t *testing.T) {
		got := map[string]record.Engagement{}
		for _, p := range syncAll(t, src, time.Time{}) {
			for _, e := range p.Engagements {
				got[e.CustomerRef] = e
			}
		}
		ds, release := sb.Data()
		defer release()
		for _, e := range ds.Sources[sandbox.GA4].Engagements {
			assert.Equal(t, record.Engagement{Source: "ga", CustomerRef: e.CustomerRef, StartDate: "2025-11-01", EndDate: "2026-10-31",
				Metrics: map[string]float64{"sessions": float64(e.Sessions), "addToCarts": float64(e.AddToCarts), "ecommercePurchases": float64(e.Purchases)}},
				got[e.CustomerRef])
		}
	})
	t.Run("configured metrics, dates and time zone", func(t *testing.T) {
		custom := newSource(t, sb, func(c *ga4.Config) {
			c.Metrics = []string{"sessions"}
			c.StartDate, c.EndDate = "30daysAgo", "today"
			c.TimeZone = "Pacific/Kiritimati" // UTC+14: already 2 November there
		})
		pages := syncAll(t, custom, time.Time{})
		require.NotEmpty(t, pages[0].Engagements)
		e := pages[0].Engagements[0]
		assert.Equal(t, "2026-10-03", e.StartDate)
		assert.Equal(t, "2026-11-02", e.EndDate)
		assert.Len(t, e.Metrics, 1)
	})
	t.Run("unknown kind", func(t *testing.T) {
		_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
		assert.ErrorContains(t, err, "unsupported kind")
	})
	t.Run("a dimension the property lacks is a non-retryable 400", func(t *testing.T) {
		bad := newSource(t, sb, func(c *ga4.Config) { c.CustomerDimension = "customUser:nope" })
		_, err := bad.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement})
		he, ok := httpx.AsError(err)
		require.True(t, ok, "want *httpx.Error, got %v", err)
		assert.Equal(t, 400, he.Status)
		assert.Equal(t, "INVALID_ARGUMENT", he.Code)
		assert.False(t, he.Retryable())
		assert.Contains(t, err.Error(), "customUser:nope")
	})
}

func TestSource_Incremental(t *testing.T) {
	sb := startSandbox(t, "")
	src := newSource(t, sb, nil)
	t.Run("Since becomes the report's start date", func(t *testing.T) {
		pages := syncAll(t, src, time.Date(2026, 10, 20, 23, 0, 0, 0, time.UTC))
		assert.Equal(t, wantRefs(sb), refs(pages), "the sandbox's rows are undated: all customers report")
		for _, p := range pages {
			for _, e := range p.Engagements {
				require.Equal(t, "2026-10-20", e.StartDate)
				require.Equal(t, "2026-10-31", e.EndDate)
			}
		}
	})
	t.Run("Since before the configured start keeps the configured start", func(t *testing.T) {
		pages := syncAll(t, src, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
		assert.Equal(t, "2025-11-01", pages[0].Engagements[0].StartDate)
	})
	t.Run("Since after the end date reports nothing, without a request", func(t *testing.T) {
		before := sb.Stats(sandbox.GA4).Requests.Load()
		page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Since: clock})
		require.NoError(t, err)
		assert.True(t, page.Done)
		assert.Zero(t, page.Len())
		assert.Equal(t, before, sb.Stats(sandbox.GA4).Requests.Load())
	})
	t.Run("an empty report ends at once", func(t *testing.T) {
		sb := startSandbox(t, "")
		sb.Update(func(d *sandbox.Dataset) { d.Sources[sandbox.GA4].Engagements = nil })
		pages := syncAll(t, newSource(t, sb, nil), time.Time{})
		require.Len(t, pages, 1)
		assert.Zero(t, pages[0].Len())
	})
}

func TestSource_Faults(t *testing.T) {
	tests := []struct {
		name  string
		fault sandbox.Fault
	}{
		{"500s", sandbox.Fault{Kind: sandbox.Fault500, Every: 2}},
		{"GA4 429 (concurrent requests)", sandbox.Fault{Kind: sandbox.Fault429, Every: 2}},
		{"slow", sandbox.Fault{Kind: sandbox.FaultSlow, Every: 3, Delay: 30 * time.Millisecond}},
		{"truncated JSON", sandbox.Fault{Kind: sandbox.FaultTruncate, Every: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := startSandbox(t, "")
			src := newSource(t, sb, nil)
			sb.Faults.Set(sandbox.GA4, tt.fault)
			assert.Equal(t, wantRefs(sb), refs(syncAll(t, src, time.Time{})))
			assert.Positive(t, sb.Faults.Fired(sandbox.GA4))
		})
	}
	t.Run("a truncated page is asked again; one that stays malformed fails for good", func(t *testing.T) {
		sb := startSandbox(t, "")
		src := newSource(t, sb, nil)
		first, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement})
		require.NoError(t, err)
		sb.Faults.Set(sandbox.GA4, sandbox.Fault{Kind: sandbox.FaultTruncate, Times: 1})
		page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: first.Next})
		require.NoError(t, err)
		assert.NotEmpty(t, page.Engagements)
		sb.Faults.Set(sandbox.GA4, sandbox.Fault{Kind: sandbox.FaultTruncate})
		_, err = src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: first.Next})
		he, ok := httpx.AsError(err)
		require.True(t, ok, "want *httpx.Error, got %v", err)
		assert.False(t, he.Retryable())
		_, quota := ga4.QuotaReset(err)
		assert.False(t, quota)
	})
	t.Run("a 429 for concurrent requests is no quota wait", func(t *testing.T) {
		sb := startSandbox(t, "")
		src := newSource(t, sb, nil)
		sb.Faults.Set(sandbox.GA4, sandbox.Fault{Kind: sandbox.Fault429})
		_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement})
		he, ok := httpx.AsError(err)
		require.True(t, ok, "want *httpx.Error, got %v", err)
		assert.True(t, he.Throttled)
		assert.Equal(t, "RESOURCE_EXHAUSTED", he.Code)
		_, quota := ga4.QuotaReset(err)
		assert.False(t, quota)
		assert.Equal(t, int64(3), sb.Stats(sandbox.GA4).Requests.Load(), "retried inside the call")
	})
}

func TestSource_Quota(t *testing.T) {
	tests := []struct {
		name      string
		exhaust   func(*sandbox.Sandbox, int)
		wantReset time.Time
	}{
		{"hourly quota waits for the next hour", sandbox.GA4Quota, time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC)},
		// 04:34 PST on 1 November: the next Los Angeles midnight is 08:00 UTC on 2 November
		{"daily quota waits for midnight in Los Angeles", sandbox.GA4DailyQuota, time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := startSandbox(t, "")
			src := newSource(t, sb, nil)
			tt.exhaust(sb, 2)
			var got []connectors.Page
			cur := ""
			for i := 0; i < 2; i++ {
				p, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: cur})
				require.NoError(t, err)
				got = append(got, p)
				cur = p.Next
			}
			before := sb.Stats(sandbox.GA4).Requests.Load()
			_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: cur})
			require.Error(t, err)
			assert.Equal(t, before+1, sb.Stats(sandbox.GA4).Requests.Load(), "a quota wait is not slept inside the call")
			reset, ok := ga4.QuotaReset(err)
			require.True(t, ok, "want a quota error, got %v", err)
			assert.True(t, reset.Equal(tt.wantReset), "reset %s", reset)
			he, ok := httpx.AsError(err)
			require.True(t, ok)
			assert.True(t, he.Throttled)
			assert.True(t, he.Retryable())
			assert.Equal(t, "RESOURCE_EXHAUSTED", he.Code)
			assert.Equal(t, tt.wantReset.Sub(clock), he.RetryAfter)
			assert.Contains(t, err.Error(), "resets at "+tt.wantReset.Format(time.RFC3339))

			// after the wait the pass goes on from the same cursor
			sandbox.GA4ResetQuota(sb)
			tt.exhaust(sb, 0)
			rest := syncAll(t, src, time.Time{}) // a fresh pass for comparison
			resumed, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: cur})
			require.NoError(t, err)
			assert.Equal(t, rest[2], resumed)
			assert.Equal(t, rest[:2], got)
		})
	}
}

func TestSource_Resume(t *testing.T) {
	sb := startSandbox(t, "")
	src := newSource(t, sb, nil)
	var pages []connectors.Page
	cur := ""
	for i := 0; i < 3; i++ {
		p, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: cur})
		require.NoError(t, err)
		require.False(t, p.Done)
		pages = append(pages, p)
		cur = p.Next
	}
	t.Run("an earlier cursor returns the same page", func(t *testing.T) {
		again, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: pages[1].Next})
		require.NoError(t, err)
		assert.Equal(t, pages[2], again)
	})
	t.Run("the cursor keeps its dates when resumed days later with another Since", func(t *testing.T) {
		later := newSource(t, sb, func(c *ga4.Config) { c.Now = func() time.Time { return clock.AddDate(0, 0, 3) } })
		again, err := later.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: pages[1].Next, Since: clock})
		require.NoError(t, err)
		assert.Equal(t, pages[2], again)
	})
	t.Run("foreign cursor", func(t *testing.T) {
		_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement, Cursor: "12"})
		assert.ErrorContains(t, err, "bad page cursor")
	})
}

func TestNew_Validation(t *testing.T) {
	base := func(mod func(*ga4.Config)) ga4.Config {
		c := ga4.Config{Token: "x", TokenEnv: "GA4_TOKEN", PropertyID: "123"}
		mod(&c)
		return c
	}
	tests := []struct {
		name string
		cfg  ga4.Config
		want string
	}{
		{"no token", base(func(c *ga4.Config) { c.Token = "" }), "$GA4_TOKEN"},
		{"no property", base(func(c *ga4.Config) { c.PropertyID = "" }), "property_id"},
		{"measurement id is no property id", base(func(c *ga4.Config) { c.PropertyID = "G-ABC123" }), "property_id"},
		{"bad start date", base(func(c *ga4.Config) { c.StartDate = "last year" }), "start_date"},
		{"bad end date", base(func(c *ga4.Config) { c.EndDate = "2024/01/01" }), "end_date"},
		{"bad time zone", base(func(c *ga4.Config) { c.TimeZone = "Mars/Olympus" }), "time_zone"},
		{"page size", base(func(c *ga4.Config) { c.PageSize = 250001 }), "page_size"},
		{"empty metric", base(func(c *ga4.Config) { c.Metrics = []string{"sessions", " "} }), "metrics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ga4.New(tt.cfg)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	t.Run("defaults", func(t *testing.T) {
		src, err := ga4.New(base(func(*ga4.Config) {}))
		require.NoError(t, err)
		assert.Equal(t, []record.Kind{record.KindEngagement}, src.Kinds())
	})
}
