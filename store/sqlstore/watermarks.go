// Watermarks: incremental sync positions per (source, kind).
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// GetWatermark returns the watermark of (source, kind); ErrNotFound when none was set.
func (s *Store) GetWatermark(ctx context.Context, source string, kind record.Kind) (store.Watermark, error) {
	w := store.Watermark{Source: source, Kind: kind}
	err := s.queryRow(ctx, s.r, `SELECT value, run, updated_at FROM watermarks WHERE source = ? AND kind = ?`, source, string(kind)).
		Scan(timeCol{&w.Value}, &w.Run, timeCol{&w.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return store.Watermark{}, fmt.Errorf("get watermark %s/%s: %w", source, kind, store.ErrNotFound)
	}
	if err != nil {
		return store.Watermark{}, fmt.Errorf("get watermark %s/%s: %w", source, kind, err)
	}
	return w, nil
}

// SetWatermark stores the watermark of (w.Source, w.Kind). A zero UpdatedAt means now.
func (s *Store) SetWatermark(ctx context.Context, w store.Watermark) error {
	if w.UpdatedAt.IsZero() {
		w.UpdatedAt = time.Now()
	}
	_, err := s.exec(ctx, s.w, `INSERT INTO watermarks (source, kind, value, run, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (source, kind) DO UPDATE SET value = excluded.value, run = excluded.run, updated_at = excluded.updated_at`,
		w.Source, string(w.Kind), s.t(w.Value), w.Run, s.t(w.UpdatedAt))
	if err != nil {
		return fmt.Errorf("set watermark %s/%s: %w", w.Source, w.Kind, err)
	}
	return nil
}
