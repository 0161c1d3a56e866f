// This file holds `starter approve`: an operator's decision on a run's held removals.
package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"slices"

	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/approval"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/workflows"
)

func init() {
	register("approve", command{
		summary: "approve (or --reject) a run's held removals for one destination",
		usage: `Usage: starter approve <run> <destination> [--reject] [--by NAME]

A refresh whose push would remove more of a destination's audience than approval: allows (by
default 20 %, or more than 10,000 members) sends its adds at once and waits for a decision on
the removals. Approve and they are removed; reject, or decide nothing until approval.timeout,
and nobody is removed; the run summary says which. Waiting runs are listed by the console and
shown in Temporal UI's current details.

Examples:
  starter approve refresh-2026-12-02T06:00:00Z newsletter
  starter approve refresh-2026-12-02T06:00:00Z meta_lookalike --reject --by alice`,
		run: runApprove,
	})
}

func runApprove(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("approve", &c)
	reject := fs.Bool("reject", false, "reject: remove nobody")
	by := fs.String("by", "", "who decides, shown in the run summary (default: the OS user)")
	if err := parse(fs, "approve", args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("name a run and a destination (see starter approve --help)")
	}
	runID, dest := fs.Arg(0), fs.Arg(1)
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	if *by == "" {
		if u, err := user.Current(); err == nil {
			*by = u.Username
		}
	}
	cl, err := engine.Dial(cfg, log)
	if err != nil {
		return err
	}
	defer cl.Close()
	d := approval.Decision{Destination: dest, Approve: !*reject, By: *by}
	if err := sendDecision(ctx, cl, runID, d); err != nil {
		return err
	}
	verb := "approved"
	if *reject {
		verb = "rejected"
	}
	fmt.Fprintf(os.Stderr, "%s the removals of %s in %s — %s\n", verb, dest, runID, uiURL(cfg, runID))
	return nil
}

// sendDecision checks the run is waiting for a decision on dest and signals it (the console and
// the API decide through here too).
func sendDecision(ctx context.Context, cl client.Client, runID string, d approval.Decision) error {
	p, err := queryProgress(ctx, cl, runID)
	if err != nil {
		return err
	}
	var waiting []string
	for _, a := range p.Approvals {
		waiting = append(waiting, a.Destination)
	}
	if !slices.Contains(waiting, d.Destination) {
		if len(waiting) == 0 {
			return usageError("run %s is not waiting for any approval", runID)
		}
		return usageError("run %s is not waiting for an approval of %q; it waits for %v", runID, d.Destination, waiting)
	}
	if err := cl.SignalWorkflow(ctx, runID, "", workflows.ApprovalSignal, d); err != nil {
		return fmt.Errorf("signal %s: %w", runID, err)
	}
	return nil
}

// queryProgress asks a running run for its progress (stage, summary so far, pending approvals).
func queryProgress(ctx context.Context, cl client.Client, runID string) (workflows.Progress, error) {
	var p workflows.Progress
	v, err := cl.QueryWorkflow(ctx, runID, "", workflows.ProgressQuery)
	if err != nil {
		return p, fmt.Errorf("query run %s: %w", runID, err)
	}
	if err := v.Get(&p); err != nil {
		return p, fmt.Errorf("read progress of %s: %w", runID, err)
	}
	return p, nil
}
