// This file holds `starter resolve`: identity resolution offline, on a CSV file, without Temporal.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cdpflow/cdpflow/identity"
)

func init() {
	register("resolve", command{
		summary: "resolve identities in a CSV file offline (no Temporal, no store)",
		usage: `Usage: starter resolve --input FILE.csv --mapping MAPPING.yaml --output clusters.csv

Runs the engine's identity resolution on a CSV file and writes one row per input record:
record_id,profile_id. The mapping file holds id: (the id column), fields: (canonical field: column,
e.g. first_name: given_name, address.postcode: postcode, attributes.x: x) and an optional identity:
block that overrides the configuration's identity block. Weights are estimated from the file itself.

Examples:
  starter resolve --input people.csv --mapping people.mapping.yaml --output clusters.csv
  starter resolve --input ../shared/data/febrl/dataset2.csv --mapping identity/testdata/febrl.mapping.yaml --output /tmp/febrl.csv`,
		run: runResolve,
	})
}

func runResolve(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("resolve", &c)
	input := fs.String("input", "", "CSV file to resolve (required)")
	mappingPath := fs.String("mapping", "", "mapping file: id, fields, optional identity block (required)")
	output := fs.String("output", "", "where to write record_id,profile_id (required; - for stdout)")
	if err := parse(fs, "resolve", args); err != nil {
		return err
	}
	if *input == "" || *mappingPath == "" || *output == "" {
		return usageError("--input, --mapping and --output are required (see starter resolve --help)")
	}
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	m, err := identity.LoadMapping(*mappingPath)
	if err != nil {
		return usageError("--mapping %s: %v", *mappingPath, err)
	}
	if err := m.Config(cfg.Identity).Validate(); err != nil {
		return usageError("--mapping %s: %v", *mappingPath, err)
	}
	f, err := os.Open(*input)
	if err != nil {
		return usageError("--input: %v", err)
	}
	defer f.Close()
	out := os.Stdout
	if *output != "-" {
		if out, err = os.Create(*output); err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		defer out.Close()
	}
	start := time.Now()
	res, err := identity.ResolveCSV(ctx, cfg.Identity, m, f, out)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", *input, err)
	}
	log.Info("resolved", "records", res.Stats.Records, "profiles", len(res.Profiles), "pairs_compared", res.Stats.PairsCompared,
		"took", time.Since(start).Round(time.Millisecond), "output", *output)
	return nil
}
