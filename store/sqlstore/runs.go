// Runs: one row per workflow run.
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

// StartRun inserts the run, or on a repeat updates everything but StartedAt (the first one stays).
// An empty Status means "running"; a zero StartedAt means now.
func (s *Store) StartRun(ctx context.Context, r store.Run) error {
	if r.ID == "" {
		return errors.New("start run: empty id")
	}
	if r.Status == "" {
		r.Status = "running"
	}
	if r.StartedAt.IsZero() {
		r.StartedAt = time.Now()
	}
	_, err := s.exec(ctx, s.w, `INSERT INTO runs (id, kind, status, started_at, finished_at, summary) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
			finished_at = excluded.finished_at, summary = excluded.summary`,
		r.ID, r.Kind, r.Status, s.t(r.StartedAt), s.t(r.FinishedAt), rawArg(r.Summary))
	if err != nil {
		return fmt.Errorf("start run %s: %w", r.ID, err)
	}
	return nil
}

// FinishRun sets the run's final status and summary. FinishedAt is set by the first call and kept
// by repeats. ErrNotFound when the run was never started.
func (s *Store) FinishRun(ctx context.Context, id, status string, summary json.RawMessage) error {
	res, err := s.exec(ctx, s.w, `UPDATE runs SET status = ?, summary = ?, finished_at = COALESCE(finished_at, ?) WHERE id = ?`,
		status, rawArg(summary), s.t(time.Now()), id)
	if err != nil {
		return fmt.Errorf("finish run %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("finish run %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("finish run %s: %w", id, store.ErrNotFound)
	}
	return nil
}

const runCols = `id, kind, status, started_at, finished_at, summary`

func scanRun(sc interface{ Scan(...any) error }) (store.Run, error) {
	var r store.Run
	var summary []byte
	err := sc.Scan(&r.ID, &r.Kind, &r.Status, timeCol{&r.StartedAt}, timeCol{&r.FinishedAt}, &summary)
	r.Summary = rawCol(summary)
	return r, err
}

// GetRun returns one run; ErrNotFound when missing.
func (s *Store) GetRun(ctx context.Context, id string) (store.Run, error) {
	r, err := scanRun(s.queryRow(ctx, s.r, `SELECT `+runCols+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Run{}, fmt.Errorf("get run %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("get run %s: %w", id, err)
	}
	return r, nil
}

// ListRuns returns up to limit runs (limit <= 0: all), newest first.
func (s *Store) ListRuns(ctx context.Context, limit int) ([]store.Run, error) {
	q := `SELECT ` + runCols + ` FROM runs ORDER BY started_at DESC, id DESC`
	var args []any
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.query(ctx, s.r, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var runs []store.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}
