// Keyset-paginated scans: bounded memory, and no connection held while the caller's fn runs.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// pageQuery describes a scan: SELECT cols FROM from WHERE where... ORDER BY key.
type pageQuery struct {
	name  string   // for error messages, e.g. "scan customers"
	cols  string   // selected columns
	from  string   // table
	where []string // filters with ? placeholders
	args  []any    // their arguments
	key   []string // columns that order the rows and identify each one
	// fixed is how many leading key columns the where pins to one value: the next page starts
	// after the rest only, so the range is an index seek (SQLite does not seek on a row-value
	// range over columns an equality already fixes, and would rescan from the start every page).
	fixed int
}

// rowScanner reads one row and returns the value and its key (the values of pageQuery.key).
type rowScanner[T any] func(rows *sql.Rows) (T, []any, error)

// scanPages calls fn for every row in key order, one page (pageSize rows) at a time. Each page is
// read completely and its rows released before fn runs, so fn may call the store (even on a
// single-connection SQLite). An error returned by fn stops the scan and is returned as is.
func scanPages[T any](ctx context.Context, s *Store, p pageQuery, scan rowScanner[T], fn func(T) error) error {
	return scanPageBatches(ctx, s, p, scan, func(page []T) error {
		for _, v := range page {
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanPageBatches is scanPages handing fn each page whole; fn must not keep the slice.
func scanPageBatches[T any](ctx context.Context, s *Store, p pageQuery, scan rowScanner[T], fn func([]T) error) error {
	var after []any
	buf := make([]T, 0, min(s.pageSize, 64))
	for {
		where := append([]string(nil), p.where...)
		args := append([]any(nil), p.args...)
		if after != nil {
			rest, vals := p.key[p.fixed:], after[p.fixed:]
			if len(rest) == 1 {
				where = append(where, rest[0]+" > ?")
			} else {
				where = append(where, "("+strings.Join(rest, ", ")+") > ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
			}
			args = append(args, vals...)
		}
		q := "SELECT " + p.cols + " FROM " + p.from
		if len(where) > 0 {
			q += " WHERE " + strings.Join(where, " AND ")
		}
		q += " ORDER BY " + strings.Join(p.key, ", ") + " LIMIT " + strconv.Itoa(s.pageSize)

		buf = buf[:0]
		if err := func() error {
			rows, err := s.query(ctx, s.r, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				v, k, err := scan(rows)
				if err != nil {
					return err
				}
				buf = append(buf, v)
				after = k
			}
			return rows.Err()
		}(); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}

		if len(buf) > 0 {
			if err := fn(buf); err != nil {
				return err
			}
		}
		if len(buf) < s.pageSize {
			return nil
		}
	}
}
