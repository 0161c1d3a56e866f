// Retention: the purge that enforces the retention policy (see store.PurgeRequest).
package sqlstore

import (
	"context"
	"fmt"

	"github.com/cdpflow/cdpflow/store"
)

// Purge deletes the rows older than each non-zero cutoff, one statement per kind.
func (s *Store) Purge(ctx context.Context, req store.PurgeRequest) (store.Purged, error) {
	var out store.Purged
	steps := []struct {
		what  string
		zero  bool
		query string
		arg   any
		into  *int64
	}{
		{"staged records", req.Staged.IsZero(),
			`DELETE FROM staged WHERE run IN (SELECT id FROM runs WHERE started_at < ?) OR run NOT IN (SELECT id FROM runs)`,
			s.t(req.Staged), &out.Staged},
		{"quarantine", req.Quarantine.IsZero(), `DELETE FROM quarantine WHERE at < ?`, s.t(req.Quarantine), &out.Quarantine},
		{"ledger details", req.LedgerDetails.IsZero(),
			`DELETE FROM deliveries AS d WHERE d.updated_at < ? AND d.status IN ('delivered', 'skipped', 'failed')
				AND EXISTS (SELECT 1 FROM deliveries AS n WHERE n.destination = d.destination AND n.profile_id = d.profile_id
					AND (n.updated_at > d.updated_at OR (n.updated_at = d.updated_at AND n.run > d.run)))`,
			s.t(req.LedgerDetails), &out.LedgerDetails},
		{"run summaries", req.RunSummaries.IsZero(),
			`DELETE FROM runs WHERE started_at < ? AND status <> 'running'`, s.t(req.RunSummaries), &out.RunSummaries},
	}
	if !req.LedgerDetails.IsZero() {
		// The vendor's words on the settled rows that stay are details too (rejection codes stay:
		// they keep refused addresses from being sent to again).
		steps = append(steps, struct {
			what  string
			zero  bool
			query string
			arg   any
			into  *int64
		}{"ledger answers", false, `UPDATE deliveries SET reason = '' WHERE updated_at < ? AND status IN ('delivered', 'skipped', 'failed') AND reason <> ''`,
			s.t(req.LedgerDetails), new(int64)})
	}
	for _, st := range steps {
		if st.zero {
			continue
		}
		res, err := s.exec(ctx, s.w, st.query, st.arg)
		if err != nil {
			return out, fmt.Errorf("purge %s: %w", st.what, err)
		}
		if *st.into, err = res.RowsAffected(); err != nil {
			return out, fmt.Errorf("purge %s: %w", st.what, err)
		}
	}
	return out, nil
}
