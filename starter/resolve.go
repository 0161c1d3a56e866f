// This file holds `starter resolve`: identity resolution offline, on a CSV file, without Temporal.
package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/identity/report"
	"github.com/cdpflow/cdpflow/profiles"
)

func init() {
	register("resolve", command{
		summary: "resolve identities in a CSV file offline (no Temporal, no store)",
		usage: `Usage: starter resolve --input FILE.csv [--input MORE.csv ... [--link-only]] --mapping MAPPING.yaml --output clusters.csv [--report model.html]

Runs the engine's identity resolution on a CSV file and writes one row per input record:
record_id,profile_id (source,record_id,profile_id for several files). The file is read with the csv source's mapping and cleansed exactly as a
refresh cleanses it (placeholder emails and phones dropped, phones to E.164, Gmail variants
matched as one mailbox), so a file and a refresh link the same records. Records without an email
or a phone are kept and compared on their other fields. The mapping file holds id: (the id
column), fields: (canonical field: column, e.g. first_name: given_name, address.postcode:
postcode, attributes.x: x) and an optional identity: block that overrides the configuration's
identity block. Without a compare list of its own, every mapped field is compared. Weights are
estimated from the file itself, and so is the match threshold unless identity.threshold sets one.

--report writes one HTML page about the model: the threshold and how it was chosen, the
estimated precision and recall per threshold, the m/u probabilities and weight of every
comparison level, and the match-weight histogram of the compared pairs.

Several --input files are read with the same mapping, each as its own source named after the
file (crm.csv -> crm). --link-only says each file holds a person at most once (two exports
to link): a profile gets at most one record of each file, each record its best match
(identity.link.one_to_one over the files).

Examples:
  starter resolve --input people.csv --mapping people.mapping.yaml --output clusters.csv
  starter resolve --input ../shared/data/febrl/dataset2.csv --mapping profiles/testdata/febrl.mapping.yaml --output /tmp/febrl.csv
  starter resolve --input crm.csv --input pos.csv --link-only --mapping people.mapping.yaml --output clusters.csv
  starter resolve --input people.csv --mapping people.mapping.yaml --output clusters.csv --report model.html`,
		run: runResolve,
	})
}

func runResolve(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("resolve", &c)
	var inputs inputList
	fs.Var(&inputs, "input", "CSV file to resolve (required; repeat for several files, each its own source)")
	linkOnly := fs.Bool("link-only", false, "each --input file holds a person at most once: link across files one-to-one")
	mappingPath := fs.String("mapping", "", "mapping file: id, fields, optional identity block (required)")
	output := fs.String("output", "", "where to write record_id,profile_id (required; - for stdout)")
	force := fs.Bool("force", false, "overwrite --output (and --report) if it exists")
	reportPath := fs.String("report", "", "also write an HTML report of the model (weights, threshold, estimated precision/recall)")
	if err := parse(fs, "resolve", args); err != nil {
		return err
	}
	if len(inputs) == 0 || *mappingPath == "" || *output == "" {
		return usageError("--input, --mapping and --output are required (see starter resolve --help)")
	}
	if *linkOnly && len(inputs) < 2 {
		return usageError("--link-only links several files: give --input at least twice")
	}
	if *reportPath != "" {
		if *reportPath == *output {
			return usageError("--report and --output name the same file: give the report its own path")
		}
		if _, err := os.Lstat(*reportPath); err == nil && !*force {
			return usageError("--report %s already exists; choose another path or add --force to overwrite it", *reportPath)
		}
	}
	input := &inputs[0]
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	m, err := csvfile.LoadMapping(*mappingPath)
	if err != nil {
		return usageError("--mapping %s: %v", *mappingPath, err)
	}
	if err := m.Config(cfg.Identity).Validate(); err != nil {
		return usageError("--mapping %s: %v", *mappingPath, err)
	}
	for _, in := range inputs {
		if _, err := os.Stat(in); err != nil {
			return usageError("--input: %v", err)
		}
	}
	start := time.Now()
	fr, err := profiles.ResolveFile(ctx, profiles.FileRequest{Input: *input, Inputs: inputs[1:], LinkOnly: *linkOnly, Mapping: m, Identity: cfg.Identity, Cleanse: cfg.Cleanse.Options()})
	if err != nil {
		return fmt.Errorf("resolve %s: %w", *input, err)
	}
	res := fr.Result
	out := os.Stdout
	if *output != "-" {
		if out, err = createOutput("--output", *output, *force); err != nil {
			return err
		}
		defer out.Close()
	}
	if err := profiles.WriteClusters(out, res); err != nil {
		return err
	}
	if *reportPath != "" {
		if err := writeReport(*reportPath, *force, inputs, res); err != nil {
			return err
		}
	}
	for _, q := range fr.Quarantined {
		log.Warn("row not resolved", "record", q.Record.Key().String(), "reason", q.Reason())
	}
	log.Info("resolved", "records", res.Stats.Records, "profiles", len(res.Profiles), "pairs_compared", res.Stats.PairsCompared,
		"threshold", res.Stats.Threshold, "threshold_chosen", res.Stats.ThresholdChosen,
		"estimated_precision", round4(res.Stats.EstimatedPrecision), "estimated_recall", round4(res.Stats.EstimatedRecall),
		"took", time.Since(start).Round(time.Millisecond), "output", *output)
	return nil
}

// writeReport writes the model report of a resolution.
func writeReport(path string, force bool, inputs []string, res identity.Result) error {
	f, err := createOutput("--report", path, force)
	if err != nil {
		return err
	}
	in := report.Input{Title: strings.Join(inputs, " + "), Inputs: inputs, Result: res, Created: time.Now()}
	if err := report.Write(f, in); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--report %s: %w", path, err)
	}
	return nil
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// inputList is a repeatable --input flag.
type inputList []string

func (l *inputList) String() string { return strings.Join(*l, ",") }

func (l *inputList) Type() string { return "file" }

func (l *inputList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("empty file name")
	}
	*l = append(*l, v)
	return nil
}
