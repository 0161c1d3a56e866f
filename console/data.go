// data.go holds what the pages and the JSON API both read and do: runs and their live progress,
// profiles and their evidence, the dashboard's figures, campaign triggers, previews and decisions.
package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/approval"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/kpi"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/segments"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/subject"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// errNotFound is answered 404; errConflict 409; errBadRequest 400.
var (
	errNotFound   = errors.New("not found")
	errBadRequest = errors.New("bad request")
)

// RunView is one run as the console shows it: the stored row, its summary (live while it runs)
// and the destinations waiting for approval.
type RunView struct {
	ID         string                      `json:"id"`
	Kind       string                      `json:"kind"`
	Status     string                      `json:"status"`
	Stage      string                      `json:"stage,omitempty"`
	StartedAt  time.Time                   `json:"started_at"`
	FinishedAt time.Time                   `json:"finished_at,omitzero"`
	Seconds    float64                     `json:"seconds"`
	Summary    summary.Run                 `json:"summary"`
	Approvals  []workflows.PendingApproval `json:"approvals,omitempty"`
	TemporalUI string                      `json:"temporal_ui"`
}

func (s *Server) runView(ctx context.Context, r store.Run) RunView {
	v := RunView{ID: r.ID, Kind: r.Kind, Status: r.Status, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		TemporalUI: s.temporalURL(r.ID)}
	if len(r.Summary) > 0 {
		_ = json.Unmarshal(r.Summary, &v.Summary)
	}
	end := r.FinishedAt
	if end.IsZero() {
		end = s.now()
	}
	v.Seconds = end.Sub(r.StartedAt).Round(time.Second).Seconds()
	return v
}

// runs lists the newest runs.
func (s *Server) runs(ctx context.Context, limit int) ([]RunView, error) {
	rows, err := s.store.ListRuns(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	out := make([]RunView, len(rows))
	for i, r := range rows {
		out[i] = s.runView(ctx, r)
	}
	return out, nil
}

// run reads one run; a running one is asked for its progress.
func (s *Server) run(ctx context.Context, id string) (RunView, error) {
	r, err := s.store.GetRun(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return RunView{}, fmt.Errorf("run %q: %w", id, errNotFound)
	}
	if err != nil {
		return RunView{}, fmt.Errorf("read run %s: %w", id, err)
	}
	v := s.runView(ctx, r)
	if r.Status == "running" && s.client != nil {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if val, err := s.client.QueryWorkflow(qctx, id, "", workflows.ProgressQuery); err == nil {
			var p workflows.Progress
			if val.Get(&p) == nil {
				v.Summary, v.Stage, v.Approvals = p.Summary, p.Stage, p.Approvals
			}
		}
	}
	return v, nil
}

// ProfileView is one profile with everything the console shows about it.
type ProfileView struct {
	Profile     store.Profile         `json:"profile"`
	Explanation *identity.Explanation `json:"explanation,omitempty"`
	Segments    []string              `json:"segments"`
	Deliveries  []store.Delivery      `json:"deliveries"`
}

// findProfiles looks a person up by email or phone (their match keys, as erasure does) or by
// profile id.
func (s *Server) findProfiles(ctx context.Context, q string) ([]store.Profile, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	var subj store.ErasureSubject
	switch {
	case strings.Contains(q, "@"):
		subj.Email = q
	case strings.HasPrefix(q, "+"):
		subj.Phone = q
	default:
		p, err := s.store.GetProfile(ctx, q)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read profile: %w", err)
		}
		return []store.Profile{p}, nil
	}
	if err := subject.Validate(subj); err != nil {
		return nil, fmt.Errorf("%w: %s", errBadRequest, strings.TrimPrefix(strings.ReplaceAll(err.Error(), "--", ""), " "))
	}
	h, err := privacy.LoadHasher(ctx, s.store)
	if err != nil {
		return nil, err
	}
	person, err := subject.Find(ctx, s.store, h, subj, s.analyticsSources())
	if err != nil {
		return nil, fmt.Errorf("find profiles: %w", err)
	}
	return person.Profiles, nil
}

func (s *Server) analyticsSources() map[string]string {
	out := map[string]string{}
	for _, src := range s.cfg.Sources {
		if src.Spec.Role == connectors.RoleAnalytics {
			out[src.Name] = s.cfg.CustomerSource(src.Name)
		}
	}
	return out
}

// profile reads one profile with its explanation, segments and deliveries.
func (s *Server) profile(ctx context.Context, id string) (ProfileView, error) {
	p, err := s.store.GetProfile(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return ProfileView{}, fmt.Errorf("profile %q: %w", id, errNotFound)
	}
	if err != nil {
		return ProfileView{}, fmt.Errorf("read profile %s: %w", id, err)
	}
	v := ProfileView{Profile: p}
	if ex, err := profiles.Explain(ctx, s.store, id); err == nil {
		v.Explanation = &ex
	}
	names, err := s.store.SegmentNames(ctx)
	if err != nil {
		return v, fmt.Errorf("read segments: %w", err)
	}
	for _, n := range names {
		members, err := s.store.SegmentMembers(ctx, n)
		if err != nil {
			return v, fmt.Errorf("read segment %s: %w", n, err)
		}
		if _, ok := slices.BinarySearch(members, id); ok {
			v.Segments = append(v.Segments, n)
		}
	}
	err = s.store.ScanDeliveries(ctx, store.DeliveryFilter{ProfileID: id}, func(d store.Delivery) error {
		v.Deliveries = append(v.Deliveries, d)
		return nil
	})
	sort.Slice(v.Deliveries, func(i, j int) bool { return v.Deliveries[i].UpdatedAt.After(v.Deliveries[j].UpdatedAt) })
	return v, err
}

// DashboardView is the KPI dashboard: the customer base's figures, segment sizes over the last
// runs and data quality per source from the newest run that cleansed.
type DashboardView struct {
	kpi.Dashboard
	SegmentSizes   map[string]int             `json:"segment_sizes"`
	SegmentHistory []SegmentPoint             `json:"segment_history"`
	Quality        map[string]summary.Quality `json:"quality,omitempty"`
	QualityRun     string                     `json:"quality_run,omitempty"`
}

// SegmentPoint is every segment's size after one completed run.
type SegmentPoint struct {
	Run     string         `json:"run"`
	At      time.Time      `json:"at"`
	Members map[string]int `json:"members"`
}

// historyRuns is how many runs the segment-size history covers.
const historyRuns = 20

// dashboard computes the figures (cached until a newer run finishes).
func (s *Server) dashboard(ctx context.Context) (DashboardView, error) {
	rows, err := s.store.ListRuns(ctx, 200)
	if err != nil {
		return DashboardView{}, fmt.Errorf("list runs: %w", err)
	}
	key := ""
	for _, r := range rows {
		if r.Status != "running" {
			key = r.ID + r.Status
			break
		}
	}
	s.mu.Lock()
	if s.dash != nil && s.dashKey == key {
		d := *s.dash
		s.mu.Unlock()
		return d, nil
	}
	s.mu.Unlock()

	ps, err := profiles.ForSegments(ctx, s.store, s.analyticsSources())
	if err != nil {
		return DashboardView{}, err
	}
	eng, err := segments.New(s.cfg.SegmentDefinitions())
	if err != nil {
		return DashboardView{}, fmt.Errorf("segments: %w", err)
	}
	now := s.now()
	res, err := eng.Evaluate(ps, now)
	if err != nil {
		return DashboardView{}, fmt.Errorf("evaluate segments: %w", err)
	}
	sources := map[string][]string{}
	if err := s.store.ScanProfiles(ctx, func(p store.Profile) error {
		sources[p.ID] = p.Sources
		return nil
	}); err != nil {
		return DashboardView{}, fmt.Errorf("read profiles: %w", err)
	}
	d := DashboardView{Dashboard: kpi.Compute(kpi.Input{Profiles: ps, Facts: res.Facts, Sources: sources, Now: now}),
		SegmentSizes: map[string]int{}}
	names, err := s.store.SegmentNames(ctx)
	if err != nil {
		return d, fmt.Errorf("read segments: %w", err)
	}
	for _, n := range names {
		m, err := s.store.SegmentMembers(ctx, n)
		if err != nil {
			return d, fmt.Errorf("read segment %s: %w", n, err)
		}
		d.SegmentSizes[n] = len(m)
	}
	for _, r := range rows {
		if r.Status == "running" || len(r.Summary) == 0 {
			continue
		}
		var sum summary.Run
		if json.Unmarshal(r.Summary, &sum) != nil {
			continue
		}
		if d.Quality == nil && len(sum.Cleanse.BySource) > 0 {
			d.Quality, d.QualityRun = sum.Cleanse.BySource, r.ID
		}
		if len(sum.Segments) > 0 && len(d.SegmentHistory) < historyRuns && r.Status == summary.StatusCompleted {
			pt := SegmentPoint{Run: r.ID, At: r.FinishedAt, Members: map[string]int{}}
			for n, seg := range sum.Segments {
				pt.Members[n] = seg.Members
			}
			d.SegmentHistory = append(d.SegmentHistory, pt)
		}
	}
	slices.Reverse(d.SegmentHistory) // oldest first
	s.mu.Lock()
	s.dash, s.dashKey = &d, key
	s.mu.Unlock()
	return d, nil
}

// CampaignView is a configured campaign and its runs.
type CampaignView struct {
	Name         string    `json:"name"`
	Segments     []string  `json:"segments"`
	Destinations []string  `json:"destinations"`
	Runs         []RunView `json:"runs"`
}

func (s *Server) campaigns(ctx context.Context) ([]CampaignView, error) {
	runs, err := s.runs(ctx, 200)
	if err != nil {
		return nil, err
	}
	var out []CampaignView
	for _, c := range s.cfg.Campaigns {
		v := CampaignView{Name: c.Name, Segments: c.Segments, Destinations: c.Destinations, Runs: []RunView{}}
		for _, r := range runs {
			if r.Kind == "campaign" && r.Summary.Campaign == c.Name {
				v.Runs = append(v.Runs, r)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) campaign(ctx context.Context, name string) (CampaignView, error) {
	all, err := s.campaigns(ctx)
	if err != nil {
		return CampaignView{}, err
	}
	for _, c := range all {
		if c.Name == name {
			return c, nil
		}
	}
	return CampaignView{}, fmt.Errorf("campaign %q is not configured (campaigns: %v): %w", name, s.campaignNames(), errNotFound)
}

func (s *Server) campaignNames() []string {
	var out []string
	for _, c := range s.cfg.Campaigns {
		out = append(out, c.Name)
	}
	return out
}

// Started is a run a trigger started, or the running one it joined.
type Started struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	Joined     bool   `json:"joined"` // the same run was already running
	TemporalUI string `json:"temporal_ui"`
}

// triggerCampaign starts a campaign run, or joins the one already running: two marketers (or a
// double click) get one run. Triggers of one campaign are serialized in this process, and a
// running campaign started elsewhere is found through Temporal's visibility.
func (s *Server) triggerCampaign(ctx context.Context, name, by string) (Started, error) {
	if _, ok := s.cfg.Campaign(name); !ok {
		return Started{}, fmt.Errorf("campaign %q is not configured (campaigns: %v): %w", name, s.campaignNames(), errNotFound)
	}
	lock := s.lockFor("campaign:" + name)
	lock.Lock()
	defer lock.Unlock()
	if id, runID, ok := s.runningCampaign(ctx, name); ok {
		return Started{WorkflowID: id, RunID: runID, Joined: true, TemporalUI: s.temporalURL(id)}, nil
	}
	ready := engine.SearchAttributesReady(ctx, s.client, s.cfg.Temporal.Namespace)
	id := workflows.CampaignID(name, s.now())
	run, err := engine.StartRun(ctx, s.client, s.cfg, engine.StartRequest{ID: id, Workflow: workflows.Campaign,
		Input:   workflows.CampaignInput{Campaign: name, Trigger: "console", SearchAttributes: ready},
		Summary: "campaign: " + name + " (console, " + by + ")",
		Attrs:   workflows.StartAttributes(ready, "campaign", "console", name, nil)})
	if err != nil {
		return Started{}, err
	}
	s.mu.Lock()
	s.started[name] = run.GetID()
	s.mu.Unlock()
	s.log.Info("campaign triggered", "campaign", name, "by", by, "workflow_id", run.GetID())
	return Started{WorkflowID: run.GetID(), RunID: run.GetRunID(), TemporalUI: s.temporalURL(run.GetID())}, nil
}

// runningCampaign finds a running run of the campaign: the last one this server started, or
// one visibility lists.
func (s *Server) runningCampaign(ctx context.Context, name string) (string, string, bool) {
	s.mu.Lock()
	last := s.started[name]
	s.mu.Unlock()
	if last != "" {
		if d, err := s.client.DescribeWorkflowExecution(ctx, last, ""); err == nil &&
			d.GetWorkflowExecutionInfo().GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
			return last, d.GetWorkflowExecutionInfo().GetExecution().GetRunId(), true
		}
	}
	q := fmt.Sprintf("WorkflowType = 'Campaign' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '%s'",
		strings.ReplaceAll(workflows.CampaignID(name, time.Time{})[:len("campaign-")+len(name)+1], "'", ""))
	resp, err := s.client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: s.cfg.Temporal.Namespace, Query: q, PageSize: 1})
	if err == nil && len(resp.GetExecutions()) > 0 {
		e := resp.GetExecutions()[0].GetExecution()
		return e.GetWorkflowId(), e.GetRunId(), true
	}
	return "", "", false
}

// syncSource starts a one-source sync (joining one started the same second).
func (s *Server) syncSource(ctx context.Context, name, by string) (Started, error) {
	if _, ok := s.cfg.Source(name); !ok {
		return Started{}, fmt.Errorf("source %q is not configured: %w", name, errNotFound)
	}
	ready := engine.SearchAttributesReady(ctx, s.client, s.cfg.Temporal.Namespace)
	run, err := engine.StartRun(ctx, s.client, s.cfg, engine.StartRequest{ID: workflows.SyncID(name, s.now()),
		Workflow: workflows.SourceSync, Input: workflows.SyncInput{Source: name, Trigger: "console", SearchAttributes: ready},
		Summary: "sync: " + name + " (console, " + by + ")",
		Attrs:   workflows.StartAttributes(ready, "sync", "console", "", []string{name})})
	if err != nil {
		return Started{}, err
	}
	return Started{WorkflowID: run.GetID(), RunID: run.GetRunID(), TemporalUI: s.temporalURL(run.GetID())}, nil
}

// previewTimeout bounds how long a preview request waits for the worker.
const previewTimeout = 2 * time.Minute

// preview runs the Preview workflow for a campaign ("" = a refresh's push) and waits for it.
func (s *Server) preview(ctx context.Context, campaign string) (workflows.PreviewResult, error) {
	if campaign != "" {
		if _, ok := s.cfg.Campaign(campaign); !ok {
			return workflows.PreviewResult{}, fmt.Errorf("campaign %q is not configured (campaigns: %v): %w", campaign, s.campaignNames(), errNotFound)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, previewTimeout)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.PreviewID(campaign, s.now()),
		TaskQueue: s.cfg.Temporal.TaskQueue, StaticSummary: "preview: " + campaign}, workflows.Preview,
		workflows.PreviewInput{Campaign: campaign})
	if err != nil {
		return workflows.PreviewResult{}, fmt.Errorf("start preview: %w", err)
	}
	var res workflows.PreviewResult
	if err := run.Get(ctx, &res); err != nil {
		return res, fmt.Errorf("preview %s: %w (is a worker running on task queue %s?)", run.GetID(), err, s.cfg.Temporal.TaskQueue)
	}
	return res, nil
}

// decide signals an operator's decision to a run waiting for it.
func (s *Server) decide(ctx context.Context, runID, dest string, approve bool, by string) error {
	v, err := s.run(ctx, runID)
	if err != nil {
		return err
	}
	var waiting []string
	for _, a := range v.Approvals {
		waiting = append(waiting, a.Destination)
	}
	if !slices.Contains(waiting, dest) {
		return fmt.Errorf("%w: run %s is not waiting for an approval of %q (waiting: %v)", errBadRequest, runID, dest, waiting)
	}
	if err := s.client.SignalWorkflow(ctx, runID, "", workflows.ApprovalSignal,
		approval.Decision{Destination: dest, Approve: approve, By: by}); err != nil {
		return fmt.Errorf("signal %s: %w", runID, err)
	}
	s.log.Info("approval decided", "run", runID, "destination", dest, "approve", approve, "by", by)
	return nil
}

// sortedKeys lists a map's keys in order (templates range over them).
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
