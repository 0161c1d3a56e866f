// This file tests the Square source against the sandbox imitation: paging, incremental, faults, resume, auth.
package square_test

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
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/connectors/square"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

func startSandbox(t *testing.T, token string) *sandbox.Sandbox {
	return connectortest.StartSandbox(t, 300, token, sandbox.Square)
}

func newSource(t *testing.T, sb *sandbox.Sandbox, mod func(*square.Config)) *square.Source {
	t.Helper()
	cfg := square.Config{Name: "sq", BaseURL: sb.URLs[sandbox.Square], Token: "t0k", TokenEnv: "SQUARE_TOKEN",
		LocationIDs: []string{"L1"}, CustomerPageSize: 17, OrderPageSize: 40,
		RetryWaitMin: 5 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	src, err := square.New(cfg)
	require.NoError(t, err)
	return src
}

// syncAll pages through a kind like the engine does (connectortest.SyncAll).
func syncAll(t *testing.T, src connectors.Source, kind record.Kind, since time.Time) []connectors.Page {
	return connectortest.SyncAll(t, src, kind, since, nil).Pages
}

func customerIDs(pages []connectors.Page) []string {
	var ids []string
	for _, p := range pages {
		for _, c := range p.Customers {
			ids = append(ids, c.SourceID)
		}
	}
	sort.Strings(ids)
	return ids
}

func orderIDs(pages []connectors.Page) []string {
	var ids []string
	for _, p := range pages {
		for _, o := range p.Orders {
			ids = append(ids, o.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func wantCustomers(sb *sandbox.Sandbox, keep func(sandbox.Contact) bool) []string {
	ds, release := sb.Data()
	defer release()
	var ids []string
	for _, c := range ds.Sources[sandbox.Square].Contacts {
		if keep(c) {
			ids = append(ids, c.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func wantOrders(sb *sandbox.Sandbox, keep func(sandbox.Order) bool) []string {
	ds, release := sb.Data()
	defer release()
	var ids []string
	for _, o := range ds.Sources[sandbox.Square].Orders {
		if keep(o) {
			ids = append(ids, o.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func all[T any](T) bool { return true }

func TestSource_FetchPage(t *testing.T) {
	sb := startSandbox(t, "")
	src := newSource(t, sb, nil)

	t.Run("full sync returns every customer exactly once", func(t *testing.T) {
		pages := syncAll(t, src, record.KindCustomer, time.Time{})
		assert.Greater(t, len(pages), 3)
		assert.Equal(t, wantCustomers(sb, all[sandbox.Contact]), customerIDs(pages))
		for _, p := range pages {
			assert.Equal(t, 1, p.Requests)
		}
	})
	t.Run("full sync returns every order exactly once", func(t *testing.T) {
		pages := syncAll(t, src, record.KindOrder, time.Time{})
		assert.Greater(t, len(pages), 3)
		assert.Equal(t, wantOrders(sb, all[sandbox.Order]), orderIDs(pages))
	})
	t.Run("order states are configurable", func(t *testing.T) {
		only := newSource(t, sb, func(c *square.Config) { c.OrderStates = []string{"CANCELED"} })
		got := orderIDs(syncAll(t, only, record.KindOrder, time.Time{}))
		want := wantOrders(sb, func(o sandbox.Order) bool { return o.Status == "cancelled" })
		require.NotEmpty(t, want)
		assert.Equal(t, want, got)
	})
	t.Run("a result with no records is the literal {} page", func(t *testing.T) {
		future := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, kind := range src.Kinds() {
			page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: kind, Since: future})
			require.NoError(t, err)
			assert.True(t, page.Done)
			assert.Zero(t, page.Len())
		}
	})
	t.Run("a full last page is followed by a {} page", func(t *testing.T) {
		ds, release := sb.Data()
		contacts := ds.Sources[sandbox.Square].Contacts
		release()
		var since time.Time
		var want []string
		for k := 10; len(want) == 0 || len(want)%2 != 0; k++ { // an even count, to split in two full pages
			since = contacts[len(contacts)-k].UpdatedAt
			want = wantCustomers(sb, func(c sandbox.Contact) bool { return !c.UpdatedAt.Before(since) })
		}
		half := newSource(t, sb, func(c *square.Config) { c.CustomerPageSize = len(want) / 2 })
		pages := syncAll(t, half, record.KindCustomer, since)
		require.Len(t, pages, 3)
		assert.Zero(t, pages[2].Len())
		assert.Equal(t, want, customerIDs(pages))
	})
	t.Run("unknown kind", func(t *testing.T) {
		_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement})
		assert.ErrorContains(t, err, "unsupported kind")
	})
}

func TestSource_Incremental(t *testing.T) {
	sb := startSandbox(t, "")
	src := newSource(t, sb, nil)
	ds, release := sb.Data()
	since := ds.Sources[sandbox.Square].Contacts[len(ds.Sources[sandbox.Square].Contacts)/2].UpdatedAt
	orderSince := ds.Sources[sandbox.Square].Orders[len(ds.Sources[sandbox.Square].Orders)/2].UpdatedAt
	now := ds.Opts.Now
	release()

	t.Run("customers updated at or after Since", func(t *testing.T) {
		got := customerIDs(syncAll(t, src, record.KindCustomer, since))
		want := wantCustomers(sb, func(c sandbox.Contact) bool { return !c.UpdatedAt.Before(since) })
		require.NotEmpty(t, want)
		assert.Equal(t, want, got)
	})
	t.Run("orders updated at or after Since", func(t *testing.T) {
		got := orderIDs(syncAll(t, src, record.KindOrder, orderSince))
		want := wantOrders(sb, func(o sandbox.Order) bool { return !o.UpdatedAt.Before(orderSince) })
		require.NotEmpty(t, want)
		assert.Equal(t, want, got)
	})
	t.Run("records changed after the watermark come back", func(t *testing.T) {
		watermark := now.Add(time.Hour)
		var touched, touchedOrders []string
		sb.Update(func(d *sandbox.Dataset) {
			sd := d.Sources[sandbox.Square]
			for i := 0; i < 5; i++ {
				sd.Contacts[i].UpdatedAt = watermark.Add(time.Duration(i) * time.Minute)
				touched = append(touched, sd.Contacts[i].ID)
				sd.Orders[i].UpdatedAt = watermark.Add(time.Duration(i) * time.Second)
				touchedOrders = append(touchedOrders, sd.Orders[i].ID)
			}
		})
		sort.Strings(touched)
		sort.Strings(touchedOrders)
		pages := syncAll(t, src, record.KindCustomer, watermark)
		assert.Equal(t, touched, customerIDs(pages))
		var maxUpdated time.Time
		for _, p := range pages {
			if m := p.MaxUpdated(); m.After(maxUpdated) {
				maxUpdated = m
			}
		}
		assert.True(t, maxUpdated.Equal(watermark.Add(4*time.Minute)), "max updated %s", maxUpdated)
		assert.Equal(t, touchedOrders, orderIDs(syncAll(t, src, record.KindOrder, watermark)))
	})
}

func TestSource_Faults(t *testing.T) {
	tests := []struct {
		name  string
		fault sandbox.Fault
	}{
		{"500s", sandbox.Fault{Kind: sandbox.Fault500, Every: 2}},
		{"square 429", sandbox.Fault{Kind: sandbox.Fault429, Every: 2}},
		{"slow", sandbox.Fault{Kind: sandbox.FaultSlow, Every: 3, Delay: 30 * time.Millisecond}},
		{"truncated JSON", sandbox.Fault{Kind: sandbox.FaultTruncate, Every: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := startSandbox(t, "")
			src := newSource(t, sb, nil)
			sb.Faults.Set(sandbox.Square, tt.fault)
			assert.Equal(t, wantCustomers(sb, all[sandbox.Contact]), customerIDs(syncAll(t, src, record.KindCustomer, time.Time{})))
			assert.Equal(t, wantOrders(sb, all[sandbox.Order]), orderIDs(syncAll(t, src, record.KindOrder, time.Time{})))
			assert.Positive(t, sb.Faults.Fired(sandbox.Square))
		})
	}
	t.Run("a truncated page is asked again; one that stays malformed fails for good", func(t *testing.T) {
		sb := startSandbox(t, "")
		src := newSource(t, sb, nil)
		first, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
		require.NoError(t, err)
		sb.Faults.Set(sandbox.Square, sandbox.Fault{Kind: sandbox.FaultTruncate, Times: 1})
		page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: first.Next})
		require.NoError(t, err)
		assert.NotEmpty(t, page.Customers)
		assert.Equal(t, 1, sb.Faults.Fired(sandbox.Square))
		sb.Faults.Set(sandbox.Square, sandbox.Fault{Kind: sandbox.FaultTruncate})
		_, err = src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: first.Next})
		he, ok := httpx.AsError(err)
		require.True(t, ok, "want *httpx.Error, got %v", err)
		assert.False(t, he.Retryable())
		assert.Contains(t, err.Error(), "not valid JSON (3 tries)")
	})
	t.Run("rate limit beyond the in-call retries is a throttled error", func(t *testing.T) {
		sb := startSandbox(t, "")
		src := newSource(t, sb, nil)
		sb.Faults.Set(sandbox.Square, sandbox.Fault{Kind: sandbox.Fault429})
		_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindOrder})
		he, ok := httpx.AsError(err)
		require.True(t, ok, "want *httpx.Error, got %v", err)
		assert.True(t, he.Throttled)
		assert.Equal(t, "RATE_LIMITED", he.Code)
		assert.True(t, he.Retryable())
	})
}

func TestSource_Resume(t *testing.T) {
	sb := startSandbox(t, "")
	src := newSource(t, sb, nil)
	for _, kind := range src.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			since := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			for _, s := range []time.Time{{}, since} {
				var pages []connectors.Page
				cur := ""
				for i := 0; i < 3; i++ {
					p, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: kind, Cursor: cur, Since: s})
					require.NoError(t, err)
					require.False(t, p.Done)
					pages = append(pages, p)
					cur = p.Next
				}
				// resuming from the second page's cursor returns the third page again; the cursor
				// keeps its own query even when the engine resumes with another Since
				again, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: kind, Cursor: pages[1].Next, Since: s.Add(time.Hour)})
				require.NoError(t, err)
				assert.Equal(t, pages[2], again)
			}
		})
	}
	t.Run("foreign cursor", func(t *testing.T) {
		_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer, Cursor: "abc"})
		assert.ErrorContains(t, err, "bad page cursor")
	})
}

func TestSource_Auth(t *testing.T) {
	sb := startSandbox(t, "right-token")
	src := newSource(t, sb, func(c *square.Config) { c.Token = "wrong-token" })
	_, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindCustomer})
	he, ok := httpx.AsError(err)
	require.True(t, ok, "want *httpx.Error, got %v", err)
	assert.Equal(t, 401, he.Status)
	assert.Equal(t, "UNAUTHORIZED", he.Code)
	assert.False(t, he.Retryable())
	assert.Contains(t, err.Error(), "$SQUARE_TOKEN")
	assert.NotContains(t, err.Error(), "wrong-token")
	assert.Equal(t, int64(1), sb.Stats(sandbox.Square).Requests.Load(), "401 is not retried")
}

func TestNew_Validation(t *testing.T) {
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "L" + strings.Repeat("x", i+1)
		}
		return out
	}
	tests := []struct {
		name string
		cfg  square.Config
		want string
	}{
		{"no token", square.Config{TokenEnv: "SQUARE_TOKEN", LocationIDs: ids(1)}, "$SQUARE_TOKEN"},
		{"no locations", square.Config{Token: "x"}, "location_ids"},
		{"too many locations", square.Config{Token: "x", LocationIDs: ids(11)}, "location_ids"},
		{"page size over Square's limit", square.Config{Token: "x", LocationIDs: ids(1), CustomerPageSize: 101}, "customer_page_size"},
		{"order page size", square.Config{Token: "x", LocationIDs: ids(1), OrderPageSize: 1001}, "order_page_size"},
		{"unknown state", square.Config{Token: "x", LocationIDs: ids(1), OrderStates: []string{"DONE"}}, "order_states"},
		{"bad base url", square.Config{Token: "x", LocationIDs: ids(1), BaseURL: "connect.squareup.com"}, "base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := square.New(tt.cfg)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	t.Run("ten locations are fine", func(t *testing.T) {
		src, err := square.New(square.Config{Token: "x", LocationIDs: ids(10)})
		require.NoError(t, err)
		assert.Equal(t, []record.Kind{record.KindCustomer, record.KindOrder}, src.Kinds())
	})
}

// TestSource_Mapping checks the canonical records against the dataset the sandbox rendered.
func TestSource_Mapping(t *testing.T) {
	sb := startSandbox(t, "")
	src := newSource(t, sb, nil)
	got := map[string]record.Customer{}
	for _, p := range syncAll(t, src, record.KindCustomer, time.Time{}) {
		for _, c := range p.Customers {
			got[c.SourceID] = c
		}
	}
	orders := map[string]record.Order{}
	for _, p := range syncAll(t, src, record.KindOrder, time.Time{}) {
		for _, o := range p.Orders {
			orders[o.ID] = o
		}
	}
	ds, release := sb.Data()
	defer release()
	var sawYearless, sawUnsub, sawRef bool
	for _, c := range ds.Sources[sandbox.Square].Contacts {
		rec := got[c.ID]
		assert.Equal(t, "sq", rec.Source)
		assert.True(t, rec.UpdatedAt.Equal(c.UpdatedAt), c.ID)
		assert.True(t, rec.CreatedAt.Equal(c.CreatedAt), c.ID)
		assert.Equal(t, c.Email, rec.Email)
		assert.Equal(t, c.Phone, rec.Phone)
		assert.Equal(t, c.FirstName, rec.FirstName)
		assert.Equal(t, c.LastName, rec.LastName)
		assert.Equal(t, c.Address, rec.Address)
		if strings.HasPrefix(c.BirthDate, "0000-") {
			sawYearless = true
			assert.Empty(t, rec.BirthDate)
			assert.Equal(t, c.BirthDate[5:], rec.Attributes["birthday_month_day"])
		} else {
			assert.Equal(t, c.BirthDate, rec.BirthDate)
		}
		consent := rec.Consent[record.ChannelEmail]
		assert.Equal(t, square.ConsentSource, consent.Source)
		if c.EmailConsent == record.ConsentUnsubscribed {
			sawUnsub = true
			assert.Equal(t, record.ConsentUnsubscribed, consent.State, c.ID)
		} else {
			assert.Equal(t, record.ConsentNotSubscribed, consent.State, c.ID)
		}
		if rec.Attributes["reference_id"] != "" {
			sawRef = true
		}
	}
	assert.True(t, sawYearless && sawUnsub && sawRef, "dataset covers year-less birthdays, opt-outs and reference ids")
	for _, o := range ds.Sources[sandbox.Square].Orders {
		rec := orders[o.ID]
		assert.Equal(t, o.ContactID, rec.CustomerID)
		assert.Equal(t, o.Total, rec.Total)
		assert.Equal(t, o.Status, rec.Status)
		assert.True(t, rec.CreatedAt.Equal(o.CreatedAt) && rec.UpdatedAt.Equal(o.UpdatedAt) && rec.ClosedAt.Equal(o.ClosedAt), o.ID)
		require.Len(t, rec.Lines, len(o.Lines))
		var sum int64
		for i, l := range rec.Lines {
			assert.Equal(t, o.Lines[i].ProductID, l.ProductID)
			assert.Equal(t, o.Lines[i].Title, l.Title)
			assert.Equal(t, o.Lines[i].Quantity, l.Quantity)
			assert.Equal(t, o.Lines[i].Price, l.Price)
			sum += l.Price.Amount * l.Quantity
		}
		assert.Equal(t, o.Total.Amount, sum)
	}
}
