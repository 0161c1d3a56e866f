// This file holds SourceSync: one source extracted, cleansed and resolved, without segments or pushes.
package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/summary"
)

// SyncInput names the source to sync.
type SyncInput struct {
	Source           string
	Full             bool
	Trigger          string
	SearchAttributes bool
}

// SourceSync brings one source's changes into the store and the identity graph (hourly incremental
// syncs, backfills with Full). Segments and destinations move on the next refresh or campaign.
func SourceSync(ctx workflow.Context, in SyncInput) (summary.Run, error) {
	r, err := newRun(ctx, "sync")
	if err != nil {
		return summary.Run{}, err
	}
	if err := r.start(ctx); err != nil {
		return r.finish(ctx, err)
	}
	plan, err := r.plan(ctx, activities.PlanInput{Kind: "sync", Sources: []string{in.Source}})
	if err != nil {
		return r.finish(ctx, err)
	}
	r.tag(ctx, in.SearchAttributes, in.Trigger, "", plan.Sources)
	if err := r.preflight(ctx, plan.Sources, nil); err != nil {
		return r.finish(ctx, err)
	}
	extracted, marks := r.extract(ctx, plan.Sources, in.Full)
	if len(extracted) == 0 {
		return r.finish(ctx, nil)
	}
	if err := r.cleanse(ctx, extracted, marks, in.Full); err != nil {
		return r.finish(ctx, err)
	}
	if err := r.resolve(ctx); err != nil {
		return r.finish(ctx, err)
	}
	return r.finish(ctx, nil)
}
