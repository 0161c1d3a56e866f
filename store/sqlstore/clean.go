// Clean records: current state per (source, id), kept across runs; runs only upsert.
package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

var (
	customersSpec = insertSpec{
		table: "customers",
		cols:  []string{"source", "id", "deleted", "digest", "email_key", "phone_key", "last_run", "data"},
		suffix: "ON CONFLICT (source, id) DO UPDATE SET deleted = excluded.deleted, digest = excluded.digest, " +
			"email_key = excluded.email_key, phone_key = excluded.phone_key, last_run = excluded.last_run, data = excluded.data",
	}
	ordersSpec = insertSpec{
		table: "orders",
		cols:  []string{"source", "id", "customer_id", "email", "last_run", "data"},
		suffix: "ON CONFLICT (source, id) DO UPDATE SET customer_id = excluded.customer_id, email = excluded.email, " +
			"last_run = excluded.last_run, data = excluded.data",
	}
	engagementsSpec = insertSpec{
		table:  "engagements",
		cols:   []string{"source", "id", "last_run", "data"},
		suffix: "ON CONFLICT (source, id) DO UPDATE SET last_run = excluded.last_run, data = excluded.data",
	}
)

// upsertClean writes records into a clean table in one transaction; extra adds the columns between
// id and last_run (orders' customer_id and email).
func upsertClean[T any](ctx context.Context, s *Store, run string, spec insertSpec, recs []T, key func(T) record.RecordKey, extra func(T) []any) error {
	if run == "" {
		return fmt.Errorf("upsert %s: empty run", spec.table)
	}
	if len(recs) == 0 {
		return nil
	}
	idx := lastByKey(recs, func(r T) string { k := key(r); return joinKey(k.Source, k.ID) })
	err := s.insertAll(ctx, spec, len(idx), func(i int, args []any) ([]any, error) {
		r := recs[idx[i]]
		data, err := jsonArg(r)
		if err != nil {
			return nil, err
		}
		k := key(r)
		args = append(args, k.Source, k.ID)
		if extra != nil {
			args = append(args, extra(r)...)
		}
		return append(args, run, data), nil
	})
	if err != nil {
		return fmt.Errorf("upsert %s: %w", spec.table, err)
	}
	return nil
}

// Upsert writes clean records, kind by kind (each atomically); records not in b are kept.
func (s *Store) Upsert(ctx context.Context, run string, b record.Batch) error {
	if err := upsertClean(ctx, s, run, customersSpec, b.Customers, record.Customer.Key, func(c record.Customer) []any {
		return []any{c.Deleted, c.Digest, c.EmailKey, c.PhoneKey}
	}); err != nil {
		return err
	}
	if err := upsertClean(ctx, s, run, ordersSpec, b.Orders, record.Order.Key, func(o record.Order) []any {
		return []any{o.CustomerID, o.Email}
	}); err != nil {
		return err
	}
	return upsertClean(ctx, s, run, engagementsSpec, b.Engagements, record.Engagement.Key, nil)
}

func scanClean[T any](ctx context.Context, s *Store, table string, fn func(T) error) error {
	return scanPages(ctx, s, pageQuery{
		name: "scan " + table,
		cols: "source, id, data",
		from: table,
		key:  []string{"source", "id"},
	}, decodeKeyed[T], fn)
}

// ScanRecords visits clean records, kind by kind, by (source, id).
func (s *Store) ScanRecords(ctx context.Context, v record.Visitor) error {
	if v.Customer != nil {
		if err := scanClean(ctx, s, "customers", v.Customer); err != nil {
			return err
		}
	}
	if v.Order != nil {
		if err := scanClean(ctx, s, "orders", v.Order); err != nil {
			return err
		}
	}
	if v.Engagement != nil {
		return scanClean(ctx, s, "engagements", v.Engagement)
	}
	return nil
}

// ScanCustomerData visits the clean customers page by page, undecoded, by (source, id).
func (s *Store) ScanCustomerData(ctx context.Context, fn func([]store.CustomerData) error) error {
	p := pageQuery{name: "scan customers", cols: "source, id, data", from: "customers", key: []string{"source", "id"}}
	return scanPageBatches(ctx, s, p, func(rows *sql.Rows) (store.CustomerData, []any, error) {
		var c store.CustomerData
		if err := rows.Scan(&c.Key.Source, &c.Key.ID, &c.Data); err != nil {
			return c, nil, err
		}
		return c, []any{c.Key.Source, c.Key.ID}, nil
	}, fn)
}

// GetCustomers reads clean customers by key, in statements under the dialect's parameter limit.
func (s *Store) GetCustomers(ctx context.Context, keys []record.RecordKey) (map[record.RecordKey]record.Customer, error) {
	out := make(map[record.RecordKey]record.Customer, len(keys))
	per := s.rowsPerStatement(2)
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(start+per, len(keys))]
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, k.Source, k.ID)
		}
		rows, err := s.query(ctx, s.r, `SELECT source, id, data FROM customers WHERE `+inList([]string{"source", "id"}, len(chunk)), args...)
		if err != nil {
			return nil, fmt.Errorf("get customers: %w", err)
		}
		for rows.Next() {
			c, _, err := decodeKeyed[record.Customer](rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("get customers: %w", err)
			}
			out[c.Key()] = c
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("get customers: %w", err)
		}
	}
	return out, nil
}

// CountLiveCustomers counts the clean customers of a source that are not deleted.
func (s *Store) CountLiveCustomers(ctx context.Context, source string) (int, error) {
	var n int
	q, args := `SELECT COUNT(*) FROM customers WHERE source = ? AND deleted = ?`, []any{source, false}
	if source == "" {
		q, args = `SELECT COUNT(*) FROM customers WHERE deleted = ?`, []any{false}
	}
	if err := s.queryRow(ctx, s.r, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count live customers of %s: %w", source, err)
	}
	return n, nil
}

// ChangedCustomers lists the keys of clean customers last written by run, by (source, id).
func (s *Store) ChangedCustomers(ctx context.Context, run string) ([]record.RecordKey, error) {
	rows, err := s.query(ctx, s.r, `SELECT source, id FROM customers WHERE last_run = ? ORDER BY source, id`, run)
	if err != nil {
		return nil, fmt.Errorf("changed customers: %w", err)
	}
	defer rows.Close()
	var keys []record.RecordKey
	for rows.Next() {
		var k record.RecordKey
		if err := rows.Scan(&k.Source, &k.ID); err != nil {
			return nil, fmt.Errorf("changed customers: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("changed customers: %w", err)
	}
	return keys, nil
}

// CustomersByMatchKeys returns the live customers of source with one of the email or phone keys.
func (s *Store) CustomersByMatchKeys(ctx context.Context, source string, emailKeys, phoneKeys []string) ([]record.Customer, error) {
	var out []record.Customer
	seen := map[string]bool{}
	per := s.rowsPerStatement(1) - 2
	for _, q := range []struct {
		col  string
		keys []string
	}{{"email_key", emailKeys}, {"phone_key", phoneKeys}} {
		for start := 0; start < len(q.keys); start += per {
			chunk := q.keys[start:min(start+per, len(q.keys))]
			args := make([]any, 0, len(chunk)+2)
			args = append(args, source, false)
			for _, k := range chunk {
				args = append(args, k)
			}
			rows, err := s.query(ctx, s.r, matchKeysQuery(q.col, len(chunk)), args...)
			if err != nil {
				return nil, fmt.Errorf("customers by %s: %w", q.col, err)
			}
			if out, err = appendMatched(rows, out, seen); err != nil {
				return nil, fmt.Errorf("customers by %s: %w", q.col, err)
			}
		}
	}
	slices.SortFunc(out, func(a, b record.Customer) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.SourceID, b.SourceID))
	})
	return out, nil
}

// CustomersSharingMatchKeys returns the live customers of source whose email or phone key is on
// more than one clean customer of source (tombstones included, which only widens the candidates).
// The inner query is read from the partial indexes alone.
func (s *Store) CustomersSharingMatchKeys(ctx context.Context, source string) ([]record.Customer, error) {
	var out []record.Customer
	seen := map[string]bool{}
	for _, col := range []string{"email_key", "phone_key"} {
		rows, err := s.query(ctx, s.r, sharingKeysQuery(col), source, false, source)
		if err != nil {
			return nil, fmt.Errorf("customers sharing a %s: %w", col, err)
		}
		out, err = appendMatched(rows, out, seen)
		if err != nil {
			return nil, fmt.Errorf("customers sharing a %s: %w", col, err)
		}
	}
	slices.SortFunc(out, func(a, b record.Customer) int {
		return cmp.Or(strings.Compare(a.Source, b.Source), strings.Compare(a.SourceID, b.SourceID))
	})
	return out, nil
}

// sharingKeysQuery selects the live customers of a source whose match key col is on another
// customer of the source too; like matchKeysQuery, it repeats the partial index's condition.
func sharingKeysQuery(col string) string {
	return `SELECT source, id, data, digest, email_key, phone_key FROM customers
		WHERE source = ? AND deleted = ? AND ` + col + ` <> '' AND ` + col + ` IN (
			SELECT ` + col + ` FROM customers WHERE source = ? AND ` + col + ` <> '' GROUP BY ` + col + ` HAVING COUNT(*) > 1)`
}

// appendMatched decodes (source, id, data, digest, email_key, phone_key) rows into out, skipping
// keys already seen, and closes rows.
func appendMatched(rows *sql.Rows, out []record.Customer, seen map[string]bool) ([]record.Customer, error) {
	defer rows.Close()
	for rows.Next() {
		var src, id, digest, ek, pk string
		var data []byte
		if err := rows.Scan(&src, &id, &data, &digest, &ek, &pk); err != nil {
			return out, err
		}
		if seen[joinKey(src, id)] {
			continue
		}
		seen[joinKey(src, id)] = true
		var c record.Customer
		if err := json.Unmarshal(data, &c); err != nil {
			return out, fmt.Errorf("decode %s/%s: %w", src, id, err)
		}
		c.Digest, c.EmailKey, c.PhoneKey = digest, ek, pk
		out = append(out, c)
	}
	return out, rows.Err()
}

// matchKeysQuery selects the live customers of a source whose match key col is one of n. It
// repeats the partial index's condition (the key is not empty) so that the planner uses that
// index: without it, or with an ORDER BY the primary key serves, every query scanned the source.
func matchKeysQuery(col string, n int) string {
	return `SELECT source, id, data, digest, email_key, phone_key FROM customers
		WHERE source = ? AND deleted = ? AND ` + col + ` <> '' AND ` + inList([]string{col}, n)
}

// SetShared rewrites the Shared fields of clean customers in one transaction per chunk of keys.
func (s *Store) SetShared(ctx context.Context, run string, shared map[record.RecordKey][]string) error {
	if run == "" {
		return fmt.Errorf("set shared: empty run")
	}
	keys := make([]record.RecordKey, 0, len(shared))
	for k := range shared {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b record.RecordKey) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.ID, b.ID))
	})
	const chunk = 5000
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		have, err := s.GetCustomers(ctx, part)
		if err != nil {
			return fmt.Errorf("set shared: %w", err)
		}
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			for _, k := range part {
				c, ok := have[k]
				if !ok {
					continue
				}
				c.Shared = shared[k]
				data, err := jsonArg(c)
				if err != nil {
					return err
				}
				if _, err := s.exec(ctx, tx, `UPDATE customers SET data = ?, last_run = ? WHERE source = ? AND id = ?`, data, run, k.Source, k.ID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("set shared: %w", err)
		}
	}
	return nil
}

// CountCustomers counts clean customers.
func (s *Store) CountCustomers(ctx context.Context) (int, error) {
	return s.count(ctx, "customers")
}

// count counts the rows of a table.
func (s *Store) count(ctx context.Context, table string) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}
