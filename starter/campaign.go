// This file holds `starter campaign`: a marketer triggers a configured campaign by name.
package main

import (
	"context"
	"time"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/workflows"
)

func init() {
	register("campaign", command{
		summary: "run a configured campaign by name (its segments -> its destinations)",
		usage: `Usage: starter campaign <name> [--wait] [--json]

Recomputes segments from the current profiles and adds the members of the campaign's segments to
its destinations. Nobody is removed, and the delivery ledger makes a repeated campaign reach only
members it has not reached yet: a transactional email goes out once per member for as long as the
member stays in the segment.

Examples:
  starter campaign spring-winback --wait`,
		run: runCampaign,
	})
}

func runCampaign(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("campaign", &c)
	wait := fs.Bool("wait", false, "wait for the run and print its summary")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object on stdout")
	if err := parse(fs, "campaign", args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name exactly one campaign (see starter campaign --help)")
	}
	name := fs.Arg(0)
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	if _, ok := cfg.Campaign(name); !ok {
		return usageError("unknown campaign %q: configured campaigns are %v", name, campaignNames(cfg.Campaigns))
	}
	return launch{
		id: workflows.CampaignID(name, time.Now()), workflow: workflows.Campaign,
		input: func(sa bool) any {
			return workflows.CampaignInput{Campaign: name, Trigger: "cli", SearchAttributes: sa}
		},
		summary: "campaign: " + name, kind: "campaign", campaign: name,
	}.run(ctx, cfg, log, *wait, *asJSON)
}

func sourceNames(s []config.Source) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = s[i].Name
	}
	return out
}

func campaignNames(s []config.Campaign) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = s[i].Name
	}
	return out
}
