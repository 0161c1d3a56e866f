// This file holds CustomerRefresh: every source through cleanse, resolve and segment to every destination.
package workflows

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/summary"
)

// RefreshInput selects what a refresh covers; empty lists mean everything configured.
type RefreshInput struct {
	Sources      []string
	Destinations []string
	// Full forces a full resync of every source.
	Full bool
	// Trigger says who started the run (cli, schedule, dev), shown as a search attribute.
	Trigger string
	// SearchAttributes is set by starters that verified the attributes are registered.
	SearchAttributes bool
}

// CustomerRefresh extracts every source, cleanses, resolves identities, computes segments and
// pushes them to every destination. It returns the run summary; a run where any source or
// destination failed ends as a RunFailed error that carries the summary as its details.
func CustomerRefresh(ctx workflow.Context, in RefreshInput) (summary.Run, error) {
	r, err := newRun(ctx, "refresh")
	if err != nil {
		return summary.Run{}, err
	}
	if err := r.start(ctx); err != nil {
		return r.finish(ctx, err)
	}
	plan, err := r.plan(ctx, activities.PlanInput{Kind: "refresh", Sources: in.Sources, Destinations: in.Destinations})
	if err != nil {
		return r.finish(ctx, err)
	}
	r.tag(ctx, in.SearchAttributes, in.Trigger, "", plan.Sources)
	if err := r.preflight(ctx, plan.Sources, plan.Destinations); err != nil {
		return r.finish(ctx, err)
	}
	extracted, marks := r.extract(ctx, plan.Sources, in.Full)
	if len(extracted) > 0 {
		if err := r.cleanse(ctx, extracted, marks, in.Full); err != nil {
			return r.finish(ctx, err)
		}
	}
	if err := r.resolve(ctx); err != nil {
		return r.finish(ctx, err)
	}
	if err := r.segment(ctx); err != nil {
		return r.finish(ctx, err)
	}
	r.push(ctx, plan.Destinations, nil, false)
	return r.finish(ctx, nil)
}

// tag sets the run's search attributes for filtering in Temporal UI (only when they exist).
func (r *run) tag(ctx workflow.Context, enabled bool, trigger, campaign string, sources []string) {
	r.attrs = enabled
	if !enabled {
		return
	}
	kind := r.sum.Kind
	sa := []temporal.SearchAttributeUpdate{AttrKind.ValueSet(kind)}
	if trigger != "" {
		sa = append(sa, AttrTrigger.ValueSet(trigger))
	}
	if campaign != "" {
		sa = append(sa, AttrCampaign.ValueSet(campaign))
	}
	if len(sources) > 0 {
		sa = append(sa, AttrSources.ValueSet(sources))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, sa...); err != nil {
		workflow.GetLogger(ctx).Warn("could not set search attributes", "error", err)
	}
}
