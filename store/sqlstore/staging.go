// Staging: raw records of one run, idempotent on (run, source, kind, id).
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

var stagedSpec = insertSpec{
	table:  "staged",
	cols:   []string{"run", "kind", "source", "id", "data", "digest"},
	suffix: "ON CONFLICT (run, kind, source, id) DO UPDATE SET data = excluded.data, digest = excluded.digest",
}

// stage writes one page of records of a kind atomically; the last copy of a key wins.
// digest, when set, gives each record's content digest (customers'); others get "".
func stage[T any](ctx context.Context, s *Store, run string, kind record.Kind, recs []T, key func(T) record.RecordKey, digest func(T) (string, error)) error {
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
		var d string
		if digest != nil {
			if d, err = digest(r); err != nil {
				return nil, err
			}
		}
		return append(args, run, string(kind), k.Source, k.ID, data, d), nil
	})
	if err != nil {
		return fmt.Errorf("stage %s: %w", kind, err)
	}
	return nil
}

// Stage stores one page of raw records of a run; each kind is written atomically.
func (s *Store) Stage(ctx context.Context, run string, b record.Batch) error {
	if err := stage(ctx, s, run, record.KindCustomer, b.Customers, record.Customer.Key, record.ContentDigest); err != nil {
		return err
	}
	if err := stage(ctx, s, run, record.KindOrder, b.Orders, record.Order.Key, nil); err != nil {
		return err
	}
	return stage(ctx, s, run, record.KindEngagement, b.Engagements, record.Engagement.Key, nil)
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
		p.fixed = 1
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

// ScanStagedCustomers visits a run's staged customers of one source page by page, undecoded, in
// (source, id) order. With opt.ChangedOnly it skips the rows whose digest equals that of the clean
// row of the same key, unless this run wrote that row (a retried cleanse redoes its own writes).
// A part (opt.Parts > 1) is a range of digests: each part reads through the run's rows of the
// source and keeps its own (the staged table has no digest index; a part's share of the reading
// is the price of not keeping one up to date on every staged write).
func (s *Store) ScanStagedCustomers(ctx context.Context, run, source string, opt store.StagedScan, fn func([]store.StagedCustomer) error) error {
	if opt.Parts > store.MaxParts || opt.Parts > 1 && (opt.Part < 0 || opt.Part >= opt.Parts) {
		return fmt.Errorf("scan staged customers: part %d of %d: want 0 <= part < parts <= %d", opt.Part, opt.Parts, store.MaxParts)
	}
	p := pageQuery{
		name:  "scan staged customers",
		cols:  "s.source, s.id, s.data, s.digest, COALESCE(c.email_key, ''), COALESCE(c.phone_key, '')",
		from:  "staged s LEFT JOIN customers c ON c.source = s.source AND c.id = s.id",
		where: []string{"s.run = ?", "s.kind = ?", "s.source = ?"},
		args:  []any{run, string(record.KindCustomer), source},
		key:   []string{"s.source", "s.id"},
		fixed: 1,
	}
	if opt.ChangedOnly {
		p.where = append(p.where, "(c.id IS NULL OR s.digest = '' OR c.digest <> s.digest OR c.last_run = ?)")
		p.args = append(p.args, run)
	}
	if lo, hi := store.DigestRange(opt.Part, opt.Parts); opt.Parts > 1 {
		if lo != "" {
			p.where = append(p.where, "s.digest >= ?")
			p.args = append(p.args, lo)
		}
		if hi != "" {
			p.where = append(p.where, "s.digest < ?")
			p.args = append(p.args, hi)
		}
	}
	scan := func(rows *sql.Rows) (store.StagedCustomer, []any, error) {
		var r store.StagedCustomer
		if err := rows.Scan(&r.Key.Source, &r.Key.ID, &r.Data, &r.Digest, &r.PrevEmailKey, &r.PrevPhoneKey); err != nil {
			return r, nil, err
		}
		return r, []any{r.Key.Source, r.Key.ID}, nil
	}
	return scanPageBatches(ctx, s, p, scan, fn)
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
