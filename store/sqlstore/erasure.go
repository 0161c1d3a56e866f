// Erasure: requests with receipts, suppressions, and the deletion of every row about a person.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/store"
)

var (
	erasureSpec = insertSpec{table: "erasures",
		cols:   []string{"id", "reason", "status", "requested_at", "deadline", "finished_at", "subject", "keys", "receipts"},
		suffix: "ON CONFLICT (id) DO NOTHING"}
	suppressionSpec = insertSpec{table: "suppressions", cols: []string{"key", "erasure", "at"}, suffix: "ON CONFLICT (key) DO NOTHING"}
)

func (s *Store) erasureArgs(args []any, e store.Erasure) ([]any, error) {
	var subject any
	if e.Subject != nil {
		b, err := json.Marshal(e.Subject)
		if err != nil {
			return nil, err
		}
		subject = string(b)
	}
	keys, err := jsonArg(nonNil(e.Keys))
	if err != nil {
		return nil, err
	}
	receipts, err := jsonArg(nonNil(e.Receipts))
	if err != nil {
		return nil, err
	}
	return append(args, e.ID, e.Reason, e.Status, s.t(e.RequestedAt), s.t(e.Deadline), s.t(e.FinishedAt), subject, keys, receipts), nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// CreateErasure stores a new request; an existing one with the same id is kept.
func (s *Store) CreateErasure(ctx context.Context, e store.Erasure) error {
	if err := s.insertAll(ctx, erasureSpec, 1, func(_ int, args []any) ([]any, error) { return s.erasureArgs(args, e) }); err != nil {
		return fmt.Errorf("create erasure %s: %w", e.ID, err)
	}
	return nil
}

// UpdateErasure stores status, receipts, finish time and subject.
func (s *Store) UpdateErasure(ctx context.Context, e store.Erasure) error {
	args, err := s.erasureArgs(nil, e)
	if err != nil {
		return fmt.Errorf("update erasure %s: %w", e.ID, err)
	}
	// args: id, reason, status, requested_at, deadline, finished_at, subject, keys, receipts
	res, err := s.exec(ctx, s.w, `UPDATE erasures SET status = ?, finished_at = ?, subject = ?, keys = ?, receipts = ? WHERE id = ?`,
		args[2], args[5], args[6], args[7], args[8], args[0])
	if err != nil {
		return fmt.Errorf("update erasure %s: %w", e.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update erasure %s: %w", e.ID, store.ErrNotFound)
	}
	return nil
}

const erasureCols = `id, reason, status, requested_at, deadline, finished_at, subject, keys, receipts`

func scanErasure(sc interface{ Scan(...any) error }) (store.Erasure, error) {
	var e store.Erasure
	var subject, keys, receipts []byte
	if err := sc.Scan(&e.ID, &e.Reason, &e.Status, timeCol{&e.RequestedAt}, timeCol{&e.Deadline}, timeCol{&e.FinishedAt},
		&subject, &keys, &receipts); err != nil {
		return e, err
	}
	if len(subject) > 0 && string(subject) != "null" {
		e.Subject = &store.ErasureSubject{}
		if err := json.Unmarshal(subject, e.Subject); err != nil {
			return e, fmt.Errorf("decode erasure %s subject: %w", e.ID, err)
		}
	}
	if err := json.Unmarshal(keys, &e.Keys); err != nil {
		return e, fmt.Errorf("decode erasure %s keys: %w", e.ID, err)
	}
	if err := json.Unmarshal(receipts, &e.Receipts); err != nil {
		return e, fmt.Errorf("decode erasure %s receipts: %w", e.ID, err)
	}
	return e, nil
}

// GetErasure returns one request; ErrNotFound when missing.
func (s *Store) GetErasure(ctx context.Context, id string) (store.Erasure, error) {
	e, err := scanErasure(s.queryRow(ctx, s.r, `SELECT `+erasureCols+` FROM erasures WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("get erasure %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("get erasure %s: %w", id, err)
	}
	return e, nil
}

// ListErasures returns requests, newest first.
func (s *Store) ListErasures(ctx context.Context, limit int) ([]store.Erasure, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.query(ctx, s.r, `SELECT `+erasureCols+` FROM erasures ORDER BY requested_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list erasures: %w", err)
	}
	defer rows.Close()
	var out []store.Erasure
	for rows.Next() {
		e, err := scanErasure(rows)
		if err != nil {
			return nil, fmt.Errorf("list erasures: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Suppress adds keys to the suppression list (existing keys keep their first erasure).
func (s *Store) Suppress(ctx context.Context, keys []string, erasure string, at time.Time) error {
	if err := s.insertAll(ctx, suppressionSpec, len(keys), func(i int, args []any) ([]any, error) {
		return append(args, keys[i], erasure, s.t(at)), nil
	}); err != nil {
		return fmt.Errorf("suppress: %w", err)
	}
	return nil
}

// SuppressedKeys returns the suppression list.
func (s *Store) SuppressedKeys(ctx context.Context) (map[string]bool, error) {
	rows, err := s.query(ctx, s.r, `SELECT key FROM suppressions`)
	if err != nil {
		return nil, fmt.Errorf("suppressions: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("suppressions: %w", err)
		}
		out[k] = true
	}
	return out, rows.Err()
}

// likeText escapes a value for LIKE ... ESCAPE '\' and wraps it in %.
func likeText(v string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(v)) + "%"
}

// DeletePerson deletes every row about a person in one transaction.
func (s *Store) DeletePerson(ctx context.Context, p store.PersonRows) (map[string]int, error) {
	counts := map[string]int{}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		del := func(table, where string, args ...any) error {
			res, err := s.exec(ctx, tx, `DELETE FROM `+table+` WHERE `+where, args...)
			if err != nil {
				return fmt.Errorf("delete from %s: %w", table, err)
			}
			n, _ := res.RowsAffected()
			counts[table] += int(n)
			return nil
		}
		byKeys := func(table string, cols []string, n int, tuple func(i int) []any) error {
			per := s.rowsPerStatement(len(cols))
			for start := 0; start < n; start += per {
				end := min(start+per, n)
				var args []any
				for i := start; i < end; i++ {
					args = append(args, tuple(i)...)
				}
				if err := del(table, inList(cols, end-start), args...); err != nil {
					return err
				}
			}
			return nil
		}
		rec := func(i int) []any { return []any{p.Records[i].Source, p.Records[i].ID} }
		prof := func(i int) []any { return []any{p.Profiles[i]} }
		steps := []func() error{
			func() error { return byKeys("customers", []string{"source", "id"}, len(p.Records), rec) },
			func() error { return byKeys("staged", []string{"source", "id"}, len(p.Records), rec) },
			func() error { return byKeys("quarantine", []string{"source", "id"}, len(p.Records), rec) },
			func() error { return byKeys("links", []string{"source", "id"}, len(p.Records), rec) },
			func() error { return byKeys("orders", []string{"source", "customer_id"}, len(p.Records), rec) },
			func() error {
				return byKeys("engagements", []string{"source", "id"}, len(p.Engagements), func(i int) []any {
					return []any{p.Engagements[i].Source, p.Engagements[i].ID}
				})
			},
			func() error { return byKeys("profiles", []string{"id"}, len(p.Profiles), prof) },
			func() error { return byKeys("profile_inputs", []string{"id"}, len(p.Profiles), prof) },
			func() error { return byKeys("segment_members", []string{"profile_id"}, len(p.Profiles), prof) },
			func() error { return byKeys("segment_changes", []string{"profile_id"}, len(p.Profiles), prof) },
			func() error { return byKeys("deliveries", []string{"profile_id"}, len(p.Profiles), prof) },
			func() error { return byKeys("destination_members", []string{"profile_id"}, len(p.Profiles), prof) },
			func() error { return byKeys("merges", []string{"from_id"}, len(p.Profiles), prof) },
			func() error { return byKeys("merges", []string{"into_id"}, len(p.Profiles), prof) },
			func() error {
				return byKeys("optouts", []string{"key"}, len(p.OptOutKeys), func(i int) []any { return []any{p.OptOutKeys[i]} })
			},
		}
		for _, text := range p.Texts {
			if strings.TrimSpace(text) == "" {
				continue
			}
			like := likeText(text)
			steps = append(steps,
				func() error { return del("staged", `LOWER(`+s.d.text("data")+`) LIKE ? ESCAPE '\'`, like) },
				func() error {
					return del("quarantine", `LOWER(`+s.d.bytesText("record")+`) LIKE ? ESCAPE '\' OR LOWER(`+s.d.text("reasons")+`) LIKE ? ESCAPE '\'`, like, like)
				},
				func() error { return del("orders", `LOWER(`+s.d.text("data")+`) LIKE ? ESCAPE '\'`, like) },
				func() error { return del("deliveries", `LOWER(reason) LIKE ? ESCAPE '\'`, like) },
			)
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete person: %w", err)
	}
	return counts, nil
}
