// Consent: the opt-out index, replaced whole by each resolution.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

var optoutsSpec = insertSpec{table: "optouts", cols: []string{"channel", "key"}, suffix: "ON CONFLICT (channel, key) DO NOTHING"}

// ReplaceOptOuts makes keys the channel's whole opt-out index, in one transaction.
func (s *Store) ReplaceOptOuts(ctx context.Context, channel string, keys []string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `DELETE FROM optouts WHERE channel = ?`, channel); err != nil {
			return err
		}
		return s.insertRows(ctx, tx, optoutsSpec, len(keys), func(i int, args []any) ([]any, error) {
			return append(args, channel, keys[i]), nil
		})
	})
	if err != nil {
		return fmt.Errorf("replace %s opt-outs: %w", channel, err)
	}
	return nil
}

// OptOutKeys returns the channel's opt-out index.
func (s *Store) OptOutKeys(ctx context.Context, channel string) (map[string]bool, error) {
	rows, err := s.query(ctx, s.r, `SELECT key FROM optouts WHERE channel = ?`, channel)
	if err != nil {
		return nil, fmt.Errorf("%s opt-outs: %w", channel, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("%s opt-outs: %w", channel, err)
		}
		out[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s opt-outs: %w", channel, err)
	}
	return out, nil
}
