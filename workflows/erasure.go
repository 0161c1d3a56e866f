// This file holds Erasure: one person erased everywhere (GDPR Art. 17, CCPA delete), with a receipt
// per destination and per store table. The workflow carries the request id only: the person's
// identifiers stay in the store's request row until the erasure is done.
package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/summary"
)

// ErasureInput names the request `starter erase` stored.
type ErasureInput struct {
	Request          string
	Trigger          string
	SearchAttributes bool
}

// ErasureDeadline is how long the law gives to erase (GDPR Art. 12(3): one month).
const ErasureDeadline = 30 * 24 * time.Hour

// Erasure finds the person, erases them at every destination in parallel (each with its own
// retries), then deletes them from the store keeping only keyed hashes that suppress a later import.
// A destination that fails leaves the request failed with its receipt; running it again finishes it.
func Erasure(ctx workflow.Context, in ErasureInput) (summary.Erasure, error) {
	res := summary.Erasure{ID: in.Request}
	if in.SearchAttributes {
		_ = workflow.UpsertTypedSearchAttributes(ctx, AttrKind.ValueSet("erasure"), AttrTrigger.ValueSet(in.Trigger),
			AttrDeadline.ValueSet(workflow.GetInfo(ctx).WorkflowStartTime.Add(ErasureDeadline)))
	}
	show := func(stage string) { workflow.SetCurrentDetails(ctx, erasureDetails(stage, res)) }
	show("find")
	var found activities.EraseFound
	if err := workflow.ExecuteActivity(bookkeepingOptions(ctx, "find the person"), a.EraseFind,
		activities.EraseInput{Request: in.Request}).Get(ctx, &found); err != nil {
		res.Status, res.Error = "failed", rootMessage(err)
		show("done")
		return res, temporal.NewNonRetryableApplicationError(res.Error, "ErasureFailed", nil, res)
	}
	res.Records, res.Profiles = found.Records, found.Profiles
	show("destinations")
	receipts := make([]summary.Receipt, len(found.Destinations))
	errs := make([]error, len(found.Destinations))
	wg := workflow.NewWaitGroup(ctx)
	for i, d := range found.Destinations {
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			errs[i] = workflow.ExecuteActivity(pushOptions(ctx, d), a.EraseDestination,
				activities.EraseDestinationInput{Request: in.Request, Destination: d}).Get(ctx, &receipts[i])
		})
	}
	wg.Wait(ctx)
	for i, d := range found.Destinations {
		if errs[i] != nil {
			receipts[i] = summary.Receipt{Target: "destination:" + d, Status: "failed", Detail: rootMessage(errs[i]), At: workflow.Now(ctx).UTC()}
		}
	}
	res.Receipts = receipts
	show("store")
	var done summary.Erasure
	if err := workflow.ExecuteActivity(computeOptions(ctx, "erase from the store"), a.EraseStore,
		activities.EraseStoreInput{Request: in.Request, Receipts: receipts}).Get(ctx, &done); err != nil {
		res.Status, res.Error = "failed", rootMessage(err)
		show("done")
		return res, temporal.NewNonRetryableApplicationError(res.Error, "ErasureFailed", nil, res)
	}
	res = done
	show("done")
	if res.Status != "done" {
		return res, temporal.NewNonRetryableApplicationError("erasure "+in.Request+": a destination failed; run the erasure again", "ErasureFailed", nil, res)
	}
	return res, nil
}

// erasureDetails renders an erasure's progress for Temporal UI: what was done where, never whom.
func erasureDetails(stage string, e summary.Erasure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**erasure** %s — stage: `%s`\n\n", e.ID, stage)
	if e.Records+e.Profiles > 0 || stage != "find" {
		fmt.Fprintf(&b, "found: %d records, %d profiles\n\n", e.Records, e.Profiles)
	}
	if len(e.Receipts) > 0 {
		b.WriteString("| target | action | status | count |\n|---|---|---|---|\n")
		rs := slices.Clone(e.Receipts)
		slices.SortFunc(rs, func(x, y summary.Receipt) int { return strings.Compare(x.Target, y.Target) })
		for _, r := range rs {
			fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", r.Target, r.Action, r.Status, r.Count)
		}
	}
	return b.String()
}
