// Package sqlstore implements store.Store on database/sql; the sqlite and postgres packages open it.
//
// Design:
//   - Records are stored as JSON in a data column next to their key columns and the columns used
//     for filtering and ordering.
//   - Writes go to the write pool, batched as multi-row INSERT ... ON CONFLICT statements chunked
//     under the dialect's parameter limit. Each call is atomic: one autocommitted statement when
//     its rows fit in one, otherwise a transaction.
//   - Keys are compared in byte order on both backends (PostgreSQL columns are COLLATE "C").
//   - Scans page through the table by key (keyset pagination) and call fn between pages, so memory
//     stays bounded, no read transaction stays open while fn runs, and fn may call the store.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/store"
)

var _ store.Store = (*Store)(nil)

// defaultPageSize is how many rows a scan reads per query.
const defaultPageSize = 1000

// Store is the database/sql implementation of store.Store.
type Store struct {
	d        Dialect
	w        *sql.DB // writes and write transactions
	r        *sql.DB // single-statement reads; may be w
	pageSize int
}

// Option tunes a Store.
type Option func(*Store)

// WithPageSize sets how many rows a scan reads per query (default 1000).
func WithPageSize(n int) Option {
	return func(s *Store) {
		if n > 0 {
			s.pageSize = n
		}
	}
}

// New wraps open database handles and applies pending migrations. write takes every write; read
// (nil = write) takes reads. The Store owns both handles: Close closes them.
func New(ctx context.Context, d Dialect, write, read *sql.DB, opts ...Option) (*Store, error) {
	if read == nil {
		read = write
	}
	s := &Store{d: d, w: write, r: read, pageSize: defaultPageSize}
	for _, o := range opts {
		o(s)
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Close closes the database handles.
func (s *Store) Close() error {
	var errs []error
	if s.r != s.w {
		if err := s.r.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close read pool: %w", err))
		}
	}
	if err := s.w.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close write pool: %w", err))
	}
	return errors.Join(errs...)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// exec runs a ?-placeholder statement.
func (s *Store) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, s.d.rebind(query), args...)
}

// query runs a ?-placeholder query.
func (s *Store) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, s.d.rebind(query), args...)
}

// queryRow runs a ?-placeholder single-row query.
func (s *Store) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, s.d.rebind(query), args...)
}

// inTx runs fn in a write transaction, committing when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lock serializes transactions on key where the backend needs it.
func (s *Store) lock(ctx context.Context, tx *sql.Tx, key string) error {
	if s.d.lock == nil {
		return nil
	}
	return s.d.lock(ctx, tx, key)
}

// t encodes a time argument.
func (s *Store) t(t time.Time) any { return s.d.timeArg(t) }

// jsonArg marshals v for a JSON column.
func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// rawArg stores caller-provided JSON as is; empty becomes NULL.
func rawArg(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}

// blobArg converts a nullable binary column's value for a query (empty = NULL).
func blobArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// rawCol converts a scanned nullable JSON column back into a RawMessage (NULL = nil).
func rawCol(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return json.RawMessage(b)
}
