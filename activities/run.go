// This file holds the run bookkeeping activities: StartRun, FinishRun and CommitWatermarks.
package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
)

// StartRunInput identifies a new run.
type StartRunInput struct {
	Run       string // workflow id
	Kind      string
	StartedAt time.Time
}

// StartRun records the run in the store.
func (a *Activities) StartRun(ctx context.Context, in StartRunInput) error {
	if err := a.Store.StartRun(ctx, store.Run{ID: in.Run, Kind: in.Kind, Status: summary.StatusRunning, StartedAt: in.StartedAt}); err != nil {
		return fmt.Errorf("start run %s: %w", in.Run, err)
	}
	return nil
}

// FinishRun stores the final summary, so `starter report` works without the Temporal history,
// and drops the run's staging rows.
func (a *Activities) FinishRun(ctx context.Context, sum summary.Run) error {
	data, err := json.Marshal(sum)
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	// Metrics count each run once: a retried FinishRun finds the run finished already.
	first := true
	if prev, err := a.Store.GetRun(ctx, sum.WorkflowID); err == nil && prev.Status != "running" && prev.Status != "" {
		first = false
	}
	if err := a.Store.FinishRun(ctx, sum.WorkflowID, sum.Status, data); err != nil {
		return fmt.Errorf("finish run %s: %w", sum.WorkflowID, err)
	}
	// A failed run's staged records are dropped too: the next run reads its window again (its
	// watermarks did not move), and nothing resumes from a finished run.
	if sum.Status == summary.StatusCompleted || sum.Status == summary.StatusFailed {
		if err := a.Store.DeleteStaged(ctx, sum.WorkflowID); err != nil {
			return fmt.Errorf("drop staging of %s: %w", sum.WorkflowID, err)
		}
	}
	if first {
		a.Metrics.ObserveRun(sum)
	}
	return nil
}

// WatermarkUpdate is a candidate watermark an extraction produced.
type WatermarkUpdate struct {
	Source string
	Kind   record.Kind
	Value  time.Time
}

// CommitWatermarksInput lists watermarks to advance once the run's data is committed.
type CommitWatermarksInput struct {
	Run        string
	Watermarks []WatermarkUpdate
}

// CommitWatermarks advances incremental-sync watermarks. It runs only after the cleanse stage has
// committed the run's records, so a failed run re-reads the same window next time. A watermark
// never moves backwards.
func (a *Activities) CommitWatermarks(ctx context.Context, in CommitWatermarksInput) error {
	for _, w := range in.Watermarks {
		if w.Value.IsZero() {
			continue
		}
		prev, err := a.Store.GetWatermark(ctx, w.Source, w.Kind)
		if err == nil && !w.Value.After(prev.Value) {
			continue
		}
		if err := a.Store.SetWatermark(ctx, store.Watermark{Source: w.Source, Kind: w.Kind, Value: w.Value.UTC(), Run: in.Run, UpdatedAt: a.now()}); err != nil {
			return fmt.Errorf("advance watermark %s/%s: %w", w.Source, w.Kind, err)
		}
	}
	return nil
}
