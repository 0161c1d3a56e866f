// Package connectors defines what a source or destination connector is to the engine.
//
// Vendor packages (connectors/hubspot, connectors/shopify, ...) implement these interfaces over the
// shared HTTP transport in connectors/httpx. Connector packages never import the Temporal SDK: the
// activities package adapts them to Temporal (heartbeats, retries, durable timers).
package connectors

import (
	"context"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Source streams canonical records from one vendor, one page at a time.
//
// The engine calls FetchPage repeatedly for each kind in Kinds(), passing back the Next cursor of the
// previous page, until a page reports Done. Cursors are opaque to the engine and must be safe to
// persist (heartbeat details, store) and to resume from in a later process.
type Source interface {
	// Kinds lists the record kinds this source produces, in the order they are extracted.
	Kinds() []record.Kind
	// FetchPage returns one page. Implementations must be safe to call again with the same request
	// (a retried attempt resumes from the last stored cursor).
	FetchPage(ctx context.Context, req PageRequest) (Page, error)
}

// PageRequest asks for one page of one record kind.
type PageRequest struct {
	Kind record.Kind
	// Cursor is "" for the first page, else the Next of the previous page.
	Cursor string
	// Since is zero for a full sync; else only records modified at or after it are wanted
	// (the engine has already subtracted the lookback window).
	Since time.Time
}

// Page is one page of records. Exactly one of the slices is filled, per the requested kind.
type Page struct {
	Customers   []record.Customer
	Orders      []record.Order
	Engagements []record.Engagement
	// Next is the cursor of the following page; ignored when Done.
	Next string
	// Done is true on the last page of the kind.
	Done bool
	// Requests counts HTTP requests made for this page (for throughput reports).
	Requests int
	// Rejected are input rows the source could not read or map (a bad CSV row): quarantined with
	// their position and reason while the rest of the source goes on.
	Rejected []Rejected
}

// Rejected is one unreadable input row.
type Rejected struct {
	Kind   record.Kind
	ID     string // the row's id, or "line:N" when it has none
	Line   int64  // 1-based line in the file (0 when not a file)
	Field  string // the column at fault, "" for the whole row
	Reason string // what is wrong, never the value itself
	Raw    []string
}

// Len counts the records in the page.
func (p Page) Len() int { return p.Batch().Len() }

// Batch returns the page's records.
func (p Page) Batch() record.Batch {
	return record.Batch{Customers: p.Customers, Orders: p.Orders, Engagements: p.Engagements}
}

// MaxUpdated returns the latest modification time among the page's records (zero if none carries one).
func (p Page) MaxUpdated() time.Time {
	var max time.Time
	for _, c := range p.Customers {
		if c.UpdatedAt.After(max) {
			max = c.UpdatedAt
		}
	}
	for _, o := range p.Orders {
		t := o.UpdatedAt
		if t.IsZero() {
			t = o.CreatedAt
		}
		if t.After(max) {
			max = t
		}
	}
	return max
}
