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

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/subject"
)

func init() {
	register("export", command{
		summary: "export quarantined records, the delivery ledger, erasure receipts or a person's data",
		usage: `Usage: starter export quarantine [--run WORKFLOW_ID] --format csv|jsonl [--output FILE]
       starter export deliveries [--run WORKFLOW_ID] [--destination NAME] [--status STATUS] --format csv|jsonl
       starter export erasures --format csv|jsonl
       starter export subject --email E | --phone P | --profile ID [--output FILE]

quarantine: every record the cleanse stage could not use, with machine-readable reasons and the
offending values, and the record as received. Without --run, every run's quarantine.
deliveries: the per-record delivery ledger (destination, op, profile, status, provider id, reason),
to verify what reached each destination.
erasures: every erasure request with a receipt per destination and store table (no personal data).
subject: everything the store holds about one person as one JSON document (a GDPR Art. 15 access
request): records, orders, profiles with their segments, deliveries and quarantined records.

Examples:
  starter export quarantine --run refresh-2026-11-22T02:00:00Z --format csv > quarantine.csv
  starter export deliveries --destination newsletter --status rejected --format jsonl
  starter export erasures --format csv
  starter export subject --email jane@example.com --output jane.json`,
		run: runExport,
	})
}

func runExport(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("export", &c)
	run := fs.String("run", "", "only this run (workflow id)")
	format := fs.String("format", "csv", "csv or jsonl")
	output := fs.String("output", "", "write to this file instead of stdout")
	force := fs.Bool("force", false, "overwrite --output if it exists")
	dest := fs.String("destination", "", "deliveries: only this destination")
	status := fs.String("status", "", "deliveries: only this status (delivered, rejected, failed, in_doubt, pending)")
	var subj store.ErasureSubject
	fs.StringVar(&subj.Email, "email", "", "subject: the person's email address")
	fs.StringVar(&subj.Phone, "phone", "", "subject: the person's phone, E.164")
	fs.StringVar(&subj.Profile, "profile", "", "subject: the person's profile id")
	if err := parse(fs, "export", args); err != nil {
		return err
	}
	what := fs.Arg(0)
	if fs.NArg() != 1 || (what != "quarantine" && what != "deliveries" && what != "erasures" && what != "subject") {
		return usageError("say what to export: quarantine, deliveries, erasures or subject (see starter export --help)")
	}
	if what == "subject" {
		if err := subject.Validate(subj); err != nil {
			return usageError("%v (see starter export --help)", err)
		}
		*format = "json"
	}
	if *format != "csv" && *format != "jsonl" && what != "subject" {
		return usageError("--format %q: use csv or jsonl", *format)
	}
	st, cfg, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	var w io.Writer = os.Stdout
	if *output != "" {
		f, err := createOutput("--output", *output, *force)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if what == "subject" {
		return exportSubject(ctx, st, cfg, subj, w)
	}
	out := newRowWriter(w, *format)
	switch what {
	case "quarantine":
		err = exportQuarantine(ctx, st, *run, out)
	case "erasures":
		err = exportErasures(ctx, st, out)
	default:
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

func exportErasures(ctx context.Context, st store.Store, out *rowWriter) error {
	out.header("id", "reason", "status", "requested_at", "deadline", "finished_at", "target", "action", "receipt_status", "count", "detail")
	list, err := st.ListErasures(ctx, 10000)
	if err != nil {
		return err
	}
	for _, e := range list {
		e.Subject = nil // never export the identifiers asked for, even while pending
		if len(e.Receipts) == 0 {
			e.Receipts = []store.ErasureReceipt{{}}
		}
		for _, r := range e.Receipts {
			if err := out.row(e, e.ID, e.Reason, e.Status, stamp(e.RequestedAt), stamp(e.Deadline), stamp(e.FinishedAt),
				r.Target, r.Action, r.Status, strconv.Itoa(r.Count), r.Detail); err != nil {
				return err
			}
			if out.json != nil {
				break // one object per request in JSON lines
			}
		}
	}
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// exportSubject writes everything the store holds about one person as one JSON document.
func exportSubject(ctx context.Context, st store.Store, cfg *config.Config, subj store.ErasureSubject, w io.Writer) error {
	h, err := privacy.LoadHasher(ctx, st)
	if err != nil {
		return err
	}
	analytics := map[string]string{}
	for _, s := range cfg.Sources {
		if s.Spec.Role == connectors.RoleAnalytics {
			analytics[s.Name] = cfg.CustomerSource(s.Name)
		}
	}
	p, err := subject.Find(ctx, st, h, subj, analytics)
	if err != nil {
		return err
	}
	rep, err := subject.Access(ctx, st, p)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
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
