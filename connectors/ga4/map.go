// This file maps GA4 report rows to canonical engagement records.
package ga4

import (
	"fmt"
	"strconv"

	"github.com/cdpflow/cdpflow/record"
)

// notCustomer are dimension values GA4 uses for rows that are no customer: users without the user
// property, and rows folded together when the report exceeds GA4's cardinality limits.
var notCustomer = map[string]bool{"": true, "(not set)": true, "(other)": true}

// mapRows turns report rows into engagements. Metric values arrive as strings; they are matched to
// names through the response's metricHeaders.
func mapRows(source string, cur cursor, resp *reportResponse) ([]record.Engagement, error) {
	out := make([]record.Engagement, 0, len(resp.Rows))
	for i, row := range resp.Rows {
		if len(row.DimensionValues) == 0 {
			return nil, fmt.Errorf("row %d has no dimension value", cur.Offset+int64(i))
		}
		ref := row.DimensionValues[0].Value
		if notCustomer[ref] {
			continue
		}
		if len(row.MetricValues) != len(resp.MetricHeaders) {
			return nil, fmt.Errorf("row %q has %d metric values for %d metric headers", ref, len(row.MetricValues), len(resp.MetricHeaders))
		}
		e := record.Engagement{Source: source, CustomerRef: ref, Metrics: make(map[string]float64, len(row.MetricValues)),
			StartDate: cur.Start, EndDate: cur.End}
		for j, mv := range row.MetricValues {
			v, err := strconv.ParseFloat(mv.Value, 64)
			if err != nil {
				return nil, fmt.Errorf("row %q metric %s: %q is not a number", ref, resp.MetricHeaders[j].Name, mv.Value)
			}
			e.Metrics[resp.MetricHeaders[j].Name] = v
		}
		out = append(out, e)
	}
	return out, nil
}
