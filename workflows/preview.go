// This file holds Preview: what a campaign (or a refresh's push) would do at each destination,
// computed from the ledger and the segments recomputed as the campaign would, calling no vendor.
// The console and API show it before a marketer triggers the campaign.
package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/summary"
)

// PreviewInput names the campaign to preview; empty previews every destination as a refresh
// would push it (removals included).
type PreviewInput struct {
	Campaign string
}

// PreviewResult is one preview per destination, in configuration order.
type PreviewResult struct {
	Campaign     string            `json:"campaign,omitempty"`
	AsOf         time.Time         `json:"as_of"`
	Destinations []summary.Preview `json:"destinations"`
}

// PreviewID is the workflow id of a preview requested at t.
func PreviewID(campaign string, t time.Time) string {
	if campaign == "" {
		campaign = "refresh"
	}
	return "preview-" + campaign + "-" + t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// Preview plans every destination of the campaign (or of a refresh) without sending anything.
func Preview(ctx workflow.Context, in PreviewInput) (PreviewResult, error) {
	res := PreviewResult{Campaign: in.Campaign, AsOf: workflow.Now(ctx).UTC()}
	kind := "refresh"
	if in.Campaign != "" {
		kind = "campaign"
	}
	var plan activities.PlanResult
	if err := workflow.ExecuteActivity(bookkeepingOptions(ctx, "plan "+kind), a.Plan,
		activities.PlanInput{Kind: kind, Campaign: in.Campaign}).Get(ctx, &plan); err != nil {
		return res, err
	}
	run := workflow.GetInfo(ctx).WorkflowExecution.ID
	// Segments are recomputed first, as a campaign run does, so the preview shows what it would
	// send; memberships are the store's (the next run would compute the same), vendors are untouched.
	var seg activities.SegmentResult
	if err := workflow.ExecuteActivity(computeOptions(ctx, "compute segments"), a.Segment,
		activities.SegmentInput{Run: run, AsOf: res.AsOf}).Get(ctx, &seg); err != nil {
		return res, err
	}
	futures := make([]workflow.Future, len(plan.Destinations))
	for i, d := range plan.Destinations {
		futures[i] = workflow.ExecuteActivity(previewOptions(ctx, d), a.PreviewPush,
			activities.PushInput{Run: run, Destination: d, Segments: plan.Segments, AddOnly: in.Campaign != ""})
	}
	for _, f := range futures {
		var p activities.PreviewResult
		if err := f.Get(ctx, &p); err != nil {
			return res, err
		}
		res.Destinations = append(res.Destinations, p.Preview)
	}
	return res, nil
}
