// This file holds the Plan activity: it resolves what a run covers from the worker's configuration,
// so workflow inputs carry names only and stay valid when the configuration changes.
package activities

import (
	"context"
	"slices"
)

// PlanInput is what the caller asked for; empty lists mean "all configured".
type PlanInput struct {
	Kind         string // refresh | sync | campaign
	Sources      []string
	Destinations []string
	Campaign     string
}

// PlanResult lists the configured names a run covers, in configuration order.
type PlanResult struct {
	Sources      []string
	Destinations []string
	// Segments a campaign targets (empty for refresh and sync).
	Segments []string
}

// Plan checks the requested names against the configuration. Unknown names fail the run at once.
func (a *Activities) Plan(_ context.Context, in PlanInput) (*PlanResult, error) {
	cfg := a.Config
	var all []string
	for _, s := range cfg.Sources {
		all = append(all, s.Name)
	}
	var allDest []string
	for _, d := range cfg.Destinations {
		allDest = append(allDest, d.Name)
	}
	res := &PlanResult{}
	switch in.Kind {
	case "campaign":
		c, ok := cfg.Campaign(in.Campaign)
		if !ok {
			return nil, configError("campaign %q is not configured (campaigns:)", in.Campaign)
		}
		res.Segments = slices.Clone(c.Segments)
		res.Destinations = slices.Clone(c.Destinations)
		return res, nil
	case "sync":
		if len(in.Sources) != 1 {
			return nil, configError("a sync covers exactly one source, got %d", len(in.Sources))
		}
	}
	var err error
	if res.Sources, err = pick("source", in.Sources, all); err != nil {
		return nil, err
	}
	if in.Kind == "sync" {
		return res, nil
	}
	if res.Destinations, err = pick("destination", in.Destinations, allDest); err != nil {
		return nil, err
	}
	return res, nil
}

func pick(what string, want, all []string) ([]string, error) {
	if len(want) == 0 {
		return slices.Clone(all), nil
	}
	for _, w := range want {
		if !slices.Contains(all, w) {
			return nil, configError("unknown %s %q; configured: %v", what, w, all)
		}
	}
	var out []string
	for _, n := range all {
		if slices.Contains(want, n) {
			out = append(out, n)
		}
	}
	return out, nil
}
