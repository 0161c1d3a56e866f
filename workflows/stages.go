// This file holds the pipeline stages the workflows share; each runs one or more activities and
// records what it did in the run summary.
package workflows

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/summary"
)

// a is the nil receiver workflows call activities through.
var a *activities.Activities

// maxQuotaWaits bounds durable quota waits per source and run (two days of hourly windows).
const maxQuotaWaits = 48

// run is one workflow execution's state: its summary and current stage (served by the progress query).
type run struct {
	sum   summary.Run
	stage string
	// entered is when the current stage began (workflow time), for the summary's stages.
	entered time.Time
	errs    []string
	// attrs is set when the run's search attributes are registered (set by tag).
	attrs bool
	// unreachable are connectors the preflight could not reach: skipped, reported failed.
	unreachable map[string]string
	// pending are destination runs whose removals wait for an operator (approval.go).
	pending map[string]*PendingApproval
	// listening is set once the approval signal is being received.
	listening bool
}

// Progress is what the progress query returns.
type Progress struct {
	Stage   string      `json:"stage"`
	Summary summary.Run `json:"summary"`
	// Approvals are the destination runs waiting for an operator's decision.
	Approvals []PendingApproval `json:"approvals,omitempty"`
}

func newRun(ctx workflow.Context, kind string) (*run, error) {
	info := workflow.GetInfo(ctx)
	r := &run{sum: summary.New(info.WorkflowExecution.ID, info.WorkflowExecution.RunID, kind, workflow.Now(ctx).UTC())}
	err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (Progress, error) {
		return Progress{Stage: r.stage, Summary: r.sum, Approvals: r.waiting()}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("register progress query: %w", err)
	}
	return r, nil
}

// enter marks a new stage and refreshes the run's details in Temporal UI.
func (r *run) enter(ctx workflow.Context, stage string) {
	r.closeStage(ctx)
	r.stage = stage
	r.entered = workflow.Now(ctx)
	workflow.SetCurrentDetails(ctx, r.details())
}

// closeStage adds the current stage's wall time to the summary's stages (workflow time, so a
// replay computes the same figures).
func (r *run) closeStage(ctx workflow.Context) {
	if r.stage == "" || r.entered.IsZero() {
		return
	}
	if r.sum.Stages == nil {
		r.sum.Stages = map[string]summary.Stage{}
	}
	st := r.sum.Stages[r.stage]
	st.Seconds += workflow.Now(ctx).Sub(r.entered).Seconds()
	st.Seconds = float64(int64(st.Seconds*1000)) / 1000 // milliseconds are enough
	r.sum.Stages[r.stage] = st
}

// quiet reports whether the run so far changed nothing segments read: identity found nothing to
// do, and no order or engagement was committed.
func (r *run) quiet() bool {
	c := r.sum.Cleanse
	return r.sum.Identity.Mode == "unchanged" && (c.Orders == nil || c.Orders.Accepted == 0) && c.Engagements == 0
}

// changed records how many records the current stage found changed.
func (r *run) changed(n int) {
	if r.sum.Stages == nil {
		r.sum.Stages = map[string]summary.Stage{}
	}
	st := r.sum.Stages[r.stage]
	st.Changed = &n
	r.sum.Stages[r.stage] = st
}

func (r *run) fail(what string, err error) {
	r.errs = append(r.errs, fmt.Sprintf("%s: %s", what, rootMessage(err)))
}

// rootMessage strips Temporal's activity wrapper so the summary shows the vendor's words.
func rootMessage(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return ae.Error()
	}
	return err.Error()
}

func (r *run) start(ctx workflow.Context) error {
	r.enter(ctx, "start")
	return workflow.ExecuteActivity(bookkeepingOptions(ctx, "record run start"), a.StartRun,
		activities.StartRunInput{Run: r.sum.WorkflowID, Kind: r.sum.Kind, StartedAt: r.sum.StartedAt}).Get(ctx, nil)
}

// preflight checks the run's connectors before anything is read (versioned: runs started before
// it existed replay without it). A failed check fails the run with the vendor's words.
func (r *run) preflight(ctx workflow.Context, sources, destinations []string) error {
	if workflow.GetVersion(ctx, "preflight", workflow.DefaultVersion, 1) < 1 || len(sources)+len(destinations) == 0 {
		return nil
	}
	r.enter(ctx, "preflight")
	var res activities.PreflightResult
	if err := workflow.ExecuteActivity(preflightOptions(ctx), a.Preflight,
		activities.PreflightInput{Sources: sources, Destinations: destinations}).Get(ctx, &res); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(res.Warnings)) {
		for _, w := range res.Warnings[name] {
			r.warn(name, w)
		}
		if s, ok := r.sum.Sources[name]; ok || slices.Contains(sources, name) {
			s.Warnings = mergeWarnings(s.Warnings, res.Warnings[name])
			if s.ByKind == nil {
				s.ByKind = map[string]int{}
			}
			r.sum.Sources[name] = s
		}
	}
	if len(res.Unreachable) > 0 && workflow.GetVersion(ctx, "preflight-unreachable", workflow.DefaultVersion, 1) >= 1 {
		r.unreachable = res.Unreachable
	}
	return nil
}

// warn adds a warning to the run summary once, prefixed with the connector's name.
func (r *run) warn(name, w string) {
	w = name + ": " + w
	if !slices.Contains(r.sum.Warnings, w) {
		r.sum.Warnings = append(r.sum.Warnings, w)
	}
}

// mergeWarnings appends the new warnings not already present.
func mergeWarnings(have, add []string) []string {
	for _, w := range add {
		if !slices.Contains(have, w) {
			have = append(have, w)
		}
	}
	return have
}

func (r *run) plan(ctx workflow.Context, in activities.PlanInput) (*activities.PlanResult, error) {
	var p activities.PlanResult
	err := workflow.ExecuteActivity(bookkeepingOptions(ctx, "plan "+in.Kind), a.Plan, in).Get(ctx, &p)
	return &p, err
}

// extract runs one Extract per source in parallel. A failed source is reported and skipped; its
// earlier data stays in the store. It returns the sources that succeeded and their watermarks.
func (r *run) extract(ctx workflow.Context, sources []string, full bool) ([]string, []activities.WatermarkUpdate) {
	r.enter(ctx, "extract")
	results := make([]*activities.ExtractResult, len(sources))
	errs := make([]error, len(sources))
	wg := workflow.NewWaitGroup(ctx)
	for i, src := range sources {
		if msg, skip := r.unreachable[src]; skip {
			errs[i] = errors.New(msg)
			continue
		}
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			results[i], errs[i] = extractOne(ctx, r.sum.WorkflowID, src, full)
		})
	}
	wg.Wait(ctx)
	var ok []string
	var marks []activities.WatermarkUpdate
	for i, src := range sources {
		if errs[i] != nil {
			r.fail("source "+src, errs[i])
			r.sum.Sources[src] = summary.Source{Error: rootMessage(errs[i]), ByKind: map[string]int{}}
			continue
		}
		res := results[i]
		s := summary.Source{Extracted: res.Extracted, ByKind: res.ByKind, Pages: res.Pages, Retries: res.Retries,
			Requests: res.Requests, Throttled: res.Throttled, QuotaWaits: res.QuotaWaits, Rejected: res.Rejected, Mode: res.Mode,
			Warnings: mergeWarnings(r.sum.Sources[src].Warnings, res.Warnings)}
		for _, w := range res.Warnings {
			r.warn(src, w)
		}
		if !res.Since.IsZero() {
			s.Since = res.Since.UTC().Format(time.RFC3339)
		}
		for _, w := range res.Watermarks {
			if t := w.Value.UTC().Format(time.RFC3339); t > s.Watermark {
				s.Watermark = t
			}
		}
		r.sum.Sources[src] = s
		ok = append(ok, src)
		marks = append(marks, res.Watermarks...)
	}
	workflow.SetCurrentDetails(ctx, r.details())
	return ok, marks
}

// extractOne runs Extract for one source, sleeping on a durable timer whenever the vendor's quota is
// exhausted and resuming from the returned checkpoint.
func extractOne(ctx workflow.Context, run, source string, full bool) (*activities.ExtractResult, error) {
	in := activities.ExtractInput{Run: run, Source: source, Full: full}
	for waits := 0; ; waits++ {
		var res activities.ExtractResult
		err := workflow.ExecuteActivity(extractOptions(ctx, source), a.Extract, in).Get(ctx, &res)
		var ae *temporal.ApplicationError
		if err == nil || !errors.As(err, &ae) || ae.Type() != activities.ErrTypeQuotaExhausted || waits >= maxQuotaWaits {
			if err != nil {
				return nil, err
			}
			return &res, nil
		}
		var w activities.QuotaWait
		if derr := ae.Details(&w); derr != nil {
			return nil, fmt.Errorf("read quota wait of %s: %w (after %v)", source, derr, err)
		}
		workflow.GetLogger(ctx).Info("quota exhausted; sleeping until it resets", "source", source, "resume_at", w.ResumeAt)
		if d := w.ResumeAt.Sub(workflow.Now(ctx)); d > 0 {
			if serr := workflow.Sleep(ctx, d); serr != nil {
				return nil, serr
			}
		}
		in.Resume = &w.Checkpoint
	}
}

// cleanse cleanses the extracted sources, then advances their watermarks: only committed data moves them.
func (r *run) cleanse(ctx workflow.Context, sources []string, marks []activities.WatermarkUpdate, full bool) error {
	r.enter(ctx, "cleanse")
	in := activities.CleanseInput{Run: r.sum.WorkflowID, Sources: sources, Full: full}
	// Versioned: runs started before the fan-out replay without the plan and the parts.
	if full && len(sources) > 0 && workflow.GetVersion(ctx, "cleanse-parts", workflow.DefaultVersion, 1) >= 1 {
		parts, err := r.cleanseParts(ctx, sources)
		if err != nil {
			return err
		}
		in.Parts = parts
	}
	var res activities.CleanseResult
	if err := workflow.ExecuteActivity(computeOptions(ctx, "cleanse "+strings.Join(sources, ", ")), a.Cleanse, in).Get(ctx, &res); err != nil {
		return err
	}
	r.sum.Cleanse = res
	r.changed(res.Changed)
	return workflow.ExecuteActivity(bookkeepingOptions(ctx, "advance watermarks"), a.CommitWatermarks,
		activities.CommitWatermarksInput{Run: r.sum.WorkflowID, Watermarks: marks}).Get(ctx, nil)
}

// cleanseParts plans the fan-out of a full cleanse and runs every part of every large source at
// once (one CleansePart activity each, taken by whichever workers have room), returning what
// the parts did per source for the Cleanse that finishes them. Only counts travel here.
func (r *run) cleanseParts(ctx workflow.Context, sources []string) (map[string][]activities.CleansePartResult, error) {
	var plan activities.CleansePlan
	if err := workflow.ExecuteActivity(bookkeepingOptions(ctx, "plan cleanse"), a.PlanCleanse,
		activities.CleansePlanInput{Run: r.sum.WorkflowID, Sources: sources, Full: true}).Get(ctx, &plan); err != nil {
		return nil, err
	}
	if len(plan.Parts) == 0 {
		return nil, nil
	}
	out := map[string][]activities.CleansePartResult{}
	var errs []error
	wg := workflow.NewWaitGroup(ctx)
	for _, src := range sources { // in the run's order, not the map's: deterministic
		n := plan.Parts[src]
		if n < 2 {
			continue
		}
		out[src] = make([]activities.CleansePartResult, n)
		for part := range n {
			wg.Add(1)
			workflow.Go(ctx, func(ctx workflow.Context) {
				defer wg.Done()
				in := activities.CleansePartInput{Run: r.sum.WorkflowID, Source: src, Part: part, Parts: n, Full: true}
				opts := computeOptions(ctx, fmt.Sprintf("cleanse %s part %d of %d", src, part+1, n))
				if err := workflow.ExecuteActivity(opts, a.CleansePart, in).Get(ctx, &out[src][part]); err != nil {
					errs = append(errs, fmt.Errorf("cleanse %s part %d of %d: %w", src, part+1, n, err))
				}
			})
		}
	}
	wg.Wait(ctx)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return out, nil
}

func (r *run) resolve(ctx workflow.Context) error {
	r.enter(ctx, "resolve")
	var res activities.ResolveResult
	if err := workflow.ExecuteActivity(computeOptions(ctx, "resolve identities"), a.Resolve,
		activities.ResolveInput{Run: r.sum.WorkflowID}).Get(ctx, &res); err != nil {
		return err
	}
	r.sum.Identity = res
	return nil
}

func (r *run) segment(ctx workflow.Context) error {
	r.enter(ctx, "segment")
	var res activities.SegmentResult
	if err := workflow.ExecuteActivity(computeOptions(ctx, "compute segments"), a.Segment,
		activities.SegmentInput{Run: r.sum.WorkflowID, AsOf: workflow.Now(ctx).UTC(), Quiet: r.quiet()}).Get(ctx, &res); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(res.Segments)) {
		r.sum.Segments[name] = res.Segments[name]
	}
	return nil
}

// push syncs every destination in parallel; each has its own retries, so one slow or failing
// vendor never holds up the others.
func (r *run) push(ctx workflow.Context, dests []string, segments []string, addOnly bool) {
	r.enter(ctx, "push")
	results := make([]activities.PushResult, len(dests))
	errs := make([]error, len(dests))
	// Versioned: runs started before approvals existed replay without the preview step.
	approvals := !addOnly && workflow.GetVersion(ctx, "approval", workflow.DefaultVersion, 1) >= 1
	wg := workflow.NewWaitGroup(ctx)
	for i, d := range dests {
		if msg, skip := r.unreachable[d]; skip {
			errs[i] = errors.New(msg)
			continue
		}
		wg.Add(1)
		workflow.Go(ctx, func(ctx workflow.Context) {
			defer wg.Done()
			in := activities.PushInput{Run: r.sum.WorkflowID, Destination: d, Segments: segments, AddOnly: addOnly}
			if approvals {
				results[i], errs[i] = r.pushApproved(ctx, in)
				return
			}
			errs[i] = workflow.ExecuteActivity(pushOptions(ctx, d), a.Push, in).Get(ctx, &results[i])
		})
	}
	wg.Wait(ctx)
	for i, d := range dests {
		if errs[i] != nil {
			r.fail("destination "+d, errs[i])
			results[i].Error = rootMessage(errs[i])
		}
		r.sum.Destinations[d] = results[i]
	}
}

// finish records the outcome and returns the summary, or a RunFailed error carrying it.
func (r *run) finish(ctx workflow.Context, fatal error) (summary.Run, error) {
	if fatal != nil {
		r.fail(r.stage, fatal)
	}
	r.closeStage(ctx)
	r.entered = time.Time{}
	r.sum.FinishedAt = workflow.Now(ctx).UTC()
	r.sum.Status = summary.StatusCompleted
	if len(r.errs) > 0 {
		r.sum.Status = summary.StatusFailed
		r.sum.Error = strings.Join(r.errs, "; ")
	}
	r.stage = "done"
	workflow.SetCurrentDetails(ctx, r.details())
	if r.attrs && workflow.GetVersion(ctx, "status-search-attribute", workflow.DefaultVersion, 1) >= 1 {
		if err := workflow.UpsertTypedSearchAttributes(ctx, AttrStatus.ValueSet(r.sum.Status)); err != nil {
			workflow.GetLogger(ctx).Warn("could not set CdpflowStatus", "error", err)
		}
	}
	// Record the outcome even when the run was cancelled.
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if err := workflow.ExecuteActivity(bookkeepingOptions(dctx, "record run summary"), a.FinishRun, r.sum).Get(dctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("could not store the run summary", "error", err)
	}
	if r.sum.Status == summary.StatusFailed {
		return r.sum, temporal.NewNonRetryableApplicationError(r.sum.Error, "RunFailed", nil, r.sum)
	}
	return r.sum, nil
}

// counts renders a reason -> count map as "a 2, b 1" (sorted by name).
func counts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// details renders the live run state as markdown for Temporal UI's "current details".
func (r *run) details() string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** — stage: `%s`\n\n", r.sum.Kind, r.stage)
	if len(r.sum.Sources) > 0 {
		b.WriteString("| source | extracted | mode | pages | retries |\n|---|---|---|---|---|\n")
		for _, name := range slices.Sorted(maps.Keys(r.sum.Sources)) {
			s := r.sum.Sources[name]
			mode := s.Mode
			if s.Error != "" {
				mode = "FAILED: " + s.Error
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %d | %d |\n", name, s.Extracted, mode, s.Pages, s.Retries)
		}
		b.WriteString("\n")
	}
	c := r.sum.Cleanse
	if c.Accepted+c.Quarantined > 0 {
		fmt.Fprintf(&b, "cleanse: %d accepted, %d quarantined\n\n", c.Accepted, c.Quarantined)
		b.WriteString("| data quality | records | accepted | quarantined (reasons) | flagged | email filled | phone filled |\n|---|---|---|---|---|---|---|\n")
		for _, name := range slices.Sorted(maps.Keys(c.BySource)) {
			q := c.BySource[name]
			if q.Records == 0 {
				continue
			}
			fmt.Fprintf(&b, "| %s | %d | %d | %d (%s) | %s | %.0f%% | %.0f%% |\n", name, q.Records, q.Accepted, q.Quarantined,
				counts(q.Reasons), counts(q.Flags), 100*q.FillRate["email"], 100*q.FillRate["phone"])
		}
		b.WriteString("\n")
	}
	if r.sum.Identity.Records > 0 {
		fmt.Fprintf(&b, "identity: %d records → %d profiles\n\n", r.sum.Identity.Records, r.sum.Identity.Profiles)
	}
	for _, p := range r.waiting() {
		fmt.Fprintf(&b, "**waiting for approval: %s** — %s. Decide by %s with `starter approve %s %s` (or `--reject`), or in the console.\n\n",
			p.Destination, p.Reason, p.Deadline.UTC().Format(time.RFC3339), r.sum.WorkflowID, p.Destination)
	}
	if len(r.sum.Destinations) > 0 {
		b.WriteString("| destination | added | updated | removed | failed | skipped (consent) |\n|---|---|---|---|---|---|\n")
		for _, name := range slices.Sorted(maps.Keys(r.sum.Destinations)) {
			d := r.sum.Destinations[name]
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", name, d.Added, d.Updated, d.Removed, d.Failed, d.SkippedNoConsent)
		}
	}
	return b.String()
}
