// This file holds `starter schedule`: the configuration's schedules as Temporal Schedules.
package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/engine"
)

func init() {
	register("schedule", command{
		summary: "create or update Temporal Schedules from schedules:, list, trigger, pause, backfill",
		usage: `Usage: starter schedule apply
       starter schedule list
       starter schedule trigger|pause|unpause|delete <name>
       starter schedule backfill <name> --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z

apply creates each configured schedule (cron validated at start-up) or updates it in place. A run
that is still going when the next one is due is skipped, never doubled; missed runs are caught up
within an hour. Schedules no longer in the configuration are left alone (delete them by name).

Examples:
  starter schedule apply
  starter schedule trigger nightly-refresh
  starter schedule backfill hourly-shop-sync --from 2026-11-20T00:00:00Z --to 2026-11-21T00:00:00Z`,
		run: runSchedule,
	})
}

func runSchedule(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("schedule", &c)
	from := fs.String("from", "", "backfill: start (RFC 3339)")
	to := fs.String("to", "", "backfill: end (RFC 3339)")
	if err := parse(fs, "schedule", args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return usageError("say what to do: apply, list, trigger, pause, unpause, delete or backfill (see starter schedule --help)")
	}
	verb := fs.Arg(0)
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	cl, err := engine.Dial(cfg, log)
	if err != nil {
		return err
	}
	defer cl.Close()
	sc := cl.ScheduleClient()
	switch verb {
	case "apply":
		ready := ensureSearchAttributes(ctx, cl, cfg.Temporal.Namespace, log)
		return engine.ApplySchedules(ctx, sc, cfg, ready, func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	case "list":
		return listSchedules(ctx, sc)
	}
	if fs.NArg() != 2 {
		return usageError("%s needs a schedule name", verb)
	}
	h := sc.GetHandle(ctx, fs.Arg(1))
	switch verb {
	case "trigger":
		return h.Trigger(ctx, client.ScheduleTriggerOptions{Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP})
	case "pause":
		return h.Pause(ctx, client.SchedulePauseOptions{Note: "paused with starter schedule pause"})
	case "unpause":
		return h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: "unpaused with starter schedule unpause"})
	case "delete":
		return h.Delete(ctx)
	case "backfill":
		start, err1 := time.Parse(time.RFC3339, *from)
		end, err2 := time.Parse(time.RFC3339, *to)
		if err1 != nil || err2 != nil || !end.After(start) {
			return usageError("backfill needs --from and --to as RFC 3339 times, --to after --from")
		}
		return h.Backfill(ctx, client.ScheduleBackfillOptions{Backfill: []client.ScheduleBackfill{
			{Start: start, End: end, Overlap: enums.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL}}})
	}
	return usageError("unknown verb %q (see starter schedule --help)", verb)
}

func listSchedules(ctx context.Context, sc client.ScheduleClient) error {
	it, err := sc.List(ctx, client.ScheduleListOptions{})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tWORKFLOW\tPAUSED\tNEXT RUN")
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return err
		}
		next := ""
		if len(e.NextActionTimes) > 0 {
			next = e.NextActionTimes[0].UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", e.ID, e.WorkflowType.Name, e.Paused, next)
	}
	return tw.Flush()
}
