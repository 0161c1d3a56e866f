// This file holds `starter report`: the summary of a past or running run.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"go.temporal.io/api/enums/v1"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

func init() {
	register("report", command{
		summary: "print the summary of a past or running run",
		usage: `Usage: starter report <workflow-id> [--json]

Prints the run summary: from Temporal when it is reachable (a running run reports its progress so
far), else from the store, where every finished run leaves its summary.

Examples:
  starter report refresh-2026-11-22T02:00:00Z
  starter report refresh-2026-11-22T02:00:00Z --json | jq .destinations`,
		run: runReport,
	})
}

func runReport(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("report", &c)
	asJSON := fs.Bool("json", false, "print the summary as one JSON object on stdout")
	if err := parse(fs, "report", args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name exactly one workflow id (see starter report --help)")
	}
	id := fs.Arg(0)
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	sum, terr := reportFromTemporal(ctx, cfg, id)
	if terr != nil {
		log.Debug("Temporal has no answer; reading the store", "error", terr)
		var serr error
		if sum, serr = reportFromStore(ctx, cfg, id); serr != nil {
			return fmt.Errorf("no run %s: Temporal: %v; store: %w", id, terr, serr)
		}
	}
	return printSummary(os.Stdout, sum, *asJSON)
}

func reportFromTemporal(ctx context.Context, cfg *config.Config, id string) (summary.Run, error) {
	cl, err := engine.Dial(cfg, engine.NewLogger(config.Log{Level: "error"}))
	if err != nil {
		return summary.Run{}, err
	}
	defer cl.Close()
	desc, err := cl.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return summary.Run{}, err
	}
	if desc.GetWorkflowExecutionInfo().GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		val, err := cl.QueryWorkflow(ctx, id, "", workflows.ProgressQuery)
		if err != nil {
			return summary.Run{}, fmt.Errorf("query progress: %w", err)
		}
		var p workflows.Progress
		if err := val.Get(&p); err != nil {
			return summary.Run{}, fmt.Errorf("decode progress: %w", err)
		}
		p.Summary.Status = summary.StatusRunning + " (" + p.Stage + ")"
		return p.Summary, nil
	}
	return waitSummary(ctx, cl.GetWorkflow(ctx, id, ""))
}

func reportFromStore(ctx context.Context, cfg *config.Config, id string) (summary.Run, error) {
	st, err := engine.OpenExistingStore(ctx, cfg.Store)
	if err != nil {
		return summary.Run{}, err
	}
	defer st.Close()
	r, err := st.GetRun(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return summary.Run{}, fmt.Errorf("the store has no run %s", id)
	}
	if err != nil {
		return summary.Run{}, err
	}
	var sum summary.Run
	if len(r.Summary) == 0 {
		return summary.Run{WorkflowID: r.ID, Kind: r.Kind, Status: r.Status, StartedAt: r.StartedAt}, nil
	}
	if err := json.Unmarshal(r.Summary, &sum); err != nil {
		return summary.Run{}, fmt.Errorf("decode stored summary of %s: %w", id, err)
	}
	return sum, nil
}
