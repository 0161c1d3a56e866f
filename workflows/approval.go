// This file holds approval before big removals: a destination run whose preview would remove
// more of its audience than approval: allows pushes its adds and updates at once, then waits on
// a durable timer for the approval signal; approve removes, reject or no decision in time removes
// nobody, and the summary says which.
package workflows

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/approval"
	"github.com/cdpflow/cdpflow/summary"
)

// ApprovalSignal carries an approval.Decision for one destination of a run.
const ApprovalSignal = "approval"

// PendingApproval is a destination run waiting for a decision (served by the progress query).
type PendingApproval struct {
	Destination string    `json:"destination"`
	Removes     int       `json:"removes"`
	Current     int       `json:"current"`
	Reason      string    `json:"reason"`
	Deadline    time.Time `json:"deadline"`
	// Sample is a few of the profile ids that would be removed.
	Sample []string `json:"sample,omitempty"`

	decision *approval.Decision
}

// waiting lists the destinations still waiting, by name.
func (r *run) waiting() []PendingApproval {
	var out []PendingApproval
	for _, name := range slices.Sorted(maps.Keys(r.pending)) {
		if p := r.pending[name]; p.decision == nil {
			out = append(out, *p)
		}
	}
	return out
}

// listen receives approval signals for the rest of the run; a decision for a destination that
// is not waiting is logged and dropped.
func (r *run) listen(ctx workflow.Context) {
	if r.listening {
		return
	}
	r.listening = true
	ch := workflow.GetSignalChannel(ctx, ApprovalSignal)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var d approval.Decision
			if !ch.Receive(ctx, &d) {
				return
			}
			p, ok := r.pending[d.Destination]
			if !ok || p.decision != nil {
				workflow.GetLogger(ctx).Warn("approval signal for a destination that is not waiting; ignored", "destination", d.Destination)
				continue
			}
			p.decision = &d
		}
	})
}

// pushApproved previews one destination run and pushes it, holding its removals for approval
// when the preview says so.
func (r *run) pushApproved(ctx workflow.Context, in activities.PushInput) (activities.PushResult, error) {
	var res activities.PushResult
	var pv activities.PreviewResult
	if err := workflow.ExecuteActivity(previewOptions(ctx, in.Destination), a.PreviewPush, in).Get(ctx, &pv); err != nil {
		return res, err
	}
	if !pv.NeedsApproval {
		err := workflow.ExecuteActivity(pushOptions(ctx, in.Destination), a.Push, in).Get(ctx, &res)
		return res, err
	}
	r.listen(ctx)
	// Adds are not held: the audience's new and changed members go out now.
	adds := in
	adds.AddOnly = true
	if err := workflow.ExecuteActivity(pushOptions(ctx, in.Destination), a.Push, adds).Get(ctx, &res); err != nil {
		return res, err
	}
	if r.pending == nil {
		r.pending = map[string]*PendingApproval{}
	}
	p := &PendingApproval{Destination: in.Destination, Removes: pv.Removes, Current: pv.Current, Reason: pv.Reason,
		Deadline: workflow.Now(ctx).Add(pv.ApprovalTimeout).UTC(), Sample: pv.Samples["removes"]}
	r.pending[in.Destination] = p
	workflow.SetCurrentDetails(ctx, r.details())
	workflow.GetLogger(ctx).Info("removals wait for approval", "destination", in.Destination, "removes", pv.Removes, "current", pv.Current)
	decided, err := workflow.AwaitWithTimeout(ctx, pv.ApprovalTimeout, func() bool { return p.decision != nil })
	if err != nil {
		return res, fmt.Errorf("wait for approval of %s: %w", in.Destination, err)
	}
	ap := &summary.Approval{Removes: pv.Removes, Current: pv.Current, Reason: pv.Reason}
	switch {
	case !decided:
		ap.Status = approval.TimedOut
		p.decision = &approval.Decision{Destination: in.Destination}
		r.warn(in.Destination, fmt.Sprintf("removals timed out waiting for approval: %d members not removed", pv.Removes))
	case !p.decision.Approve:
		ap.Status, ap.By = approval.Rejected, p.decision.By
		r.warn(in.Destination, fmt.Sprintf("removals rejected by %s: %d members not removed", nameOr(p.decision.By), pv.Removes))
	default:
		ap.Status, ap.By = approval.Approved, p.decision.By
	}
	workflow.SetCurrentDetails(ctx, r.details())
	if ap.Status == approval.Approved {
		// The full sync re-plans from the ledger: what the add-only pass sent stays sent.
		err = workflow.ExecuteActivity(pushOptions(ctx, in.Destination), a.Push, in).Get(ctx, &res)
	}
	res.Approval = ap
	return res, err
}

func nameOr(by string) string {
	if by == "" {
		return "an operator"
	}
	return by
}
