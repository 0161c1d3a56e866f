// This file holds the Segment activity: assemble each profile's orders and engagement, evaluate the
// built-in and configured segments, and store each segment's membership with its change.
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/segments"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
	"go.temporal.io/sdk/temporal"
)

// SegmentInput names the run and the instant segments are computed as of (the workflow's clock,
// so a replayed or retried run computes the same segments).
type SegmentInput struct {
	Run  string
	AsOf time.Time
	// Quiet says the run changed no profile, order or engagement: the memberships computed earlier
	// the same day by the same definitions still hold unless a rule reads the clock (now).
	Quiet bool
}

// SegmentResult counts each segment's members and changes.
type SegmentResult struct {
	Segments map[string]summary.Segment
}

// Segment evaluates every segment over all profiles and applies the memberships.
func (a *Activities) Segment(ctx context.Context, in SegmentInput) (*SegmentResult, error) {
	defs := make([]segments.Definition, len(a.Config.Segments))
	for i, s := range a.Config.Segments {
		defs[i] = segments.Definition{Name: s.Name, Rule: s.Rule}
	}
	eng, err := segments.New(defs)
	if err != nil {
		return nil, configError("segments: %v", err)
	}
	// Beating from here on: reading a million profiles alone outlasts the heartbeat timeout.
	hb := startHeartbeat(ctx, "evaluating")
	defer hb.Stop()
	inputs := segmentInputs{Day: in.AsOf.UTC().Format(time.DateOnly), Defs: defs}
	if in.Quiet {
		if res, ok, err := a.segmentsUnchanged(ctx, inputs); err != nil || ok {
			return res, err
		}
	}
	profiles, err := a.segmentProfiles(ctx)
	if err != nil {
		return nil, err
	}
	res, err := eng.EvaluateMembersContext(ctx, profiles, in.AsOf)
	var re *segments.RuleError
	if errors.As(err, &re) {
		// A rule failing on a profile or over its budget fails again on retry: stop the stage now.
		return nil, temporal.NewNonRetryableApplicationError("evaluate segments: "+err.Error(), ErrTypeConfig, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("evaluate segments: %w", err)
	}
	names := make([]string, 0, len(res.Members))
	for n := range res.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	out := &SegmentResult{Segments: map[string]summary.Segment{}}
	for _, n := range names {
		ch, err := a.Store.ApplySegment(ctx, in.Run, n, res.Members[n])
		if err != nil {
			return nil, fmt.Errorf("store segment %s: %w", n, err)
		}
		out.Segments[n] = summary.Segment{Members: ch.Members, Added: len(ch.Added), Removed: len(ch.Removed)}
		hb.Beat(n)
	}
	inputs.Names = names
	if err := a.setSegmentInputs(ctx, inputs); err != nil {
		return nil, err
	}
	return out, nil
}

// segmentInputs is what the last evaluation depended on besides the data: its day, the
// definitions, and the segments it produced.
type segmentInputs struct {
	Day   string                `json:"day"`
	Defs  []segments.Definition `json:"defs"`
	Names []string              `json:"names"`
}

const metaSegmentInputs = "segments.inputs"

func (a *Activities) setSegmentInputs(ctx context.Context, in segmentInputs) error {
	b, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode segment inputs: %w", err)
	}
	if err := a.Store.SetMeta(ctx, metaSegmentInputs, b); err != nil {
		return fmt.Errorf("store segment inputs: %w", err)
	}
	return nil
}

// segmentsUnchanged returns the current memberships, unchanged, when the last evaluation had the
// same day and definitions and no rule reads the clock: with the data unchanged too, evaluating
// again would give the same members.
func (a *Activities) segmentsUnchanged(ctx context.Context, want segmentInputs) (*SegmentResult, bool, error) {
	for _, d := range want.Defs {
		if strings.Contains(d.Rule, "now") {
			return nil, false, nil
		}
	}
	b, err := a.Store.GetMeta(ctx, metaSegmentInputs)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read segment inputs: %w", err)
	}
	var last segmentInputs
	if err := json.Unmarshal(b, &last); err != nil || last.Day != want.Day || !slices.Equal(last.Defs, want.Defs) {
		return nil, false, nil
	}
	out := &SegmentResult{Segments: map[string]summary.Segment{}}
	for _, n := range last.Names {
		members, err := a.Store.SegmentMembers(ctx, n)
		if err != nil {
			return nil, false, fmt.Errorf("read segment %s: %w", n, err)
		}
		out.Segments[n] = summary.Segment{Members: len(members)}
	}
	return out, true, nil
}

// segmentProfiles builds one segments.Profile per stored profile, with the orders and engagement
// rows of all its source records.
func (a *Activities) segmentProfiles(ctx context.Context) ([]segments.Profile, error) {
	return profiles.ForSegments(ctx, a.Store, a.customerSources())
}

// customerSources maps each analytics source to the source whose customer ids it reports.
func (a *Activities) customerSources() map[string]string {
	out := map[string]string{}
	for _, s := range a.Config.Sources {
		if s.Spec.Role == connectors.RoleAnalytics {
			out[s.Name] = a.Config.CustomerSource(s.Name)
		}
	}
	return out
}
