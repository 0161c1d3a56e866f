// missing.go finds a full snapshot's deletions: the live clean customers of a source that a run
// did not stage. It runs on every refresh of a snapshot source and touches every customer key of
// it, so how it reads matters: reading each customer row for its deleted flag cost seconds per
// million customers on SQLite.
package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/cdpflow/cdpflow/record"
)

// missingQuery finds the deletions in two steps: the keys of the source the run did not stage,
// probed on the primary-key indexes alone (no customer row is read), then the live ones among
// them, in byte order whatever the database collation. PostgreSQL runs it; SQLite merges the two
// key orders instead (missingByMerge): at 1M, 0.8 s against 1.8 s for this query's index probes.
const missingQuery = `WITH k AS MATERIALIZED (SELECT c.source, c.id FROM customers c WHERE c.source = ?
		AND NOT EXISTS (SELECT 1 FROM staged s WHERE s.run = ? AND s.kind = ? AND s.source = c.source AND s.id = c.id))
	SELECT c.source, c.id FROM k JOIN customers c ON c.source = k.source AND c.id = k.id
	WHERE c.deleted = ? ORDER BY c.id COLLATE "C"`

// The merge's two cursors: each must walk its primary-key index alone, already in id order.
const (
	cleanIDsQuery  = `SELECT id FROM customers WHERE source = ? ORDER BY id`
	stagedIDsQuery = `SELECT id FROM staged WHERE run = ? AND kind = ? AND source = ? ORDER BY id`
)

// MissingFromRun lists the live clean customers of source whose key run did not stage (a full
// snapshot's deletions), by id.
func (s *Store) MissingFromRun(ctx context.Context, run, source string) ([]record.RecordKey, error) {
	var keys []record.RecordKey
	var err error
	if s.d.name == SQLite.name {
		keys, err = s.missingByMerge(ctx, run, source)
	} else {
		keys, err = s.missingByQuery(ctx, run, source)
	}
	if err != nil {
		return nil, fmt.Errorf("customers missing from run %s: %w", run, err)
	}
	return keys, nil
}

func (s *Store) missingByQuery(ctx context.Context, run, source string) ([]record.RecordKey, error) {
	rows, err := s.query(ctx, s.r, missingQuery, source, run, string(record.KindCustomer), false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []record.RecordKey
	for rows.Next() {
		k := record.RecordKey{}
		if err := rows.Scan(&k.Source, &k.ID); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// missingByMerge walks the source's customer ids and the run's staged ids side by side, each in
// its primary-key index order (SQLite's BINARY collation is Go's byte order), keeps the customer
// ids with no staged twin, then reads the deleted flag of those alone. Both cursors run on one
// connection: an in-memory store has no other.
func (s *Store) missingByMerge(ctx context.Context, run, source string) ([]record.RecordKey, error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	clean, err := s.query(ctx, conn, cleanIDsQuery, source)
	if err != nil {
		return nil, err
	}
	defer clean.Close()
	staged, err := s.query(ctx, conn, stagedIDsQuery, run, string(record.KindCustomer), source)
	if err != nil {
		return nil, err
	}
	defer staged.Close()
	var gone []string
	var id, next string
	more := staged.Next()
	if more {
		if err := staged.Scan(&next); err != nil {
			return nil, err
		}
	}
	for clean.Next() {
		if err := clean.Scan(&id); err != nil {
			return nil, err
		}
		for more && next < id {
			if more = staged.Next(); more {
				if err := staged.Scan(&next); err != nil {
					return nil, err
				}
			}
		}
		if !more || next != id {
			gone = append(gone, id)
		}
	}
	if err := clean.Err(); err != nil {
		return nil, err
	}
	if err := staged.Err(); err != nil {
		return nil, err
	}
	clean.Close()
	staged.Close()
	return s.liveAmong(ctx, conn, source, gone)
}

// liveAmong returns the keys of source among ids whose clean customer is not deleted, by id.
func (s *Store) liveAmong(ctx context.Context, q querier, source string, ids []string) ([]record.RecordKey, error) {
	var live []string
	per := min(s.d.maxParams-2, 10000)
	for start := 0; start < len(ids); start += per {
		chunk := ids[start:min(start+per, len(ids))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, source, false)
		for _, id := range chunk {
			args = append(args, id)
		}
		got, err := s.strings(ctx, q, `SELECT id FROM customers WHERE source = ? AND deleted = ? AND `+inList([]string{"id"}, len(chunk)), args...)
		if err != nil {
			return nil, err
		}
		live = append(live, got...)
	}
	slices.Sort(live)
	keys := make([]record.RecordKey, len(live))
	for i, id := range live {
		keys[i] = record.RecordKey{Source: source, ID: id}
	}
	return keys, nil
}
