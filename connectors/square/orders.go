// This file holds order extraction: POST /v2/orders/search over the configured locations.
package square

import (
	"context"
	"fmt"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// fetchOrders reads one page of orders in the configured states. A full sync sorts by creation; an
// incremental one filters and sorts on updated_at (Square rejects a date filter on another field than
// the sort field). The same query is resent with each cursor, as Square requires.
func (s *Source) fetchOrders(ctx context.Context, cur cursor) (connectors.Page, error) {
	search := orderSearch{LocationIDs: s.cfg.LocationIDs, Limit: s.cfg.OrderPageSize, Cursor: cur.Square}
	search.Query.Filter.StateFilter.States = s.cfg.OrderStates
	search.Query.Sort.SortField, search.Query.Sort.SortOrder = "CREATED_AT", "ASC"
	if cur.Since != "" {
		search.Query.Filter.DateTimeFilter = &struct {
			UpdatedAt *timeRange `json:"updated_at,omitempty"`
		}{UpdatedAt: &timeRange{StartAt: cur.Since}}
		search.Query.Sort.SortField = "UPDATED_AT"
	}
	var body ordersPage
	if _, err := s.client.JSON(ctx, httpx.Request{Method: "POST", Path: "/v2/orders/search", Read: true, Body: search}, &body); err != nil {
		return connectors.Page{}, fmt.Errorf("%s: fetch orders page: %w", s.cfg.Name, err)
	}
	page := connectors.Page{Orders: make([]record.Order, 0, len(body.Orders))}
	for _, o := range body.Orders {
		rec, err := mapOrder(s.cfg.Name, o)
		if err != nil {
			return connectors.Page{}, fmt.Errorf("%s: order %s: %w", s.cfg.Name, o.ID, err)
		}
		page.Orders = append(page.Orders, rec)
	}
	page.Next, page.Done = cur.next(body.Cursor)
	return page, nil
}
