// Identity: profiles, the links from source records to them, and the merge history.
package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

var (
	profilesSpec = insertSpec{
		table: "profiles",
		cols:  []string{"id", "golden", "lineage", "members", "sources", "run"},
		suffix: "ON CONFLICT (id) DO UPDATE SET golden = excluded.golden, lineage = excluded.lineage, " +
			"members = excluded.members, sources = excluded.sources, run = excluded.run",
	}
	// profileInputsSpec writes each profile's segment input beside it, in a narrow table of its
	// own (migration 0008): one row per profile, NULL when it was written without one.
	profileInputsSpec = insertSpec{
		table:  "profile_inputs",
		cols:   []string{"id", "input"},
		suffix: "ON CONFLICT (id) DO UPDATE SET input = excluded.input",
	}
	linksSpec = insertSpec{
		table:  "links",
		cols:   []string{"source", "id", "profile_id", "evidence", "run"},
		suffix: "ON CONFLICT (source, id) DO UPDATE SET profile_id = excluded.profile_id, evidence = excluded.evidence, run = excluded.run",
	}
	mergesSpec = insertSpec{
		table:  "merges",
		cols:   []string{"run", "from_id", "into_id", "reason", "at"},
		suffix: "ON CONFLICT (run, from_id, into_id) DO NOTHING", // a retried write keeps the first record
	}
)

// WriteIdentity applies one resolution in a single transaction, in this order: delete profiles,
// upsert profiles, delete links, upsert links, record merges (so an upsert wins over a delete of the
// same key). It fails, writing nothing, if a link would be left pointing at a deleted profile.
// Empty Run fields of profiles, links and merges take w.Run; a zero merge time means now.
func (s *Store) WriteIdentity(ctx context.Context, w store.IdentityWrite) error {
	runOr := func(r string) string {
		if r == "" {
			return w.Run
		}
		return r
	}
	now := time.Now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"profiles", "profile_inputs"} {
			if err := s.deleteWhereIn(ctx, tx, table, []string{"id"}, len(w.DeleteProfiles), func(i int, args []any) []any {
				return append(args, w.DeleteProfiles[i])
			}); err != nil {
				return err
			}
		}
		recreated := make(map[string]bool, len(w.Profiles))
		upsertProfiles := func(ps []store.Profile) error {
			pidx := lastByKey(ps, func(p store.Profile) string { return p.ID })
			if err := s.insertRows(ctx, tx, profileInputsSpec, len(pidx), func(i int, args []any) ([]any, error) {
				p := ps[pidx[i]]
				return append(args, p.ID, blobArg(p.SegmentInput)), nil
			}); err != nil {
				return err
			}
			return s.insertRows(ctx, tx, profilesSpec, len(pidx), func(i int, args []any) ([]any, error) {
				p := ps[pidx[i]]
				recreated[p.ID] = true
				golden := string(p.GoldenJSON)
				if golden == "" {
					var err error
					if golden, err = jsonArg(p.Golden); err != nil {
						return nil, err
					}
				}
				return append(args, p.ID, golden, rawArg(p.Lineage), p.Members, strings.Join(p.Sources, ","), runOr(p.Run)), nil
			})
		}
		if err := upsertProfiles(w.Profiles); err != nil {
			return err
		}
		if w.MoreProfiles != nil {
			if err := w.MoreProfiles(upsertProfiles); err != nil {
				return err
			}
		}
		if err := s.deleteWhereIn(ctx, tx, "links", []string{"source", "id"}, len(w.DeleteLinks), func(i int, args []any) []any {
			return append(args, w.DeleteLinks[i].Source, w.DeleteLinks[i].ID)
		}); err != nil {
			return err
		}
		upsertLinks := func(ls []store.Link) error {
			lidx := lastByKey(ls, func(l store.Link) string { return joinKey(l.Record.Source, l.Record.ID) })
			return s.insertRows(ctx, tx, linksSpec, len(lidx), func(i int, args []any) ([]any, error) {
				l := ls[lidx[i]]
				return append(args, l.Record.Source, l.Record.ID, l.ProfileID, rawArg(l.Evidence), runOr(l.Run)), nil
			})
		}
		if err := upsertLinks(w.Links); err != nil {
			return err
		}
		if w.MoreLinks != nil {
			if err := w.MoreLinks(upsertLinks); err != nil {
				return err
			}
		}
		midx := lastByKey(w.Merges, func(m store.Merge) string { return joinKey(runOr(m.Run), m.From, m.Into) })
		err := s.insertRows(ctx, tx, mergesSpec, len(midx), func(i int, args []any) ([]any, error) {
			m := w.Merges[midx[i]]
			at := m.At
			if at.IsZero() {
				at = now
			}
			return append(args, runOr(m.Run), m.From, m.Into, m.Reason, s.t(at)), nil
		})
		if err != nil {
			return err
		}
		return s.checkNoDanglingLinks(ctx, tx, w, recreated)
	})
	if err != nil {
		return fmt.Errorf("write identity (run %s): %w", w.Run, err)
	}
	return nil
}

// checkNoDanglingLinks fails if a link points at a profile this write deleted (and did not re-create).
func (s *Store) checkNoDanglingLinks(ctx context.Context, tx *sql.Tx, w store.IdentityWrite, recreated map[string]bool) error {
	var gone []string
	for _, id := range w.DeleteProfiles {
		if !recreated[id] {
			gone = append(gone, id)
		}
	}
	per := s.rowsPerStatement(1)
	for start := 0; start < len(gone); start += per {
		chunk := gone[start:min(start+per, len(gone))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		var k record.RecordKey
		var pid string
		err := s.queryRow(ctx, tx, `SELECT source, id, profile_id FROM links WHERE profile_id IN (`+marks(len(chunk))+`) LIMIT 1`, args...).
			Scan(&k.Source, &k.ID, &pid)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check links of deleted profiles: %w", err)
		}
		return fmt.Errorf("profile %s is deleted but link %s still points at it", pid, k)
	}
	return nil
}

const profileCols = `id, golden, lineage, members, sources, run`

func scanProfile(sc interface{ Scan(...any) error }) (store.Profile, error) {
	var p store.Profile
	var golden, lineage []byte
	var sources string
	if err := sc.Scan(&p.ID, &golden, &lineage, &p.Members, &sources, &p.Run); err != nil {
		return p, err
	}
	if sources != "" {
		p.Sources = strings.Split(sources, ",")
	}
	if err := json.Unmarshal(golden, &p.Golden); err != nil {
		return p, fmt.Errorf("decode profile %s: %w", p.ID, err)
	}
	p.Lineage = rawCol(lineage)
	return p, nil
}

// GetProfile returns one profile; ErrNotFound when missing.
func (s *Store) GetProfile(ctx context.Context, id string) (store.Profile, error) {
	p, err := scanProfile(s.queryRow(ctx, s.r, `SELECT `+profileCols+` FROM profiles WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Profile{}, fmt.Errorf("get profile %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Profile{}, fmt.Errorf("get profile %s: %w", id, err)
	}
	return p, nil
}

// GetProfiles reads the given profiles in statements of at most the dialect's parameter limit.
func (s *Store) GetProfiles(ctx context.Context, ids []string) (map[string]store.Profile, error) {
	out := make(map[string]store.Profile, len(ids))
	chunk := s.rowsPerStatement(1)
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.query(ctx, s.r, `SELECT `+profileCols+` FROM profiles WHERE id IN (`+marks(len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("get profiles: %w", err)
		}
		for rows.Next() {
			p, err := scanProfile(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("get profiles: %w", err)
			}
			out[p.ID] = p
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("get profiles: %w", err)
		}
	}
	return out, nil
}

// ScanProfiles visits profiles by id.
func (s *Store) ScanProfiles(ctx context.Context, fn func(store.Profile) error) error {
	return scanPages(ctx, s, pageQuery{name: "scan profiles", cols: profileCols, from: "profiles", key: []string{"id"}},
		func(rows *sql.Rows) (store.Profile, []any, error) {
			p, err := scanProfile(rows)
			return p, []any{p.ID}, err
		}, fn)
}

// ScanProfileInputs visits profiles by id with their segment input, or their golden record when
// they have none. It walks the narrow profile_inputs table; the profiles table is read only for
// the golden record of a profile without an input.
func (s *Store) ScanProfileInputs(ctx context.Context, fn func(store.ProfileInput) error) error {
	return scanPages(ctx, s, pageQuery{name: "scan profile inputs",
		cols: "i.id, i.input, CASE WHEN i.input IS NULL THEN (SELECT p.golden FROM profiles p WHERE p.id = i.id) END",
		from: "profile_inputs i", key: []string{"i.id"}},
		func(rows *sql.Rows) (store.ProfileInput, []any, error) {
			var p store.ProfileInput
			var input, golden []byte
			if err := rows.Scan(&p.ID, &input, &golden); err != nil {
				return p, nil, err
			}
			if input != nil {
				p.Input = input
			} else {
				p.Golden = new(record.Customer)
				if err := json.Unmarshal(golden, p.Golden); err != nil {
					return p, nil, fmt.Errorf("decode profile %s: %w", p.ID, err)
				}
			}
			return p, []any{p.ID}, nil
		}, fn)
}

const linkCols = `profile_id, source, id, evidence, run`

func scanLink(sc interface{ Scan(...any) error }) (store.Link, error) {
	var l store.Link
	var evidence []byte
	err := sc.Scan(&l.ProfileID, &l.Record.Source, &l.Record.ID, &evidence, &l.Run)
	l.Evidence = rawCol(evidence)
	return l, err
}

// ScanLinks visits links by (profile, source, id).
func (s *Store) ScanLinks(ctx context.Context, fn func(store.Link) error) error {
	return scanPages(ctx, s, pageQuery{name: "scan links", cols: linkCols, from: "links", key: []string{"profile_id", "source", "id"}},
		func(rows *sql.Rows) (store.Link, []any, error) {
			l, err := scanLink(rows)
			return l, []any{l.ProfileID, l.Record.Source, l.Record.ID}, err
		}, fn)
}

// ScanMemberships visits (record, profile) by (profile, source, id), without the evidence.
func (s *Store) ScanMemberships(ctx context.Context, fn func(record.RecordKey, string) error) error {
	type member struct {
		rec     record.RecordKey
		profile string
	}
	return scanPages(ctx, s, pageQuery{name: "scan memberships", cols: "profile_id, source, id", from: "links", key: []string{"profile_id", "source", "id"}},
		func(rows *sql.Rows) (member, []any, error) {
			var m member
			err := rows.Scan(&m.profile, &m.rec.Source, &m.rec.ID)
			return m, []any{m.profile, m.rec.Source, m.rec.ID}, err
		}, func(m member) error { return fn(m.rec, m.profile) })
}

// ProfileLinks returns a profile's links by (source, id).
func (s *Store) ProfileLinks(ctx context.Context, profileID string) ([]store.Link, error) {
	rows, err := s.query(ctx, s.r, `SELECT `+linkCols+` FROM links WHERE profile_id = ? ORDER BY source, id`, profileID)
	if err != nil {
		return nil, fmt.Errorf("profile links %s: %w", profileID, err)
	}
	defer rows.Close()
	var links []store.Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, fmt.Errorf("profile links %s: %w", profileID, err)
		}
		links = append(links, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("profile links %s: %w", profileID, err)
	}
	return links, nil
}

// Merges lists merges into or out of a profile, oldest first.
func (s *Store) Merges(ctx context.Context, profileID string) ([]store.Merge, error) {
	rows, err := s.query(ctx, s.r, `SELECT run, from_id, into_id, reason, at FROM merges WHERE from_id = ? OR into_id = ?
		ORDER BY at, run, from_id, into_id`, profileID, profileID)
	if err != nil {
		return nil, fmt.Errorf("merges of %s: %w", profileID, err)
	}
	defer rows.Close()
	var ms []store.Merge
	for rows.Next() {
		var m store.Merge
		if err := rows.Scan(&m.Run, &m.From, &m.Into, &m.Reason, timeCol{&m.At}); err != nil {
			return nil, fmt.Errorf("merges of %s: %w", profileID, err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("merges of %s: %w", profileID, err)
	}
	return ms, nil
}

// CountProfiles counts profiles.
func (s *Store) CountProfiles(ctx context.Context) (int, error) {
	return s.count(ctx, "profiles")
}
