// This file holds `starter sync`: one source's sync (extract -> cleanse -> resolve).
package main

import (
	"context"
	"time"

	"github.com/cdpflow/cdpflow/workflows"
)

func init() {
	register("sync", command{
		summary: "sync one source (extract -> cleanse -> resolve), incremental unless --full",
		usage: `Usage: starter sync <source> [--full] [--wait] [--json]

Starts a SourceSync workflow for one configured source: its changes since the last watermark
(minus the source's lookback) are extracted, cleansed and resolved into profiles. --full ignores
the watermark and re-reads everything (a backfill); what earlier runs stored is never deleted.

Examples:
  starter sync shop --wait
  starter sync hubspot --full --wait --json`,
		run: runSync,
	})
}

func runSync(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("sync", &c)
	wait := fs.Bool("wait", false, "wait for the run and print its summary")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object on stdout")
	full := fs.Bool("full", false, "full resync (ignore the watermark)")
	if err := parse(fs, "sync", args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name exactly one source (see starter sync --help)")
	}
	source := fs.Arg(0)
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	if _, ok := cfg.Source(source); !ok {
		return usageError("unknown source %q: configured sources are %v", source, sourceNames(cfg.Sources))
	}
	return launch{
		id: workflows.SyncID(source, time.Now()), workflow: workflows.SourceSync,
		input: func(sa bool) any {
			return workflows.SyncInput{Source: source, Full: *full, Trigger: "cli", SearchAttributes: sa}
		},
		summary: "sync: " + source, kind: "sync", sources: []string{source},
	}.run(ctx, cfg, log, *wait, *asJSON)
}
