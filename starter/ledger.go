// This file holds `starter ledger settle`: queued and in-doubt sends looked up at the vendor and
// recorded as delivered or rejected with the vendor's reason (each push also does this first).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/delivery"
	"github.com/cdpflow/cdpflow/engine"
)

func init() {
	register("ledger", command{
		summary: "settle queued and in-doubt sends from what the vendor reports",
		usage: `Usage: starter ledger settle [--destination NAME]... [--json] [--dev]

A transactional send that Mandrill answered "queued" (calls of more than 10 recipients, a throttled
account) or whose answer was lost (in doubt) is never sent again. This command looks each one up at
the vendor (messages/info by id, else messages/search by recipient) and records it as delivered or
rejected with the vendor's reason; a rejected address is never sent to again. Sends the vendor has
no final word on yet stay as they are. Every push does the same for its destination first.

Examples:
  starter ledger settle
  starter ledger settle --destination winback_email --json`,
		run: runLedger,
	})
}

func runLedger(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("ledger", &c)
	only := fs.StringSlice("destination", nil, "settle only this destination (repeatable)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	dev := fs.Bool("dev", false, "connectors without base_url use the built-in sandbox, as under starter dev")
	if err := parse(fs, "ledger", args); err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) != "settle" {
		return usageError("say what to do: settle (see starter ledger --help)")
	}
	cfg, log, err := c.loadWith(*dev, true)
	if err != nil {
		return err
	}
	for _, d := range *only {
		if _, ok := cfg.Destination(d); !ok {
			return usageError("--destination %q is not a configured destination", d)
		}
	}
	st, err := engine.OpenExistingStore(ctx, cfg.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	conns, stop, err := vendorConnectors(cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	var results []delivery.Settled
	for _, d := range cfg.Destinations {
		if len(*only) > 0 && !slices.Contains(*only, d.Name) {
			continue
		}
		dest, err := conns.Destination(d.Name)
		if err != nil {
			return fmt.Errorf("destination %s: %w", d.Name, err)
		}
		res, err := delivery.Settle(ctx, st, dest, d.Name, time.Now().UTC())
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	for _, r := range results {
		fmt.Printf("%-16s unsettled %d: delivered %d, rejected %d, still waiting %d", r.Destination, r.Unsettled, r.Delivered, r.Rejected, r.Left)
		for reason, n := range r.Reasons {
			fmt.Printf("; %s %d", reason, n)
		}
		fmt.Println()
	}
	return nil
}
