// This file holds the activity options of every stage: timeouts and retry policies, explicit in one place.
package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
)

// nonRetryable are failures retrying cannot fix.
var nonRetryable = []string{activities.ErrTypeVendorRejected, activities.ErrTypeConfig, activities.ErrTypeQuotaExhausted}

// bookkeeping: store-only steps.
func bookkeepingOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: 30 * time.Second, MaximumAttempts: 10, NonRetryableErrorTypes: nonRetryable},
		Summary: summary,
	})
}

// preflight: a few cheap vendor calls per connector; a vendor that does not answer is retried a
// little, a refusal fails at once.
func preflightOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 4, NonRetryableErrorTypes: nonRetryable},
		Summary: "preflight: check connectors",
	})
}

// extract: long paginated reads that heartbeat their cursor after every stored page. A page fetch
// is bounded by the HTTP client (30 s per attempt, 2 retries), well inside the heartbeat timeout.
// Vendor 429s come back with the vendor's delay as the next retry delay.
func extractOptions(ctx workflow.Context, source string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Hour,
		ScheduleToCloseTimeout: 6 * time.Hour,
		HeartbeatTimeout:       3 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 2 * time.Minute, MaximumAttempts: 12, NonRetryableErrorTypes: nonRetryable},
		Summary: "extract " + source,
	})
}

// compute: cleanse, resolve, segment — CPU and store work that heartbeats while it runs.
func computeOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Hour,
		HeartbeatTimeout:    5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 5 * time.Minute, MaximumAttempts: 5, NonRetryableErrorTypes: nonRetryable},
		Summary: summary,
	})
}

// push: vendor writes through the ledger; retried patiently (destinations go down for minutes).
func pushOptions(ctx workflow.Context, destination string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Hour,
		ScheduleToCloseTimeout: 6 * time.Hour,
		HeartbeatTimeout:       3 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 10 * time.Minute, MaximumAttempts: 15, NonRetryableErrorTypes: nonRetryable},
		Summary: "push " + destination,
	})
}
