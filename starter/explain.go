// This file holds `starter explain`: why the records of a profile were merged.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/record"
)

func init() {
	register("explain", command{
		summary: "show why a profile's records were merged (evidence per link and field)",
		usage: `Usage: starter explain <profile-id> [--json]

Shows a profile's golden record with the source of each field, every member record with the rule
that linked it (exact:email, match, prior, anchor), the compared fields with their comparison level,
m and u probabilities and weight, and the earlier profiles merged into it.

Examples:
  starter explain p_3f9a1c2b7d
  starter explain p_3f9a1c2b7d --json | jq '.links[] | {record, rule, probability}'`,
		run: runExplain,
	})
}

func runExplain(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("explain", &c)
	asJSON := fs.Bool("json", false, "print the explanation as JSON")
	if err := parse(fs, "explain", args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("name exactly one profile id (see starter explain --help)")
	}
	st, _, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ex, err := profiles.Explain(ctx, st, fs.Arg(0))
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(ex)
	}
	fmt.Print(ex.Text())
	return nil
}

// parseRecordKey reads "source/id" (ids may contain slashes).
func parseRecordKey(s string) (record.RecordKey, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && i > 0 && i < len(s)-1 {
			return record.RecordKey{Source: s[:i], ID: s[i+1:]}, nil
		}
	}
	return record.RecordKey{}, fmt.Errorf("%q is not source/id (e.g. hubspot/1042)", s)
}
