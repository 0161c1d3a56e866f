// This file holds `starter export`: quarantined records and the delivery ledger as CSV or JSON lines.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/store"
)

func init() {
	register("export", command{
		summary: "export quarantined records or the delivery ledger (csv or jsonl)",
		usage: `Usage: starter export quarantine [--run WORKFLOW_ID] --format csv|jsonl [--output FILE]
       starter export deliveries [--run WORKFLOW_ID] [--destination NAME] [--status STATUS] --format csv|jsonl

quarantine: every record the cleanse stage could not use, with machine-readable reasons and the
offending values, and the record as received. Without --run, every run's quarantine.
deliveries: the per-record delivery ledger (destination, op, profile, status, provider id, reason),
to verify what reached each destination.

Examples:
  starter export quarantine --run refresh-2026-11-22T02:00:00Z --format csv > quarantine.csv
  starter export deliveries --destination newsletter --status rejected --format jsonl`,
		run: runExport,
	})
}

func runExport(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("export", &c)
	run := fs.String("run", "", "only this run (workflow id)")
	format := fs.String("format", "csv", "csv or jsonl")
	output := fs.String("output", "", "write to this file instead of stdout")
	dest := fs.String("destination", "", "deliveries: only this destination")
	status := fs.String("status", "", "deliveries: only this status (delivered, rejected, failed, in_doubt, pending)")
	if err := parse(fs, "export", args); err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "quarantine" && fs.Arg(0) != "deliveries") {
		return usageError("say what to export: quarantine or deliveries (see starter export --help)")
	}
	if *format != "csv" && *format != "jsonl" {
		return usageError("--format %q: use csv or jsonl", *format)
	}
	st, _, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var w io.Writer = os.Stdout
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		defer f.Close()
		w = f
	}
	out := newRowWriter(w, *format)
	if fs.Arg(0) == "quarantine" {
		err = exportQuarantine(ctx, st, *run, out)
	} else {
		f := store.DeliveryFilter{Destination: *dest, Run: *run}
		if *status != "" {
			f.Statuses = []store.DeliveryStatus{store.DeliveryStatus(*status)}
		}
		err = exportDeliveries(ctx, st, f, out)
	}
	if err != nil {
		return err
	}
	return out.flush()
}

func exportQuarantine(ctx context.Context, st store.Store, run string, out *rowWriter) error {
	out.header("run", "source", "kind", "id", "reason", "reasons", "record", "at")
	return st.ScanQuarantine(ctx, run, func(q store.QuarantineItem) error {
		var parts []string
		for _, r := range q.Reasons {
			if r.Value == "" {
				parts = append(parts, r.Reason)
				continue
			}
			parts = append(parts, fmt.Sprintf("%s(%s=%q)", r.Reason, r.Field, r.Value))
		}
		primary := ""
		if len(q.Reasons) > 0 {
			primary = q.Reasons[0].Reason
		}
		return out.row(q, q.Run, q.Source, string(q.Kind), q.ID, primary, strings.Join(parts, "; "), string(q.Record), q.At.UTC().Format(time.RFC3339))
	})
}

func exportDeliveries(ctx context.Context, st store.Store, f store.DeliveryFilter, out *rowWriter) error {
	out.header("destination", "run", "op", "profile_id", "status", "provider_id", "reason", "attempts", "batch_key", "updated_at")
	return st.ScanDeliveries(ctx, f, func(d store.Delivery) error {
		return out.row(d, d.Destination, d.Run, string(d.Op), d.ProfileID, string(d.Status), d.ProviderID, d.Reason,
			strconv.Itoa(d.Attempts), d.BatchKey, d.UpdatedAt.UTC().Format(time.RFC3339))
	})
}

// rowWriter writes CSV rows (with a header; formula-like cells neutralized) or one JSON object per line.
type rowWriter struct {
	format string
	csv    *csvfile.Writer
	json   *json.Encoder
}

func newRowWriter(w io.Writer, format string) *rowWriter {
	if format == "jsonl" {
		return &rowWriter{format: format, json: json.NewEncoder(w)}
	}
	return &rowWriter{format: format, csv: csvfile.NewWriter(w)}
}

func (r *rowWriter) header(cols ...string) {
	if r.csv != nil {
		_ = r.csv.Write(cols)
	}
}

// row writes obj as JSON, or cols as a CSV row.
func (r *rowWriter) row(obj any, cols ...string) error {
	if r.json != nil {
		return r.json.Encode(obj)
	}
	return r.csv.Write(cols)
}

func (r *rowWriter) flush() error {
	if r.csv != nil {
		return r.csv.Flush()
	}
	return nil
}
