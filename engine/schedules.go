// This file holds the configuration's schedules as Temporal Schedules (not cron workflows).
package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/retention"
	"github.com/cdpflow/cdpflow/workflows"
)

// ApplySchedules creates each configured schedule or updates it in place. Overlapping runs are
// skipped, never doubled; missed runs are caught up within an hour.
func ApplySchedules(ctx context.Context, sc client.ScheduleClient, cfg *config.Config, searchAttributes bool, report func(string)) error {
	for _, s := range cfg.Schedules {
		if err := applySchedule(ctx, sc, cfg, s, searchAttributes, report); err != nil {
			return err
		}
	}
	if retention.Enabled(cfg.Retention) {
		return upsertSchedule(ctx, sc, RetentionSchedule, client.ScheduleSpec{CronExpressions: []string{retentionCron}},
			&client.ScheduleWorkflowAction{ID: RetentionSchedule, Workflow: workflows.Retention, TaskQueue: cfg.Temporal.TaskQueue},
			false, "retention purge daily", report)
	}
	return nil
}

// RetentionSchedule is the built-in schedule that purges the store by the retention policy.
const RetentionSchedule = "cdpflow-retention"

// retentionCron: daily, at a quiet time (UTC).
const retentionCron = "17 3 * * *"

// ScheduleSpec turns a validated cron into a Temporal spec ("@every 1h" becomes an interval).
func ScheduleSpec(s config.Schedule) (client.ScheduleSpec, error) {
	spec := client.ScheduleSpec{TimeZoneName: s.Timezone}
	if every, ok := strings.CutPrefix(s.Cron, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil {
			return spec, fmt.Errorf("schedule %s: cron %q: %w", s.Name, s.Cron, err)
		}
		spec.Intervals = []client.ScheduleIntervalSpec{{Every: d}}
		return spec, nil
	}
	spec.CronExpressions = []string{s.Cron}
	return spec, nil
}

func scheduleAction(cfg *config.Config, s config.Schedule, ready bool) *client.ScheduleWorkflowAction {
	a := &client.ScheduleWorkflowAction{ID: s.Name, TaskQueue: cfg.Temporal.TaskQueue}
	switch s.Workflow {
	case "sync":
		a.Workflow, a.Args = workflows.SourceSync, []any{workflows.SyncInput{Source: s.Source, Trigger: "schedule", SearchAttributes: ready}}
		a.TypedSearchAttributes = workflows.StartAttributes(ready, "sync", "schedule", "", []string{s.Source})
	case "campaign":
		a.Workflow, a.Args = workflows.Campaign, []any{workflows.CampaignInput{Campaign: s.Campaign, Trigger: "schedule", SearchAttributes: ready}}
		a.TypedSearchAttributes = workflows.StartAttributes(ready, "campaign", "schedule", s.Campaign, nil)
	default:
		a.Workflow, a.Args = workflows.CustomerRefresh, []any{workflows.RefreshInput{Trigger: "schedule", SearchAttributes: ready}}
		a.TypedSearchAttributes = workflows.StartAttributes(ready, "refresh", "schedule", "", nil)
	}
	return a
}

func applySchedule(ctx context.Context, sc client.ScheduleClient, cfg *config.Config, s config.Schedule, ready bool, report func(string)) error {
	spec, err := ScheduleSpec(s)
	if err != nil {
		return err
	}
	return upsertSchedule(ctx, sc, s.Name, spec, scheduleAction(cfg, s, ready), s.Paused, s.Workflow+" "+s.Cron, report)
}

// upsertSchedule creates the schedule or updates its spec and action in place.
func upsertSchedule(ctx context.Context, sc client.ScheduleClient, id string, spec client.ScheduleSpec,
	action *client.ScheduleWorkflowAction, paused bool, what string, report func(string)) error {
	_, err := sc.Create(ctx, client.ScheduleOptions{ID: id, Spec: spec, Action: action, Paused: paused,
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: time.Hour, Note: "from cdpflow configuration"})
	var exists *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) || errors.As(err, &exists) {
		err = sc.GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
			DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
				in.Description.Schedule.Spec = &spec
				in.Description.Schedule.Action = action
				in.Description.Schedule.Policy.Overlap = enums.SCHEDULE_OVERLAP_POLICY_SKIP
				return &client.ScheduleUpdate{Schedule: &in.Description.Schedule}, nil
			}})
		if err == nil {
			report(fmt.Sprintf("updated schedule %s (%s)", id, what))
		}
	} else if err == nil {
		report(fmt.Sprintf("created schedule %s (%s)", id, what))
	}
	if err != nil {
		return fmt.Errorf("schedule %s: %w", id, err)
	}
	return nil
}
