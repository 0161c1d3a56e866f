// This file holds the Purge activity: the retention policy applied to the store.
package activities

import (
	"context"

	"github.com/cdpflow/cdpflow/retention"
	"github.com/cdpflow/cdpflow/store"
)

// PurgeResult counts what a purge deleted.
type PurgeResult = store.Purged

// Purge deletes what the configured retention no longer allows the store to keep.
func (a *Activities) Purge(ctx context.Context) (PurgeResult, error) {
	res, err := retention.Purge(ctx, a.Store, a.Config.Retention, a.now())
	if err == nil {
		a.logger().Info("retention purge", "staged", res.Staged, "quarantine", res.Quarantine,
			"ledger_details", res.LedgerDetails, "run_summaries", res.RunSummaries)
	}
	return res, err
}
