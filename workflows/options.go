// This file holds the activity options of every stage: timeouts and retry policies, explicit in one place.
//
// Crash recovery: every long activity heartbeats in the background every 5 s
// (activities.HeartbeatInterval), so a worker killed mid-stage is noticed after heartbeatTimeout
// (20 s) and the activity is retried at once on any worker, resuming from its heartbeated details.
// No task waits more than scheduleToStart for a worker: a task queue without workers fails the
// stage with a timeout naming it instead of hanging silently.
//
// Bounds: a vendor that does not answer fails its source or destination after the attempts below
// (backoff alone: about 3 minutes for a destination, 1 for a source, 35 s at preflight, which
// then skips it); the others complete. Vendor throttling comes back as the vendor's delay and long
// quotas are slept on durable timers, so they are not cut by these bounds.
package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
)

// nonRetryable are failures retrying cannot fix.
var nonRetryable = []string{activities.ErrTypeVendorRejected, activities.ErrTypeConfig, activities.ErrTypeQuotaExhausted}

const (
	// heartbeatTimeout: four missed background beats mean the worker is gone.
	heartbeatTimeout = 20 * time.Second
	// scheduleToStart bounds how long a stage waits for any worker to pick it up.
	scheduleToStart = 15 * time.Minute
)

// bookkeeping: store-only steps.
func bookkeepingOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToStartTimeout: scheduleToStart,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2,
			MaximumInterval: 30 * time.Second, MaximumAttempts: 10, NonRetryableErrorTypes: nonRetryable},
		Summary: summary,
	})
}

// preflight: a few cheap vendor calls per connector; a vendor that does not answer is retried a
// little (5 + 10 + 20 s between attempts), then reported unreachable and skipped by the run; a
// refusal fails at once.
func preflightOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToStartTimeout: scheduleToStart,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 4, NonRetryableErrorTypes: nonRetryable},
		Summary: "preflight: check connectors",
	})
}

// extract: long paginated reads that heartbeat their cursor. A page fetch is bounded by the HTTP
// client (30 s per attempt, 2 retries inside the call). Six attempts 2 to 32 s apart: a source
// that stops answering fails after about a minute of backoff plus its calls' own timeouts. Vendor 429s
// come back with the vendor's delay as the next retry delay; quota waits are durable timers.
func extractOptions(ctx workflow.Context, source string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Hour,
		ScheduleToCloseTimeout: 6 * time.Hour,
		ScheduleToStartTimeout: scheduleToStart,
		HeartbeatTimeout:       heartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 6, NonRetryableErrorTypes: nonRetryable},
		Summary: "extract " + source,
	})
}

// compute: cleanse, resolve, segment — CPU and store work that heartbeats while it runs.
func computeOptions(ctx workflow.Context, summary string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Hour,
		ScheduleToStartTimeout: scheduleToStart,
		HeartbeatTimeout:       heartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 5, NonRetryableErrorTypes: nonRetryable},
		Summary: summary,
	})
}

// push: vendor writes through the ledger. Seven attempts 5 to 60 s apart (about 3 minutes of
// backoff): a destination that stays down fails the run's push to it within a few minutes, and
// the next run resumes from the ledger.
func pushOptions(ctx workflow.Context, destination string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Hour,
		ScheduleToCloseTimeout: 6 * time.Hour,
		ScheduleToStartTimeout: scheduleToStart,
		HeartbeatTimeout:       heartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 7, NonRetryableErrorTypes: nonRetryable},
		Summary: "push " + destination,
	})
}

// purge: a few large deletes; retried a little, and the next day's purge catches up anyway.
func purgeOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Minute,
		ScheduleToStartTimeout: scheduleToStart,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 10 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 5 * time.Minute, MaximumAttempts: 5, NonRetryableErrorTypes: nonRetryable},
		Summary: "purge by retention policy",
	})
}

// preview: reads the ledger and the audience, calls no vendor.
func previewOptions(ctx workflow.Context, destination string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Minute,
		ScheduleToStartTimeout: scheduleToStart,
		HeartbeatTimeout:       heartbeatTimeout,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 5, NonRetryableErrorTypes: nonRetryable},
		Summary: "preview " + destination,
	})
}
