// Staging: raw records of one run, idempotent on (run, source, kind, id).
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cdpflow/cdpflow/record"
)

var stagedSpec = insertSpec{
	table:  "staged",
	cols:   []string{"run", "kind", "source", "id", "data"},
	suffix: "ON CONFLICT (run, kind, source, id) DO UPDATE SET data = excluded.data",
}

// stage writes one page of records of a kind atomically; the last copy of a key wins.
func stage[T any](ctx context.Context, s *Store, run string, kind record.Kind, recs []T, key func(T) record.RecordKey) error {
	if run == "" {
		return fmt.Errorf("stage %s: empty run", kind)
	}
	if len(recs) == 0 {
		return nil
	}
	idx := lastByKey(recs, func(r T) string { k := key(r); return joinKey(k.Source, k.ID) })
	err := s.insertAll(ctx, stagedSpec, len(idx), func(i int, args []any) ([]any, error) {
		r := recs[idx[i]]
		data, err := jsonArg(r)
		if err != nil {
			return nil, err
		}
		k := key(r)
		return append(args, run, string(kind), k.Source, k.ID, data), nil
	})
	if err != nil {
		return fmt.Errorf("stage %s: %w", kind, err)
	}
	return nil
}

// Stage stores one page of raw records of a run; each kind is written atomically.
func (s *Store) Stage(ctx context.Context, run string, b record.Batch) error {
	if err := stage(ctx, s, run, record.KindCustomer, b.Customers, record.Customer.Key); err != nil {
		return err
	}
	if err := stage(ctx, s, run, record.KindOrder, b.Orders, record.Order.Key); err != nil {
		return err
	}
	return stage(ctx, s, run, record.KindEngagement, b.Engagements, record.Engagement.Key)
}

// StagedCounts counts a run's staged records of one source per kind.
func (s *Store) StagedCounts(ctx context.Context, run, source string) (map[record.Kind]int, error) {
	rows, err := s.query(ctx, s.r, `SELECT kind, COUNT(*) FROM staged WHERE run = ? AND source = ? GROUP BY kind`, run, source)
	if err != nil {
		return nil, fmt.Errorf("staged counts: %w", err)
	}
	defer rows.Close()
	counts := map[record.Kind]int{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, fmt.Errorf("staged counts: %w", err)
		}
		counts[record.Kind(kind)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("staged counts: %w", err)
	}
	return counts, nil
}

// scanStaged visits a run's staged records of a kind, ordered by (source, id).
func scanStaged[T any](ctx context.Context, s *Store, run, source string, kind record.Kind, fn func(T) error) error {
	p := pageQuery{
		name:  "scan staged " + string(kind),
		cols:  "source, id, data",
		from:  "staged",
		where: []string{"run = ?", "kind = ?"},
		args:  []any{run, string(kind)},
		key:   []string{"source", "id"},
	}
	if source != "" {
		p.where = append(p.where, "source = ?")
		p.args = append(p.args, source)
	}
	return scanPages(ctx, s, p, decodeKeyed[T], fn)
}

// decodeKeyed reads (source, id, data) rows, decoding data as T.
func decodeKeyed[T any](rows *sql.Rows) (T, []any, error) {
	var v T
	var src, id string
	var data []byte
	if err := rows.Scan(&src, &id, &data); err != nil {
		return v, nil, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, nil, fmt.Errorf("decode %s/%s: %w", src, id, err)
	}
	return v, []any{src, id}, nil
}

// ScanStaged visits a run's staged records of a source ("" = all), kind by kind, by (source, id).
func (s *Store) ScanStaged(ctx context.Context, run, source string, v record.Visitor) error {
	if v.Customer != nil {
		if err := scanStaged(ctx, s, run, source, record.KindCustomer, v.Customer); err != nil {
			return err
		}
	}
	if v.Order != nil {
		if err := scanStaged(ctx, s, run, source, record.KindOrder, v.Order); err != nil {
			return err
		}
	}
	if v.Engagement != nil {
		return scanStaged(ctx, s, run, source, record.KindEngagement, v.Engagement)
	}
	return nil
}

// DeleteStaged drops a run's staging rows.
func (s *Store) DeleteStaged(ctx context.Context, run string) error {
	if run == "" {
		return errors.New("delete staged: empty run")
	}
	if _, err := s.exec(ctx, s.w, `DELETE FROM staged WHERE run = ?`, run); err != nil {
		return fmt.Errorf("delete staged %s: %w", run, err)
	}
	return nil
}
