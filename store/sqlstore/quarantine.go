// Quarantine: unusable records with their reasons, idempotent on (run, source, kind, id).
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

var quarantineSpec = insertSpec{
	table: "quarantine",
	cols:  []string{"run", "source", "id", "kind", "reasons", "record", "at"},
	suffix: "ON CONFLICT (run, source, id, kind) DO UPDATE SET reasons = excluded.reasons, " +
		"record = excluded.record, at = excluded.at",
}

// Quarantine stores items; a repeated key replaces the earlier item. A zero At means now.
func (s *Store) Quarantine(ctx context.Context, items []store.QuarantineItem) error {
	if len(items) == 0 {
		return nil
	}
	idx := lastByKey(items, func(q store.QuarantineItem) string { return joinKey(q.Run, q.Source, q.ID, string(q.Kind)) })
	now := time.Now()
	err := s.insertAll(ctx, quarantineSpec, len(idx), func(i int, args []any) ([]any, error) {
		q := items[idx[i]]
		reasons := q.Reasons
		if reasons == nil {
			reasons = []store.Reason{}
		}
		rs, err := jsonArg(reasons)
		if err != nil {
			return nil, err
		}
		var raw any // the record exactly as received; NULL when absent
		if q.Record != nil {
			raw = []byte(q.Record)
		}
		at := q.At
		if at.IsZero() {
			at = now
		}
		return append(args, q.Run, q.Source, q.ID, string(q.Kind), rs, raw, s.t(at)), nil
	})
	if err != nil {
		return fmt.Errorf("quarantine: %w", err)
	}
	return nil
}

// ScanQuarantine visits items of a run ("" = all runs) by (run, source, id, kind).
func (s *Store) ScanQuarantine(ctx context.Context, run string, fn func(store.QuarantineItem) error) error {
	p := pageQuery{
		name: "scan quarantine",
		cols: "run, source, id, kind, reasons, record, at",
		from: "quarantine",
		key:  []string{"run", "source", "id", "kind"},
	}
	if run != "" {
		p.where = []string{"run = ?"}
		p.args = []any{run}
		p.fixed = 1
	}
	return scanPages(ctx, s, p, func(rows *sql.Rows) (store.QuarantineItem, []any, error) {
		var q store.QuarantineItem
		var kind string
		var reasons, raw []byte
		if err := rows.Scan(&q.Run, &q.Source, &q.ID, &kind, &reasons, &raw, timeCol{&q.At}); err != nil {
			return q, nil, err
		}
		q.Kind = record.Kind(kind)
		if err := json.Unmarshal(reasons, &q.Reasons); err != nil {
			return q, nil, fmt.Errorf("decode reasons of %s/%s: %w", q.Source, q.ID, err)
		}
		if raw != nil {
			q.Record = json.RawMessage(raw)
		}
		return q, []any{q.Run, q.Source, q.ID, kind}, nil
	}, fn)
}
