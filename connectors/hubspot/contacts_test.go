// Tests of HubSpot contact paging against the sandbox: full, incremental, cap, faults, resume, auth.
package hubspot

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/connectortest"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

const testToken = "hs-test-token"

// startSandbox starts the HubSpot imitation without its search limit, so paging tests run fast;
// TestSearchIsPacedToHubSpotsLimit keeps it.
func startSandbox(t testing.TB, people int) *sandbox.Sandbox {
	sb := connectortest.StartSandbox(t, people, testToken, sandbox.HubSpot)
	sb.SetHubSpotSearchLimit(0)
	return sb
}

func newSource(t testing.TB, sb *sandbox.Sandbox, mod func(*Config)) *Source {
	t.Helper()
	cfg := Config{Name: "crm", BaseURL: sb.URLs[sandbox.HubSpot], Token: testToken, PageSize: 50, SearchPageSize: 50,
		SearchRequestsPerSecond: 1000}
	if mod != nil {
		mod(&cfg)
	}
	src, err := New(cfg)
	require.NoError(t, err)
	return src
}

type syncResult struct {
	customers []record.Customer
	cursors   []string // cursors[i] is the cursor page i was fetched with
	pages     []connectors.Page
	errs      []error // retryable errors survived by re-calling with the same cursor
}

// syncAll pages through the contacts as the activity does (connectortest.SyncAll).
func syncAll(t testing.TB, src connectors.Source, since time.Time) syncResult {
	s := connectortest.SyncAll(t, src, record.KindCustomer, since, nil)
	return syncResult{customers: s.Customers(), cursors: s.Cursors, pages: s.Pages, errs: s.Errs}
}

func ids(cs []record.Customer) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.SourceID)
	}
	sort.Strings(out)
	return out
}

// wantIDs lists the dataset contacts with UpdatedAt >= since: live ones, then archived ones
// (deletions, read from the archived list after the live contacts).
func wantIDs(sb *sandbox.Sandbox, since time.Time) []string {
	ds, release := sb.Data()
	defer release()
	var out []string
	for _, c := range ds.Sources[sandbox.HubSpot].Contacts {
		if !c.UpdatedAt.Before(since) {
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}

func TestSource_FetchPage_FullSync(t *testing.T) {
	sb := startSandbox(t, 300)
	var archived string
	sb.Update(func(ds *sandbox.Dataset) {
		cs := ds.Sources[sandbox.HubSpot].Contacts
		cs[7].Archived = true
		archived = cs[7].ID
	})
	tests := []struct {
		name     string
		pageSize int
	}{{"page size 50", 50}, {"page size 100", 100}, {"page size 7", 7}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(t, sb, func(c *Config) { c.PageSize = tt.pageSize })
			res := syncAll(t, src, time.Time{})
			got := ids(res.customers)
			assert.Equal(t, wantIDs(sb, time.Time{}), got, "every contact exactly once")
			for _, c := range res.customers {
				assert.Equal(t, c.SourceID == archived, c.Deleted, "an archived contact comes as a deletion, the others not: %s", c.SourceID)
			}
			assert.Greater(t, len(res.pages), 1)
			for i, p := range res.pages {
				assert.Equal(t, 1, p.Requests, "page %d", i)
				next, err := decodeCursor(p.Next, time.Time{})
				if !p.Done && err == nil && next.List != nil {
					assert.Len(t, p.Customers, tt.pageSize, "page %d", i)
				}
			}
		})
	}
}

func TestSource_FetchPage_Incremental(t *testing.T) {
	sb := startSandbox(t, 400)
	ds, release := sb.Data()
	cs := ds.Sources[sandbox.HubSpot].Contacts
	since := cs[len(cs)/2].UpdatedAt // contacts are sorted by UpdatedAt
	release()

	// Touch a few old contacts so they fall inside the window, and give a run of contacts one
	// shared timestamp that straddles page boundaries.
	touched := map[string]bool{}
	tie := since.Add(time.Hour)
	sb.Update(func(ds *sandbox.Dataset) {
		cs := ds.Sources[sandbox.HubSpot].Contacts
		for i := 0; i < 15; i++ {
			cs[i*3].UpdatedAt = since.Add(time.Duration(i) * time.Minute)
			touched[cs[i*3].ID] = true
		}
		for i := 100; i < 180; i++ {
			cs[i].UpdatedAt = tie
		}
	})

	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"keyset restart every page", nil},
		{"offset paging within a 10000 window", func(c *Config) { c.RestartSearchAfter = 10000 }},
		{"restart every other page", func(c *Config) { c.RestartSearchAfter = 100 }},
		{"page smaller than the tie group", func(c *Config) { c.SearchPageSize = 20 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(t, sb, tt.mod)
			res := syncAll(t, src, since)
			got := ids(res.customers)
			assert.Equal(t, wantIDs(sb, since), got, "exactly the contacts modified at or after since, once each")
			for id := range touched {
				assert.Contains(t, got, id)
			}
			for _, c := range res.customers {
				assert.False(t, c.UpdatedAt.Before(since), "contact %s updated %s before since", c.SourceID, c.UpdatedAt)
			}
		})
	}
}

func TestSource_FetchPage_ModifiedDuringSync(t *testing.T) {
	// Keyset paging (the default) loses nothing when a contact already returned is modified while
	// the sync pages: it moves behind the cursor instead of shifting every later offset.
	sb := startSandbox(t, 300)
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	want := wantIDs(sb, since)
	src := newSource(t, sb, nil)
	var got []record.Customer
	cur := ""
	for i := 0; ; i++ {
		p, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: cur, Since: since})
		require.NoError(t, err)
		got = append(got, p.Customers...)
		if i == 0 {
			moved := p.Customers[3].SourceID
			sb.Update(func(ds *sandbox.Dataset) {
				for j, c := range ds.Sources[sandbox.HubSpot].Contacts {
					if c.ID == moved {
						ds.Sources[sandbox.HubSpot].Contacts[j].UpdatedAt = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
					}
				}
			})
		}
		if p.Done {
			break
		}
		cur = p.Next
	}
	seen := map[string]int{}
	for _, c := range got {
		seen[c.SourceID]++
	}
	for _, id := range want {
		assert.Positive(t, seen[id], "contact %s skipped", id)
	}
	assert.Len(t, seen, len(want))
	assert.Len(t, got, len(want)+1, "only the modified contact comes twice (old and new version)")
}

func TestSource_FetchPage_SearchCap(t *testing.T) {
	if testing.Short() {
		t.Skip("generates over 10,000 contacts")
	}
	sb := startSandbox(t, 14500)
	since := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Greater(t, len(wantIDs(sb, since)), searchCap, "dataset must exceed the search cap")
	tests := []struct {
		name string
		mod  func(*Config)
	}{
		{"offset paging restarts before the cap", func(c *Config) { c.SearchPageSize = 200; c.RestartSearchAfter = 10000 }},
		{"keyset", func(c *Config) { c.SearchPageSize = 200 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(t, sb, tt.mod)
			res := syncAll(t, src, since)
			assert.Empty(t, res.errs)
			assert.Equal(t, wantIDs(sb, since), ids(res.customers))
			var deepest, restarts int
			for _, cur := range res.cursors[1:] {
				c, err := decodeCursor(cur, since)
				require.NoError(t, err)
				if c.Search == nil {
					continue // the archived list
				}
				deepest = max(deepest, c.Search.After)
				if c.Search.After == 0 {
					restarts++
				}
			}
			assert.LessOrEqual(t, deepest+200, searchCap, "never asks beyond the cap")
			assert.Positive(t, restarts)
			t.Logf("%d pages, deepest offset %d, %d restarts", len(res.pages), deepest, restarts)
		})
	}
}

func TestSource_FetchPage_TieBeyondCap(t *testing.T) {
	// More contacts sharing one lastmodifieddate than a search can page through is reported, not looped on.
	if testing.Short() {
		t.Skip("generates over 10,000 contacts")
	}
	sb := startSandbox(t, 14500)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sb.Update(func(ds *sandbox.Dataset) {
		for i := range ds.Sources[sandbox.HubSpot].Contacts {
			ds.Sources[sandbox.HubSpot].Contacts[i].UpdatedAt = at
		}
	})
	src := newSource(t, sb, func(c *Config) { c.SearchPageSize = 200 })
	cur := ""
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		var p connectors.Page
		p, err = src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: cur, Since: at})
		require.False(t, p.Done && err == nil, "cannot finish")
		cur = p.Next
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "share lastmodifieddate")
}

func TestSource_FetchPage_BadRequests(t *testing.T) {
	sb := startSandbox(t, 20)
	src := newSource(t, sb, nil)
	tests := []struct {
		name string
		req  connectors.PageRequest
		want string
	}{
		{"unknown kind", connectors.PageRequest{Kind: record.KindOrder}, "no \"orders\" records"},
		{"foreign cursor", connectors.PageRequest{Kind: record.KindCustomer, Cursor: `{"page_info":"x"}`}, "not a HubSpot contacts cursor"},
		{"garbage cursor", connectors.PageRequest{Kind: record.KindCustomer, Cursor: "%%%"}, "not a HubSpot contacts cursor"},
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
		{"no token names the variable", Config{TokenEnv: "MY_HS"}, "$MY_HS"},
		{"no token default variable", Config{}, "$HUBSPOT_TOKEN"},
		{"page size too large", Config{Token: "x", PageSize: 101}, "page_size"},
		{"search page size too large", Config{Token: "x", SearchPageSize: 201}, "search_page_size"},
		{"relative base url", Config{Token: "x", BaseURL: "api.hubapi.com"}, "base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("defaults", func(t *testing.T) {
		s, err := New(Config{Token: "x"})
		require.NoError(t, err)
		assert.Equal(t, "hubspot", s.cfg.Name)
		assert.Equal(t, DefaultBaseURL, s.cfg.BaseURL)
		assert.Equal(t, 100, s.cfg.PageSize)
		assert.Equal(t, 200, s.cfg.SearchPageSize)
		assert.Equal(t, []record.Kind{record.KindCustomer}, s.Kinds())
		assert.True(t, strings.HasPrefix(strings.Join(s.props, ","), "email,firstname"))
	})
}

func TestSearchIsPacedToHubSpotsLimit(t *testing.T) {
	sb := connectortest.StartSandbox(t, 400, testToken, sandbox.HubSpot) // search limited to 4/s, as HubSpot does
	ds, release := sb.Data()
	since := ds.Sources[sandbox.HubSpot].Contacts[100].UpdatedAt
	release()

	paced := newSource(t, sb, func(c *Config) { c.SearchRequestsPerSecond = 0; c.SearchPageSize = 20 }) // default pace
	res := syncAll(t, paced, since)
	require.Empty(t, res.errs)
	assert.Greater(t, len(res.pages), 8, "enough search pages to exceed 4 per second unpaced")
	assert.Zero(t, sb.Stats(sandbox.HubSpot).Throttled.Load(), "search calls paced to 4/s are never throttled")

	unpaced := newSource(t, sb, func(c *Config) { c.SearchPageSize = 20 })
	_ = syncAll(t, unpaced, since)
	assert.Positive(t, sb.Stats(sandbox.HubSpot).Throttled.Load(), "the imitation enforces the search limit (the check above can fail)")
}

func TestDateVersionedPaths(t *testing.T) {
	sb := startSandbox(t, 120)
	src := newSource(t, sb, func(c *Config) { c.APIVersion = "2026-03" })
	assert.Equal(t, "/crm/objects/2026-03/contacts", src.objects)
	res := syncAll(t, src, time.Time{})
	require.Empty(t, res.errs)
	assert.Equal(t, wantIDs(sb, time.Time{}), ids(res.customers))

	_, err := New(Config{Token: "x", APIVersion: "v4"})
	require.ErrorContains(t, err, "2026-03")
	assert.Equal(t, "2027-09-01", apiVersion("v3").Ends.Format("2006-01-02"))
	assert.Equal(t, "2028-03-01", apiVersion("2026-09").Ends.Format("2006-01-02"), "18 months per date version")
}
