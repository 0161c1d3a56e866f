// This file holds customer extraction: the full list and the updated_at search.
package square

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// fetchCustomers reads one page: GET /v2/customers for a full sync (sorted by creation, so pages
// stay stable while records change), else POST /v2/customers/search filtered on updated_at.
func (s *Source) fetchCustomers(ctx context.Context, cur cursor) (connectors.Page, error) {
	var body customersPage
	var err error
	if cur.Since == "" {
		q := url.Values{"limit": {strconv.Itoa(s.cfg.CustomerPageSize)}, "sort_field": {"CREATED_AT"}, "sort_order": {"ASC"}}
		if cur.Square != "" {
			q.Set("cursor", cur.Square)
		}
		_, err = s.client.JSON(ctx, httpx.Request{Method: "GET", Path: "/v2/customers", Query: q}, &body)
	} else {
		search := customerSearch{Limit: s.cfg.CustomerPageSize, Cursor: cur.Square}
		search.Query.Filter.UpdatedAt = &timeRange{StartAt: cur.Since}
		search.Query.Sort.Field, search.Query.Sort.Order = "CREATED_AT", "ASC"
		_, err = s.client.JSON(ctx, httpx.Request{Method: "POST", Path: "/v2/customers/search", Read: true, Body: search}, &body)
	}
	if err != nil {
		return connectors.Page{}, fmt.Errorf("%s: fetch customers page: %w", s.cfg.Name, err)
	}
	page := connectors.Page{Customers: make([]record.Customer, 0, len(body.Customers))}
	for _, c := range body.Customers {
		rec, err := mapCustomer(s.cfg.Name, c)
		if err != nil {
			return connectors.Page{}, fmt.Errorf("%s: customer %s: %w", s.cfg.Name, c.ID, err)
		}
		page.Customers = append(page.Customers, rec)
	}
	page.Next, page.Done = cur.next(body.Cursor)
	return page, nil
}
