// This file holds the runReport call: one page of the per-customer report, paged by offset.
package ga4

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// fetchReport requests rows [offset, offset+PageSize) of the report. Rows are ordered by the
// customer dimension so that offsets are stable between pages (GA4's default order follows a metric,
// which can shift while the report is paged).
func (s *Source) fetchReport(ctx context.Context, cur cursor) (connectors.Page, error) {
	body := reportRequest{
		DateRanges:          []dateRange{{StartDate: cur.Start, EndDate: cur.End}},
		Dimensions:          []named{{Name: s.cfg.CustomerDimension}},
		Limit:               strconv.Itoa(s.cfg.PageSize),
		Offset:              strconv.FormatInt(cur.Offset, 10),
		ReturnPropertyQuota: true,
	}
	for _, m := range s.cfg.Metrics {
		body.Metrics = append(body.Metrics, named{Name: m})
	}
	var ob orderBy
	ob.Dimension.DimensionName = s.cfg.CustomerDimension
	body.OrderBys = []orderBy{ob}

	var resp reportResponse
	path := "/v1beta/properties/" + s.cfg.PropertyID + ":runReport"
	if _, err := s.client.JSON(ctx, httpx.Request{Method: "POST", Path: path, Read: true, Body: body}, &resp); err != nil {
		return connectors.Page{}, err
	}
	engagements, err := mapRows(s.cfg.Name, cur, &resp)
	if err != nil {
		return connectors.Page{}, err
	}
	page := connectors.Page{Engagements: engagements}
	next := cur.Offset + int64(len(resp.Rows))
	if len(resp.Rows) == 0 || next >= resp.RowCount {
		page.Done = true
		return page, nil
	}
	cur.Offset = next
	b, _ := json.Marshal(cur)
	page.Next = string(b)
	return page, nil
}
