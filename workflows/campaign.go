// This file holds Campaign: a marketer's named campaign, pushing its segments to its destinations.
package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/summary"
)

// CampaignInput names the campaign to run.
type CampaignInput struct {
	Campaign         string
	Trigger          string
	SearchAttributes bool
}

// Campaign recomputes segments from the current profiles and adds the members of the campaign's
// segments to its destinations. It removes nobody: the ledger makes a re-run send only to members
// who were not reached before.
func Campaign(ctx workflow.Context, in CampaignInput) (summary.Run, error) {
	r, err := newRun(ctx, "campaign")
	if err != nil {
		return summary.Run{}, err
	}
	r.sum.Campaign = in.Campaign
	if err := r.start(ctx); err != nil {
		return r.finish(ctx, err)
	}
	plan, err := r.plan(ctx, activities.PlanInput{Kind: "campaign", Campaign: in.Campaign})
	if err != nil {
		return r.finish(ctx, err)
	}
	r.tag(ctx, in.SearchAttributes, in.Trigger, in.Campaign, nil)
	if err := r.preflight(ctx, nil, plan.Destinations); err != nil {
		return r.finish(ctx, err)
	}
	if err := r.segment(ctx); err != nil {
		return r.finish(ctx, err)
	}
	r.push(ctx, plan.Destinations, plan.Segments, true)
	return r.finish(ctx, nil)
}
