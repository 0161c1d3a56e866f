// Package connectortest holds what source connector tests share: a sandbox with only the vendors a
// test needs, and SyncAll, which pages through a source the way the Extract activity does.
package connectortest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

// StartSandbox serves the given vendor imitations over a generated dataset of people, accepting
// only token, and stops them when the test ends.
func StartSandbox(t testing.TB, people int, token string, vendors ...string) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: people}),
		Only: vendors, Token: token})
	require.NoError(t, err)
	t.Cleanup(sb.Close)
	return sb
}

// Sync is what SyncAll read.
type Sync struct {
	Pages   []connectors.Page
	Cursors []string // Cursors[i] is the cursor page i was fetched with
	Errs    []error  // retryable errors survived by re-calling with the same cursor
}

// Customers returns every customer of every page, in page order.
func (s Sync) Customers() []record.Customer {
	var out []record.Customer
	for _, p := range s.Pages {
		out = append(out, p.Customers...)
	}
	return out
}

// Orders returns every order of every page, in page order.
func (s Sync) Orders() []record.Order {
	var out []record.Order
	for _, p := range s.Pages {
		out = append(out, p.Orders...)
	}
	return out
}

// SyncAll pages through one kind as the Extract activity does: after a retryable error it calls
// again with the same cursor (at most 20 errors); a non-retryable error fails the test. After
// each page but the last, hook (if set) runs with the page's index.
func SyncAll(t testing.TB, src connectors.Source, kind record.Kind, since time.Time, hook func(i int)) Sync {
	t.Helper()
	var res Sync
	cur := ""
	for i := 0; i < 10000; i++ {
		page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: kind, Cursor: cur, Since: since})
		if err != nil {
			he, ok := httpx.AsError(err)
			require.Truef(t, ok && he.Retryable(), "non-retryable error: %v", err)
			res.Errs = append(res.Errs, err)
			require.Less(t, len(res.Errs), 20, "too many errors: %v", err)
			continue
		}
		res.Cursors = append(res.Cursors, cur)
		res.Pages = append(res.Pages, page)
		if page.Done {
			return res
		}
		require.NotEmpty(t, page.Next, "a page that is not the last needs a next cursor")
		if hook != nil {
			hook(len(res.Pages) - 1)
		}
		cur = page.Next
	}
	t.Fatal("sync did not finish")
	return res
}
