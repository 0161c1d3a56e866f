// Batched writes: multi-row INSERT ... ON CONFLICT statements chunked under the parameter limit.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// maxRowsPerStatement caps the rows of one INSERT even where the parameter limit allows more:
// beyond a few hundred rows, bigger statements stop paying off.
const maxRowsPerStatement = 1000

// insertSpec is a multi-row INSERT: INSERT INTO table (cols) VALUES (...), (...) suffix.
type insertSpec struct {
	table  string
	cols   []string
	suffix string // e.g. "ON CONFLICT (source, id) DO UPDATE SET data = excluded.data"
}

// rowsPerStatement is how many rows fit one statement.
func (s *Store) rowsPerStatement(ncols int) int {
	return min(maxRowsPerStatement, s.d.maxParams/ncols)
}

// insertSQL builds the statement for n rows.
func (s *Store) insertSQL(spec insertSpec, n int) string {
	var b strings.Builder
	b.Grow(64 + n*len(spec.cols)*5 + len(spec.suffix))
	b.WriteString("INSERT INTO ")
	b.WriteString(spec.table)
	b.WriteString(" (")
	b.WriteString(strings.Join(spec.cols, ", "))
	b.WriteString(") VALUES ")
	p := 0
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range spec.cols {
			if j > 0 {
				b.WriteString(", ")
			}
			p++
			b.WriteString(s.d.placeholder(p))
		}
		b.WriteByte(')')
	}
	if spec.suffix != "" {
		b.WriteByte(' ')
		b.WriteString(spec.suffix)
	}
	return b.String()
}

// insertRows writes n rows in chunks; row appends the arguments of row i (len(spec.cols) of them).
func (s *Store) insertRows(ctx context.Context, q querier, spec insertSpec, n int, row func(i int, args []any) ([]any, error)) error {
	per := s.rowsPerStatement(len(spec.cols))
	args := make([]any, 0, min(n, per)*len(spec.cols))
	// The statement for a full chunk is built once, and prepared once on q when it runs more than
	// once: parsing a statement of a thousand rows is a tenth of what writing them costs on SQLite.
	var fullSQL string
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args = args[:0]
		for i := start; i < end; i++ {
			var err error
			if args, err = row(i, args); err != nil {
				return fmt.Errorf("insert into %s: row %d: %w", spec.table, i, err)
			}
		}
		var err error
		switch p, ok := q.(preparer); {
		case end-start < per:
			_, err = q.ExecContext(ctx, s.insertSQL(spec, end-start), args...)
		case full != nil:
			_, err = full.ExecContext(ctx, args...)
		case ok && n-start >= 2*per:
			if full, err = p.PrepareContext(ctx, s.insertSQL(spec, per)); err == nil {
				_, err = full.ExecContext(ctx, args...)
			}
		default:
			if fullSQL == "" {
				fullSQL = s.insertSQL(spec, per)
			}
			_, err = q.ExecContext(ctx, fullSQL, args...)
		}
		if err != nil {
			return fmt.Errorf("insert into %s: %w", spec.table, err)
		}
	}
	return nil
}

// preparer is a querier that can prepare a statement on its own connection (a transaction, or the
// pool outside one).
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// insertAll writes n rows atomically: as one autocommitted statement when they fit in one (saving
// the round trips of BEGIN and COMMIT), else in a transaction.
func (s *Store) insertAll(ctx context.Context, spec insertSpec, n int, row func(i int, args []any) ([]any, error)) error {
	if n <= s.rowsPerStatement(len(spec.cols)) {
		return s.insertRows(ctx, s.w, spec, n, row)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.insertRows(ctx, tx, spec, n, row) })
}

// lastByKey returns the indexes of the items to write: the last occurrence of each key (a batch
// that names a key twice keeps the later item, and PostgreSQL refuses to update a row twice in one
// statement), in key order (so concurrent writers lock rows in the same order).
func lastByKey[T any](items []T, key func(T) string) []int {
	last := make(map[string]int, len(items))
	for i, it := range items {
		last[key(it)] = i
	}
	idx := make([]int, 0, len(last))
	keys := make([]string, len(items))
	for k, i := range last {
		keys[i] = k
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	return idx
}

// joinKey builds a composite map key.
func joinKey(parts ...string) string { return strings.Join(parts, "\x00") }

// deleteWhereIn deletes the rows whose cols match one of n tuples; tuple appends tuple i's values.
func (s *Store) deleteWhereIn(ctx context.Context, q querier, table string, cols []string, n int, tuple func(i int, args []any) []any) error {
	per := s.rowsPerStatement(len(cols))
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			args = tuple(i, args)
		}
		if _, err := s.exec(ctx, q, `DELETE FROM `+table+` WHERE `+inList(cols, end-start), args...); err != nil {
			return fmt.Errorf("delete from %s: %w", table, err)
		}
	}
	return nil
}

// marks returns n comma-separated ? placeholders.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// inList returns "col IN (?, ...)" for one column, or "(a, b) IN (VALUES (?, ?), ...)" for several:
// PostgreSQL plans a VALUES list as a join, where a long list of row comparisons becomes a slow OR.
func inList(cols []string, n int) string {
	if len(cols) == 1 {
		return cols[0] + " IN (" + marks(n) + ")"
	}
	one := "(" + marks(len(cols)) + ")"
	return "(" + strings.Join(cols, ", ") + ") IN (VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ") + ")"
}
