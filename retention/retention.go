// Package retention decides what the store may keep: the configured retention periods
// (config.Retention) turned into purge cutoffs, and the purge itself. A scheduled workflow
// (workflows.Retention, daily) and `starter purge` run it; finished runs drop their own staging
// rows at once, so the staged cutoff catches what terminated runs leave behind.
package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/store"
)

// Cutoffs turns retention periods into purge cutoffs as of now (a zero period keeps everything).
func Cutoffs(r config.Retention, now time.Time) store.PurgeRequest {
	cut := func(d time.Duration) time.Time {
		if d <= 0 {
			return time.Time{}
		}
		return now.Add(-d).UTC()
	}
	return store.PurgeRequest{Staged: cut(r.Staged), Quarantine: cut(r.Quarantine), LedgerDetails: cut(r.LedgerDetails),
		RunSummaries: cut(r.RunSummaries)}
}

// Enabled reports whether any retention period is set.
func Enabled(r config.Retention) bool {
	return r.Staged > 0 || r.Quarantine > 0 || r.LedgerDetails > 0 || r.RunSummaries > 0
}

// Purge deletes what the policy no longer allows the store to keep.
func Purge(ctx context.Context, st store.Retention, r config.Retention, now time.Time) (store.Purged, error) {
	res, err := st.Purge(ctx, Cutoffs(r, now))
	if err != nil {
		return res, fmt.Errorf("retention: %w", err)
	}
	return res, nil
}
