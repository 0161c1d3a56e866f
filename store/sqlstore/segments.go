// Segments: current membership per segment, and the change each run's application made.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/store"
)

const (
	opAdd    = "add"
	opRemove = "remove"
)

var (
	segmentMembersSpec = insertSpec{
		table:  "segment_members",
		cols:   []string{"segment", "profile_id"},
		suffix: "ON CONFLICT (segment, profile_id) DO NOTHING",
	}
	segmentChangesSpec = insertSpec{
		table:  "segment_changes",
		cols:   []string{"run", "segment", "op", "profile_id"},
		suffix: "ON CONFLICT (run, segment, op, profile_id) DO NOTHING",
	}
)

// ApplySegment makes members the segment's membership and returns the change. A repeat for the
// same (run, segment) writes nothing and returns the first application's change. Members need not
// be sorted or distinct.
func (s *Store) ApplySegment(ctx context.Context, run, segment string, members []string) (store.SegmentChange, error) {
	want := slices.Clone(members)
	slices.Sort(want)
	want = slices.Compact(want)
	var ch store.SegmentChange
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx, "segment:"+segment); err != nil {
			return err
		}
		res, err := s.exec(ctx, tx, `INSERT INTO segment_runs (segment, run, members, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (segment, run) DO NOTHING`, segment, run, len(want), s.t(time.Now()))
		if err != nil {
			return fmt.Errorf("record application: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("record application: %w", err)
		}
		if n == 0 { // applied before: report what that application did
			ch, err = s.storedChange(ctx, tx, run, segment)
			return err
		}
		current, err := s.strings(ctx, tx, `SELECT profile_id FROM segment_members WHERE segment = ?`, segment)
		if err != nil {
			return fmt.Errorf("read members: %w", err)
		}
		slices.Sort(current)
		added, removed := diffSorted(current, want)
		ch = store.SegmentChange{Segment: segment, Members: len(want), Added: added, Removed: removed}

		if err := s.insertRows(ctx, tx, segmentMembersSpec, len(added), func(i int, args []any) ([]any, error) {
			return append(args, segment, added[i]), nil
		}); err != nil {
			return err
		}
		if err := s.deleteWhereIn(ctx, tx, "segment_members", []string{"segment", "profile_id"}, len(removed), func(i int, args []any) []any {
			return append(args, segment, removed[i])
		}); err != nil {
			return err
		}
		return s.insertRows(ctx, tx, segmentChangesSpec, len(added)+len(removed), func(i int, args []any) ([]any, error) {
			if i < len(added) {
				return append(args, run, segment, opAdd, added[i]), nil
			}
			return append(args, run, segment, opRemove, removed[i-len(added)]), nil
		})
	})
	if err != nil {
		return store.SegmentChange{}, fmt.Errorf("apply segment %s (run %s): %w", segment, run, err)
	}
	return ch, nil
}

// storedChange rebuilds the change a run's application of a segment made.
func (s *Store) storedChange(ctx context.Context, q querier, run, segment string) (store.SegmentChange, error) {
	ch := store.SegmentChange{Segment: segment, Added: []string{}, Removed: []string{}}
	if err := s.queryRow(ctx, q, `SELECT members FROM segment_runs WHERE segment = ? AND run = ?`, segment, run).Scan(&ch.Members); err != nil {
		return ch, fmt.Errorf("read application: %w", err)
	}
	rows, err := s.query(ctx, q, `SELECT op, profile_id FROM segment_changes WHERE run = ? AND segment = ?`, run, segment)
	if err != nil {
		return ch, fmt.Errorf("read change: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var op, id string
		if err := rows.Scan(&op, &id); err != nil {
			return ch, fmt.Errorf("read change: %w", err)
		}
		if op == opAdd {
			ch.Added = append(ch.Added, id)
		} else {
			ch.Removed = append(ch.Removed, id)
		}
	}
	if err := rows.Err(); err != nil {
		return ch, fmt.Errorf("read change: %w", err)
	}
	slices.Sort(ch.Added)
	slices.Sort(ch.Removed)
	return ch, nil
}

// diffSorted returns the ids only in want (added) and only in have (removed); both inputs sorted
// and distinct. The results are never nil.
func diffSorted(have, want []string) (added, removed []string) {
	added, removed = []string{}, []string{}
	i, j := 0, 0
	for i < len(have) || j < len(want) {
		switch {
		case j == len(want) || (i < len(have) && have[i] < want[j]):
			removed = append(removed, have[i])
			i++
		case i == len(have) || want[j] < have[i]:
			added = append(added, want[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}

// SegmentMembers returns a segment's current members, sorted.
func (s *Store) SegmentMembers(ctx context.Context, segment string) ([]string, error) {
	ids, err := s.strings(ctx, s.r, `SELECT profile_id FROM segment_members WHERE segment = ? ORDER BY profile_id`, segment)
	if err != nil {
		return nil, fmt.Errorf("segment members %s: %w", segment, err)
	}
	return ids, nil
}

// SegmentNames returns every segment ever applied (even if now empty), sorted.
func (s *Store) SegmentNames(ctx context.Context) ([]string, error) {
	names, err := s.strings(ctx, s.r, `SELECT DISTINCT segment FROM segment_runs ORDER BY segment`)
	if err != nil {
		return nil, fmt.Errorf("segment names: %w", err)
	}
	return names, nil
}

// strings runs a query returning one string column.
func (s *Store) strings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := s.query(ctx, q, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
