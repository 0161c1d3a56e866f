// This file holds `starter purge`: the retention policy applied to the store now (the worker's
// daily cdpflow-retention schedule does the same).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/cdpflow/cdpflow/retention"
)

func init() {
	register("purge", command{
		summary: "delete what the retention policy no longer allows the store to keep",
		usage: `Usage: starter purge [--json]

Applies the retention: section of the configuration to the store: staged records of runs older
than retention.staged (failed and terminated runs included), quarantined records older than
retention.quarantine, superseded delivery-ledger rows and old vendor answers older than
retention.ledger_details (the latest row per person and destination, refused addresses and
unsettled sends always stay), and finished runs older than retention.run_summaries.
` + "`starter schedule apply`" + ` also creates the daily schedule cdpflow-retention that does the same.

Examples:
  starter purge
  starter purge --json --config cdpflow.yaml`,
		run: runPurge,
	})
}

func runPurge(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("purge", &c)
	asJSON := fs.Bool("json", false, "print what was deleted as JSON")
	if err := parse(fs, "purge", args); err != nil {
		return err
	}
	st, cfg, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if !retention.Enabled(cfg.Retention) {
		return usageError("retention: every period is 0 (keep everything): nothing to purge")
	}
	res, err := retention.Purge(ctx, st, cfg.Retention, time.Now())
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	fmt.Printf("purged: %d staged records, %d quarantined records, %d ledger rows, %d runs\n",
		res.Staged, res.Quarantine, res.LedgerDetails, res.RunSummaries)
	return nil
}
