// Tests of Salesforce contact paging against the sandbox: full, incremental, locators, faults, resume, auth.
package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/connectortest"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

const testToken = "sf-test-token"

func startSandbox(t testing.TB, people int) *sandbox.Sandbox {
	return connectortest.StartSandbox(t, people, testToken, sandbox.Salesforce)
}

func newSource(t testing.TB, sb *sandbox.Sandbox, mod func(*Config)) *Source {
	t.Helper()
	cfg := Config{Name: "sfdc", BaseURL: sb.URLs[sandbox.Salesforce], Token: testToken, BatchSize: 200}
	if mod != nil {
		mod(&cfg)
	}
	src, err := New(cfg)
	require.NoError(t, err)
	return src
}

type syncResult struct {
	customers []record.Customer
	cursors   []string
	pages     []connectors.Page
	errs      []error
}

// syncAll pages through the contacts as the activity does (connectortest.SyncAll); between pages
// it runs hook (if any) with the page index just fetched.
func syncAll(t testing.TB, src connectors.Source, since time.Time, hook func(i int)) syncResult {
	s := connectortest.SyncAll(t, src, record.KindCustomer, since, hook)
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

func wantIDs(sb *sandbox.Sandbox, since time.Time) []string {
	ds, release := sb.Data()
	defer release()
	var out []string
	for _, c := range ds.Sources[sandbox.Salesforce].Contacts {
		if !c.Archived && !c.UpdatedAt.Before(since.Truncate(time.Second)) {
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}

func TestSource_FetchPage_FullSync(t *testing.T) {
	sb := startSandbox(t, 2000)
	var deleted string
	sb.Update(func(ds *sandbox.Dataset) {
		cs := ds.Sources[sandbox.Salesforce].Contacts
		cs[11].Archived = true
		deleted = cs[11].ID
	})
	tests := []struct {
		name      string
		batch     int
		wantPages int
	}{{"batch 200", 200, 4}, {"default batch", 0, 1}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(t, sb, func(c *Config) { c.BatchSize = tt.batch })
			res := syncAll(t, src, time.Time{}, nil)
			got := ids(res.customers)
			assert.Equal(t, wantIDs(sb, time.Time{}), got)
			assert.NotContains(t, got, deleted, "/query hides deleted contacts")
			assert.Len(t, res.pages, tt.wantPages)
			for i, p := range res.pages {
				assert.Equal(t, 1, p.Requests, "page %d", i)
			}
		})
	}
}

func TestSource_FetchPage_Incremental(t *testing.T) {
	sb := startSandbox(t, 2000)
	ds, release := sb.Data()
	cs := ds.Sources[sandbox.Salesforce].Contacts
	since := cs[len(cs)/3].UpdatedAt.Add(500 * time.Millisecond) // a fractional watermark
	release()
	touched := map[string]bool{}
	sb.Update(func(ds *sandbox.Dataset) {
		cs := ds.Sources[sandbox.Salesforce].Contacts
		for i := 0; i < 12; i++ {
			cs[i*5].UpdatedAt = since.Add(time.Duration(i) * time.Hour)
			touched[cs[i*5].ID] = true
		}
	})
	src := newSource(t, sb, nil)
	res := syncAll(t, src, since, nil)
	got := ids(res.customers)
	assert.Equal(t, wantIDs(sb, since), got, "records with SystemModstamp in or after the watermark's second")
	for id := range touched {
		assert.Contains(t, got, id)
	}
	assert.Greater(t, len(res.pages), 1)
}

func TestSource_FetchPage_LocatorGone(t *testing.T) {
	sb := startSandbox(t, 2000)
	// a run of contacts sharing one SystemModstamp second across the page boundaries
	sb.Update(func(ds *sandbox.Dataset) {
		cs := ds.Sources[sandbox.Salesforce].Contacts
		at := cs[300].UpdatedAt
		for i := 150; i < 450; i++ {
			cs[i].UpdatedAt = at.Add(time.Duration(i%7) * time.Millisecond)
		}
	})
	other := newSource(t, sb, nil)
	tests := []struct {
		name  string
		since time.Time
		drop  func()
	}{
		{"expired full", time.Time{}, sb.ExpireSalesforceLocators},
		{"expired incremental", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), sb.ExpireSalesforceLocators},
		{"evicted by other queries", time.Time{}, func() {
			for i := 0; i < 11; i++ { // Salesforce keeps 10 open cursors per user
				_, err := other.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
				require.NoError(t, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(t, sb, nil)
			res := syncAll(t, src, tt.since, func(int) { tt.drop() })
			assert.Equal(t, wantIDs(sb, tt.since), ids(res.customers), "each contact exactly once")
			assert.Greater(t, len(res.pages), 2)
		})
	}
}

func TestSource_FetchPage_Faults(t *testing.T) {
	sb := startSandbox(t, 1500)
	tests := []struct {
		name       string
		fault      sandbox.Fault
		mod        func(*Config)
		wantErrors bool
	}{
		{"500 retried by the transport", sandbox.Fault{Kind: sandbox.Fault500, Every: 2, Times: 2}, nil, false},
		{"slow answer beyond the timeout", sandbox.Fault{Kind: sandbox.FaultSlow, Every: 2, Times: 1, Delay: 2 * time.Second},
			func(c *Config) { c.Timeout = 300 * time.Millisecond }, false},
		{"truncated JSON", sandbox.Fault{Kind: sandbox.FaultTruncate, Every: 2, Times: 2}, nil, false}, // asked again inside the call
		{"request limit exceeded", sandbox.Fault{Kind: sandbox.Fault429, Every: 2, Times: 2}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb.Faults.Set(sandbox.Salesforce, tt.fault)
			defer sb.Faults.Clear(sandbox.Salesforce)
			src := newSource(t, sb, tt.mod)
			res := syncAll(t, src, time.Time{}, nil)
			assert.Equal(t, wantIDs(sb, time.Time{}), ids(res.customers))
			assert.Positive(t, sb.Faults.Fired(sandbox.Salesforce))
			if tt.wantErrors {
				assert.NotEmpty(t, res.errs)
			} else {
				assert.Empty(t, res.errs)
			}
		})
	}
}

func TestSource_FetchPage_RequestLimitExceeded(t *testing.T) {
	sb := startSandbox(t, 100)
	sb.Faults.Set(sandbox.Salesforce, sandbox.Fault{Kind: sandbox.Fault429, Times: 1})
	src := newSource(t, sb, func(c *Config) { c.LimitWait = 90 * time.Second })
	start := time.Now()
	_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second, "the long wait is handed to the caller, not slept")
	he, ok := httpx.AsError(err)
	require.True(t, ok)
	assert.Equal(t, http.StatusForbidden, he.Status)
	assert.Equal(t, "REQUEST_LIMIT_EXCEEDED", he.Code)
	assert.True(t, he.Throttled, "wait, not fail")
	assert.True(t, he.Retryable())
	assert.Equal(t, 90*time.Second, he.RetryAfter)
	assert.NotContains(t, err.Error(), "$SALESFORCE_TOKEN", "a throttle is no credential problem")
	assert.Equal(t, int64(1), src.HTTPStats().Throttled)

	page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
	require.NoError(t, err)
	assert.NotEmpty(t, page.Customers)
}

func TestSoql(t *testing.T) {
	tests := []struct {
		since, want string
	}{
		{"", "SELECT Id, FirstName, LastName, Email, Phone, MobilePhone, Birthdate, HasOptedOutOfEmail, DoNotCall, IsDeleted, CreatedDate, LastModifiedDate, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC, Id ASC"},
		{"2024-01-01T00:00:00Z", "SELECT Id, FirstName, LastName, Email, Phone, MobilePhone, Birthdate, HasOptedOutOfEmail, DoNotCall, IsDeleted, CreatedDate, LastModifiedDate, SystemModstamp FROM Contact WHERE SystemModstamp >= 2024-01-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC"},
	}
	for _, tt := range tests {
		t.Run(tt.since, func(t *testing.T) { assert.Equal(t, tt.want, soql(tt.since, nil)) })
	}
	t.Run("restart excludes the ids seen in the boundary second", func(t *testing.T) {
		assert.Contains(t, soql("2024-01-01T00:00:00Z", []string{"003A", "003'B"}),
			`WHERE SystemModstamp >= 2024-01-01T00:00:00Z AND (SystemModstamp >= 2024-01-01T00:00:01Z OR Id NOT IN ('003A','003\'B')) ORDER BY`)
	})
	t.Run("sandbox rejects unknown fields", func(t *testing.T) {
		sb := startSandbox(t, 10)
		src := newSource(t, sb, nil)
		_, err := src.client.Do(context.Background(), httpx.Request{Method: http.MethodGet, Path: "/services/data/v61.0/query",
			Query: url.Values{"q": {"SELECT Id, Shoe_Size__c FROM Contact"}}})
		he, ok := httpx.AsError(err)
		require.True(t, ok, fmt.Sprint(err))
		assert.Equal(t, "INVALID_FIELD", he.Code)
		assert.False(t, he.Retryable())
	})
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{BaseURL: "https://x.my.salesforce.com", TokenEnv: "SF_TOK"}, "$SF_TOK"},
		{"no base url", Config{Token: "t"}, "instance URL"},
		{"bad version", Config{Token: "t", BaseURL: "https://x.my.salesforce.com", APIVersion: "latest"}, "api_version"},
		{"batch too small", Config{Token: "t", BaseURL: "https://x.my.salesforce.com", BatchSize: 50}, "batch_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("defaults", func(t *testing.T) {
		s, err := New(Config{Token: "t", BaseURL: "https://x.my.salesforce.com", APIVersion: "60.0"})
		require.NoError(t, err)
		assert.Equal(t, "v60.0", s.cfg.APIVersion)
		assert.Equal(t, "salesforce", s.cfg.Name)
		assert.Equal(t, DefaultLimitWait, s.cfg.LimitWait)
		assert.Equal(t, []record.Kind{record.KindCustomer}, s.Kinds())
	})
}
