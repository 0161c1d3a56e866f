// This file holds starting a workflow run and waiting for its summary, shared by refresh, sync,
// campaign and dev.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// startRequest is one run to start.
type startRequest = engine.StartRequest

// startRun starts the workflow (joining a running one of the same id).
func startRun(ctx context.Context, c client.Client, cfg *config.Config, r startRequest) (client.WorkflowRun, error) {
	return engine.StartRun(ctx, c, cfg, r)
}

// waitSummary waits for a run and returns its summary, also when the run failed (the failure
// carries the summary as its details).
func waitSummary(ctx context.Context, run client.WorkflowRun) (summary.Run, error) {
	var sum summary.Run
	err := run.Get(ctx, &sum)
	if err == nil {
		return sum, nil
	}
	if s, ok := summaryFromFailure(err); ok {
		return s, nil
	}
	return sum, fmt.Errorf("run %s: %w", run.GetID(), err)
}

// summaryFromFailure extracts the summary a RunFailed error carries.
func summaryFromFailure(err error) (summary.Run, bool) {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != "RunFailed" || !ae.HasDetails() {
		return summary.Run{}, false
	}
	var sum summary.Run
	if ae.Details(&sum) != nil {
		return summary.Run{}, false
	}
	return sum, true
}

// printSummary writes the summary as one JSON object (asJSON) or as text.
func printSummary(w io.Writer, sum summary.Run, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		return enc.Encode(sum)
	}
	sum.WriteText(w)
	return nil
}

// finishRun prints the summary and turns a failed run into exit status 1.
func finishRun(sum summary.Run, asJSON bool) error {
	if err := printSummary(os.Stdout, sum, asJSON); err != nil {
		return err
	}
	if sum.Status != summary.StatusCompleted {
		return &exitError{code: 1, err: fmt.Errorf("run %s %s: %s", sum.WorkflowID, sum.Status, sum.Error)}
	}
	return nil
}

// launch is what refresh, sync and campaign share: connect, start the run, and either print its id
// or wait for and print its summary.
type launch struct {
	id       string
	workflow any
	input    func(searchAttributes bool) any
	summary  string
	kind     string
	campaign string
	sources  []string
}

func (l launch) run(ctx context.Context, cfg *config.Config, log *slog.Logger, wait, asJSON bool) error {
	cl, err := engine.Dial(cfg, log)
	if err != nil {
		return err
	}
	defer cl.Close()
	ready := searchAttributesReady(ctx, cl, cfg.Temporal.Namespace)
	run, err := startRun(ctx, cl, cfg, startRequest{ID: l.id, Workflow: l.workflow, Input: l.input(ready),
		Summary: l.summary, Attrs: workflows.StartAttributes(ready, l.kind, "cli", l.campaign, l.sources)})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "started %s — %s\n", run.GetID(), uiURL(cfg, run.GetID()))
	if !wait {
		if asJSON {
			fmt.Printf("{\"workflow_id\":%q,\"run_id\":%q}\n", run.GetID(), run.GetRunID())
		}
		return nil
	}
	stop := followProgress(ctx, cl, run.GetID(), os.Stderr)
	sum, err := waitSummary(ctx, run)
	stop()
	if err != nil {
		return err
	}
	return finishRun(sum, asJSON)
}
