// This file holds `starter refresh`: start a CustomerRefresh on a running stack or cluster.
package main

import (
	"context"
	"time"

	"github.com/cdpflow/cdpflow/workflows"
)

func init() {
	register("refresh", command{
		summary: "start a CustomerRefresh (all sources -> all destinations) on a running stack",
		usage: `Usage: starter refresh [--wait] [--json] [--full] [--source NAME]... [--destination NAME]...

Starts a CustomerRefresh workflow on the configured Temporal (a running 'starter dev', or a cluster
with a worker). Without --wait it prints the workflow id and returns.

Examples:
  starter refresh --wait
  starter refresh --full --source shop --wait --json
  starter refresh --address temporal.internal:7233 --namespace cdp`,
		run: runRefresh,
	})
}

func runRefresh(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("refresh", &c)
	wait := fs.Bool("wait", false, "wait for the run and print its summary")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object on stdout")
	full := fs.Bool("full", false, "full resync of every source (ignore watermarks)")
	sources := fs.StringArray("source", nil, "limit to this source (repeatable)")
	dests := fs.StringArray("destination", nil, "limit to this destination (repeatable)")
	if err := parse(fs, "refresh", args); err != nil {
		return err
	}
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	return launch{
		id: workflows.RefreshID(time.Now()), workflow: workflows.CustomerRefresh,
		input: func(sa bool) any {
			return workflows.RefreshInput{Sources: *sources, Destinations: *dests, Full: *full, Trigger: "cli", SearchAttributes: sa}
		},
		summary: "refresh: all sources → all destinations", kind: "refresh", sources: *sources,
	}.run(ctx, cfg, log, *wait, *asJSON)
}
