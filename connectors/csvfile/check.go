// This file holds the CSV source's connection check: the file opens, its header holds every
// mapped column, and (deep) its first page of rows reads.
package csvfile

import (
	"context"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Check re-reads the header against the mapping; deep also reads the first page.
func (s *Source) Check(ctx context.Context, deep bool) connectors.CheckReport {
	var r connectors.CheckReport
	rr, h, _, err := openRows(s.cfg.Path, s.cfg.Delimiter, 0, 0)
	if err == nil {
		rr.Close()
		_, err = s.columns(h)
	}
	if !r.Step("file and header match the mapping", err, "%s, %d mapped fields", s.cfg.Path, len(s.paths)) || !deep {
		return r
	}
	page, err := s.FetchPage(ctx, connectors.PageRequest{Kind: record.KindCustomer})
	r.Step("read the first page", err, "%d row(s)", len(page.Customers))
	return r
}
