// Tests of Shopify customer and order paging against the sandbox: full, incremental, faults, resume, pacing, auth.
package shopify

import (
	"context"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/connectortest"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

const testToken = "shpat_test"

func startSandbox(t testing.TB, people int) *sandbox.Sandbox {
	sb := connectortest.StartSandbox(t, people, testToken, sandbox.Shopify)
	sb.SetShopifyBucket(40, 1000) // tests page faster than a real shop's 2 calls/s
	return sb
}

func newSource(t testing.TB, sb *sandbox.Sandbox, mod func(*Config)) *Source {
	t.Helper()
	cfg := Config{Name: "shop", BaseURL: sb.URLs[sandbox.Shopify], Token: testToken, PageSize: 50}
	if mod != nil {
		mod(&cfg)
	}
	src, err := New(cfg)
	require.NoError(t, err)
	return src
}

type syncResult struct {
	ids     []string // record ids in arrival order
	pages   []connectors.Page
	cursors []string
	errs    []error
}

func syncAll(t testing.TB, src connectors.Source, kind record.Kind, since time.Time) syncResult {
	s := connectortest.SyncAll(t, src, kind, since, nil)
	res := syncResult{pages: s.Pages, cursors: s.Cursors, errs: s.Errs}
	for _, c := range s.Customers() {
		res.ids = append(res.ids, c.SourceID)
	}
	for _, o := range s.Orders() {
		res.ids = append(res.ids, o.ID)
	}
	return res
}

func sorted(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.Strings(out)
	return out
}

func wantIDs(sb *sandbox.Sandbox, kind record.Kind, since time.Time) []string {
	ds, release := sb.Data()
	defer release()
	var out []string
	sd := ds.Sources[sandbox.Shopify]
	if kind == record.KindCustomer {
		for _, c := range sd.Contacts {
			if !c.Archived && !c.UpdatedAt.Before(since) {
				out = append(out, c.ID)
			}
		}
	} else {
		for _, o := range sd.Orders {
			if !o.UpdatedAt.Before(since) {
				out = append(out, o.ID)
			}
		}
	}
	sort.Strings(out)
	return out
}

func pageReq(k record.Kind) connectors.PageRequest { return connectors.PageRequest{Kind: k} }

var kinds = []record.Kind{record.KindCustomer, record.KindOrder}

func TestSource_FetchPage_FullSync(t *testing.T) {
	sb := startSandbox(t, 400)
	for _, kind := range kinds {
		for _, size := range []int{50, 250, 13} {
			t.Run(string(kind)+"/"+strconv.Itoa(size), func(t *testing.T) {
				res := syncAll(t, newSource(t, sb, func(c *Config) { c.PageSize = size }), kind, time.Time{})
				assert.Equal(t, wantIDs(sb, kind, time.Time{}), sorted(res.ids), "every record exactly once")
				for i, p := range res.pages {
					assert.Equal(t, 1, p.Requests)
					if !p.Done {
						assert.Equal(t, size, p.Len(), "page %d", i)
					}
				}
			})
		}
	}
}

func TestSource_FetchPage_Incremental(t *testing.T) {
	sb := startSandbox(t, 400)
	ds, release := sb.Data()
	sd := ds.Sources[sandbox.Shopify]
	sinceC := sd.Contacts[len(sd.Contacts)/2].UpdatedAt
	sinceO := sd.Orders[len(sd.Orders)/2].UpdatedAt
	release()
	touched := map[string]bool{}
	sb.Update(func(ds *sandbox.Dataset) {
		sd := ds.Sources[sandbox.Shopify]
		for i := 0; i < 10; i++ {
			sd.Contacts[i*4].UpdatedAt = sinceC.Add(time.Duration(i) * time.Minute)
			touched[sd.Contacts[i*4].ID] = true
			sd.Orders[i*4].UpdatedAt = sinceO.Add(time.Duration(i) * time.Minute)
			touched[sd.Orders[i*4].ID] = true
		}
	})
	for _, tt := range []struct {
		kind  record.Kind
		since time.Time
	}{{record.KindCustomer, sinceC}, {record.KindOrder, sinceO}} {
		t.Run(string(tt.kind), func(t *testing.T) {
			res := syncAll(t, newSource(t, sb, nil), tt.kind, tt.since)
			want := wantIDs(sb, tt.kind, tt.since)
			assert.Equal(t, want, sorted(res.ids))
			assert.Greater(t, len(res.pages), 1)
			n := 0
			for _, id := range res.ids {
				if touched[id] {
					n++
				}
			}
			assert.Equal(t, 10, n, "touched records come back")
		})
	}
}

func TestSource_FetchPage_Pacing(t *testing.T) {
	// A small, slowly leaking bucket: the call-limit header makes the client pause instead of
	// running into 429s.
	sb := startSandbox(t, 150)
	sb.SetShopifyBucket(8, 20)
	src := newSource(t, sb, func(c *Config) { c.PageSize = 10; c.LeakRate = 20 })
	res := syncAll(t, src, record.KindOrder, time.Time{})
	assert.Equal(t, wantIDs(sb, record.KindOrder, time.Time{}), sorted(res.ids))
	assert.Greater(t, len(res.pages), 12, "enough requests to fill the bucket")
	assert.Zero(t, sb.Stats(sandbox.Shopify).Throttled.Load(), "no 429s")
	assert.Zero(t, src.HTTPStats().Throttled)
}

func TestSource_FetchPage_BadRequests(t *testing.T) {
	sb := startSandbox(t, 20)
	src := newSource(t, sb, nil)
	page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
	require.NoError(t, err)
	require.True(t, page.Done, "20 people fit on one page")
	tests := []struct {
		name string
		req  connectors.PageRequest
		want string
	}{
		{"unknown kind", connectors.PageRequest{Kind: record.KindEngagement}, "no \"engagements\" records"},
		{"cursor of the other kind", connectors.PageRequest{Kind: record.KindOrder, Cursor: `{"v":1,"kind":"customers","page_info":"x"}`}, "used to fetch"},
		{"garbage cursor", connectors.PageRequest{Kind: record.KindOrder, Cursor: "nope"}, "not a Shopify cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := src.FetchPage(context.Background(), tt.req)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{BaseURL: "https://s.myshopify.com"}, "$SHOPIFY_TOKEN"},
		{"no shop", Config{Token: "t"}, "shop URL"},
		{"bad version", Config{Token: "t", BaseURL: "https://s.myshopify.com", APIVersion: "v1"}, "api_version"},
		{"page too big", Config{Token: "t", BaseURL: "https://s.myshopify.com", PageSize: 251}, "page_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	s, err := New(Config{Token: "t", BaseURL: "https://s.myshopify.com"})
	require.NoError(t, err)
	assert.Equal(t, kinds, s.Kinds())
	assert.Equal(t, DefaultAPIVersion, s.cfg.APIVersion)
	assert.Equal(t, 250, s.cfg.PageSize)
}

func TestOrdersWithoutReadAllOrdersAreFlagged(t *testing.T) {
	sb := startSandbox(t, 200)
	full := syncAll(t, newSource(t, sb, nil), record.KindOrder, time.Time{})
	require.Empty(t, full.errs)

	sb.SetScopes(sandbox.Shopify, []string{"read_customers", "read_orders"})
	src := newSource(t, sb, nil)
	cut := syncAll(t, src, record.KindOrder, time.Time{})
	require.Empty(t, cut.errs)
	assert.Less(t, len(cut.ids), len(full.ids), "the imitation returns only 60 days of orders without read_all_orders")
	require.Len(t, src.Warnings(), 1)
	assert.Contains(t, src.Warnings()[0], "read_all_orders")

	// An incremental read inside the window loses nothing and warns of nothing.
	recent := newSource(t, sb, nil)
	_ = syncAll(t, recent, record.KindOrder, time.Now().Add(-24*time.Hour))
	assert.Empty(t, recent.Warnings())

	rep := src.Check(context.Background(), true)
	require.NoError(t, rep.Err())
	assert.Len(t, rep.Warnings, 1)

	sb.SetScopes(sandbox.Shopify, []string{"read_orders"})
	rep = newSource(t, sb, nil).Check(context.Background(), false)
	require.ErrorContains(t, rep.Err(), "read_customers")
}

func TestUnsupportedVersionIsFlagged(t *testing.T) {
	sb := startSandbox(t, 30)
	src := newSource(t, sb, func(c *Config) { c.APIVersion = "2024-07" })
	res := syncAll(t, src, record.KindCustomer, time.Time{})
	require.Empty(t, res.errs)
	require.NotEmpty(t, src.Warnings())
	assert.Contains(t, src.Warnings()[0], "2026-01", "Shopify answers with its oldest supported version")
	require.ErrorContains(t, src.Check(context.Background(), true).Err(), "no longer supports")
	expired, _ := apiVersion("2024-07").Support(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	assert.True(t, expired)
	_, warn := apiVersion("2026-01").Support(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	assert.Contains(t, warn, "2027-01-01")
}
