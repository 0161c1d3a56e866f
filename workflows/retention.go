// This file holds Retention: the store purged of what the retention policy no longer allows it to
// keep. A built-in daily schedule (engine.RetentionSchedule) starts it.
package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
)

// Retention runs one purge and returns what it deleted (counts only).
func Retention(ctx workflow.Context) (activities.PurgeResult, error) {
	var res activities.PurgeResult
	err := workflow.ExecuteActivity(purgeOptions(ctx), a.Purge).Get(ctx, &res)
	return res, err
}
