// Delivery ledger: one row per (destination, run, op, profile), and the members it leaves behind.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/store"
)

var deliveryCols = []string{"destination", "run", "op", "profile_id", "batch_key", "status", "provider_id",
	"reason", "attempts", "fingerprint", "handle", "updated_at"}

var (
	reserveSpec = insertSpec{
		table:  "deliveries",
		cols:   deliveryCols,
		suffix: "ON CONFLICT (destination, run, op, profile_id) DO NOTHING RETURNING destination, run, op, profile_id",
	}
	recordSpec = insertSpec{
		table: "deliveries",
		cols:  deliveryCols,
		suffix: "ON CONFLICT (destination, run, op, profile_id) DO UPDATE SET batch_key = excluded.batch_key, " +
			"status = excluded.status, provider_id = excluded.provider_id, reason = excluded.reason, " +
			"attempts = excluded.attempts, fingerprint = excluded.fingerprint, handle = excluded.handle, updated_at = excluded.updated_at",
	}
	membersSpec = insertSpec{
		table: "destination_members",
		cols:  []string{"destination", "profile_id", "fingerprint", "run", "handle", "updated_at"},
		suffix: "ON CONFLICT (destination, profile_id) DO UPDATE SET fingerprint = excluded.fingerprint, " +
			"run = excluded.run, handle = excluded.handle, updated_at = excluded.updated_at",
	}
)

func deliveryKey(d store.Delivery) string {
	return joinKey(d.Destination, d.Run, string(d.Op), d.ProfileID)
}

// deliveryArgs appends a delivery's column values (deliveryCols order).
func (s *Store) deliveryArgs(args []any, d store.Delivery) []any {
	return append(args, d.Destination, d.Run, string(d.Op), d.ProfileID, d.BatchKey, string(d.Status), d.ProviderID,
		d.Reason, d.Attempts, d.Fingerprint, d.Handle, s.t(d.UpdatedAt))
}

// ReserveDeliveries inserts a pending row for every delivery whose key has no row yet, and returns
// the rows that already existed (as stored), sorted by key. A zero UpdatedAt means now.
func (s *Store) ReserveDeliveries(ctx context.Context, ds []store.Delivery) ([]store.Delivery, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	idx := lastByKey(ds, deliveryKey)
	now := time.Now()
	var existing []store.Delivery
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		inserted := make(map[string]bool, len(idx))
		per := s.rowsPerStatement(len(deliveryCols))
		for start := 0; start < len(idx); start += per {
			chunk := idx[start:min(start+per, len(idx))]
			args := make([]any, 0, len(chunk)*len(deliveryCols))
			for _, i := range chunk {
				d := ds[i]
				d.Status = store.DeliveryPending
				if d.UpdatedAt.IsZero() {
					d.UpdatedAt = now
				}
				args = s.deliveryArgs(args, d)
			}
			if err := s.collectKeys(ctx, tx, s.insertSQL(reserveSpec, len(chunk)), args, inserted); err != nil {
				return fmt.Errorf("insert: %w", err)
			}
		}
		var missing []store.Delivery
		for _, i := range idx {
			if !inserted[deliveryKey(ds[i])] {
				missing = append(missing, ds[i])
			}
		}
		var err error
		existing, err = s.loadDeliveries(ctx, tx, missing)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reserve deliveries: %w", err)
	}
	return existing, nil
}

// collectKeys runs an INSERT ... RETURNING destination, run, op, profile_id and records the keys.
func (s *Store) collectKeys(ctx context.Context, tx *sql.Tx, stmt string, args []any, into map[string]bool) error {
	rows, err := tx.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var dest, run, op, pid string
		if err := rows.Scan(&dest, &run, &op, &pid); err != nil {
			return err
		}
		into[joinKey(dest, run, op, pid)] = true
	}
	return rows.Err()
}

// loadDeliveries reads the stored rows of the given keys, sorted by key.
func (s *Store) loadDeliveries(ctx context.Context, tx *sql.Tx, keys []store.Delivery) ([]store.Delivery, error) {
	var out []store.Delivery
	keyCols := []string{"destination", "run", "op", "profile_id"}
	per := s.rowsPerStatement(len(keyCols))
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(start+per, len(keys))]
		args := make([]any, 0, len(keyCols)*len(chunk))
		for _, d := range chunk {
			args = append(args, d.Destination, d.Run, string(d.Op), d.ProfileID)
		}
		rows, err := s.query(ctx, tx, `SELECT `+deliverySelect+` FROM deliveries WHERE `+inList(keyCols, len(chunk)), args...)
		if err != nil {
			return nil, fmt.Errorf("read existing: %w", err)
		}
		for rows.Next() {
			d, _, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read existing: %w", err)
			}
			out = append(out, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read existing: %w", err)
		}
	}
	slices.SortFunc(out, func(a, b store.Delivery) int {
		return cmpStrings(deliveryKey(a), deliveryKey(b))
	})
	return out, nil
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// RecordDeliveries stores outcomes (inserting rows that were never reserved). Delivered adds make
// the profile a member of the destination, delivered removes end its membership; for a profile
// named several times, the last delivered row in ds decides. A zero UpdatedAt means now.
func (s *Store) RecordDeliveries(ctx context.Context, ds []store.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	now := time.Now()
	ds = slices.Clone(ds) // UpdatedAt is filled in below; the caller's slice stays as it was
	for i := range ds {
		if ds[i].UpdatedAt.IsZero() {
			ds[i].UpdatedAt = now
		}
	}
	idx := lastByKey(ds, deliveryKey)

	// Membership effect per (destination, profile): the last delivered row wins.
	effect := map[string]store.Delivery{}
	for _, d := range ds {
		if d.Status == store.DeliveryDelivered {
			effect[joinKey(d.Destination, d.ProfileID)] = d
		}
	}
	var adds, removes []store.Delivery
	for _, d := range effect {
		if d.Op != store.OpRemove {
			adds = append(adds, d)
		} else {
			removes = append(removes, d)
		}
	}
	byMember := func(a, b store.Delivery) int {
		return cmpStrings(joinKey(a.Destination, a.ProfileID), joinKey(b.Destination, b.ProfileID))
	}
	slices.SortFunc(adds, byMember)
	slices.SortFunc(removes, byMember)

	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertRows(ctx, tx, recordSpec, len(idx), func(i int, args []any) ([]any, error) {
			return s.deliveryArgs(args, ds[idx[i]]), nil
		}); err != nil {
			return err
		}
		if err := s.insertRows(ctx, tx, membersSpec, len(adds), func(i int, args []any) ([]any, error) {
			d := adds[i]
			return append(args, d.Destination, d.ProfileID, d.Fingerprint, d.Run, d.Handle, s.t(d.UpdatedAt)), nil
		}); err != nil {
			return err
		}
		return s.deleteWhereIn(ctx, tx, "destination_members", []string{"destination", "profile_id"}, len(removes),
			func(i int, args []any) []any { return append(args, removes[i].Destination, removes[i].ProfileID) })
	})
	if err != nil {
		return fmt.Errorf("record deliveries: %w", err)
	}
	return nil
}

// DestinationMembers returns the profiles currently delivered to a destination.
func (s *Store) DestinationMembers(ctx context.Context, destination string) (map[string]store.DestinationMember, error) {
	rows, err := s.query(ctx, s.r, `SELECT profile_id, fingerprint, run, handle FROM destination_members WHERE destination = ?`, destination)
	if err != nil {
		return nil, fmt.Errorf("destination members %s: %w", destination, err)
	}
	defer rows.Close()
	members := map[string]store.DestinationMember{}
	for rows.Next() {
		var m store.DestinationMember
		if err := rows.Scan(&m.ProfileID, &m.Fingerprint, &m.Run, &m.Handle); err != nil {
			return nil, fmt.Errorf("destination members %s: %w", destination, err)
		}
		members[m.ProfileID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("destination members %s: %w", destination, err)
	}
	return members, nil
}

const deliverySelect = `destination, run, op, profile_id, batch_key, status, provider_id, reason, attempts, fingerprint, handle, updated_at`

func scanDelivery(rows *sql.Rows) (store.Delivery, []any, error) {
	var d store.Delivery
	var op, status string
	err := rows.Scan(&d.Destination, &d.Run, &op, &d.ProfileID, &d.BatchKey, &status, &d.ProviderID,
		&d.Reason, &d.Attempts, &d.Fingerprint, &d.Handle, timeCol{&d.UpdatedAt})
	d.Op, d.Status = store.DeliveryOp(op), store.DeliveryStatus(status)
	return d, []any{d.Destination, d.Run, op, d.ProfileID}, err
}

// ScanDeliveries visits ledger rows matching f by (destination, run, op, profile).
func (s *Store) ScanDeliveries(ctx context.Context, f store.DeliveryFilter, fn func(store.Delivery) error) error {
	p := pageQuery{
		name: "scan deliveries",
		cols: deliverySelect,
		from: "deliveries",
		key:  []string{"destination", "run", "op", "profile_id"},
	}
	for _, c := range []struct{ col, val string }{
		{"destination", f.Destination}, {"run", f.Run}, {"profile_id", f.ProfileID},
	} {
		if c.val != "" {
			p.where = append(p.where, c.col+" = ?")
			p.args = append(p.args, c.val)
		}
	}
	// The leading key columns pinned to one value (destination, then run).
	if f.Destination != "" {
		p.fixed = 1
		if f.Run != "" {
			p.fixed = 2
		}
	}
	if len(f.Statuses) > 0 {
		p.where = append(p.where, "status IN ("+marks(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			p.args = append(p.args, string(st))
		}
	}
	return scanPages(ctx, s, p, scanDelivery, fn)
}
