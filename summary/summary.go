// Package summary holds the run summary: the contract that `--json`, `starter report` and workflow
// results share (shared/reference/run-summary.md). Keys keep their meaning; fields are only added.
package summary

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Statuses.
const (
	StatusRunning   = "running"
	StatusCompleted = "completed"
	StatusFailed    = "failed"
)

// Run is the summary of one refresh, sync or campaign run.
type Run struct {
	WorkflowID   string                 `json:"workflow_id"`
	RunID        string                 `json:"run_id"`
	Kind         string                 `json:"kind"` // refresh | sync | campaign
	Campaign     string                 `json:"campaign,omitempty"`
	Status       string                 `json:"status"`
	Error        string                 `json:"error,omitempty"`
	StartedAt    time.Time              `json:"started_at"`
	FinishedAt   time.Time              `json:"finished_at,omitzero"`
	Sources      map[string]Source      `json:"sources"`
	Cleanse      Cleanse                `json:"cleanse"`
	Identity     Identity               `json:"identity"`
	Segments     map[string]Segment     `json:"segments"`
	Destinations map[string]Destination `json:"destinations"`
	// Stages is the wall time of each stage the run went through, as the workflow measured it
	// (from entering the stage to entering the next, or to the end), so a user sees where a run's
	// time went.
	Stages map[string]Stage `json:"stages,omitempty"`
	// Warnings flag what a run found that does not fail it (a token without a scope, an API
	// version near its end), each prefixed with the connector's name.
	Warnings []string `json:"warnings,omitempty"`
}

// New returns an empty summary with its maps allocated.
func New(workflowID, runID, kind string, started time.Time) Run {
	return Run{WorkflowID: workflowID, RunID: runID, Kind: kind, Status: StatusRunning, StartedAt: started,
		Sources: map[string]Source{}, Segments: map[string]Segment{}, Destinations: map[string]Destination{},
		Cleanse: Cleanse{Reasons: map[string]int{}}}
}

// Stage is one stage's part of a run: its wall time and, where the stage says, how many records
// it found changed.
type Stage struct {
	Seconds float64 `json:"seconds"`
	Changed *int    `json:"changed,omitempty"`
}

// Source is what one source's extraction did.
type Source struct {
	Extracted  int            `json:"extracted"` // distinct records read this run, all kinds
	ByKind     map[string]int `json:"by_kind"`
	Pages      int            `json:"pages"`
	Retries    int            `json:"retries"`   // HTTP-level retries plus extra activity attempts
	Requests   int            `json:"requests"`  // HTTP requests sent
	Throttled  int            `json:"throttled"` // rate-limit answers received
	QuotaWaits int            `json:"quota_waits,omitempty"`
	// Rejected counts input rows the source could not read (a bad CSV row), quarantined with
	// their line, column and reason while the rest was read.
	Rejected  int    `json:"rejected,omitempty"`
	Mode      string `json:"mode"` // full | incremental
	Since     string `json:"since,omitempty"`
	Watermark string `json:"watermark,omitempty"`
	Error     string `json:"error,omitempty"`
	// Warnings the source raised, e.g. orders_limited_to_60_days (Shopify without read_all_orders).
	Warnings []string `json:"warnings,omitempty"`
}

// Cleanse is what the cleanse stage did.
type Cleanse struct {
	// Changed counts the staged customers this run cleansed: new, or different from what the store
	// holds for the same key. Unchanged counts those read again byte for byte the same (a lookback
	// window, a file read again): they are not cleansed again and do not count as changes.
	Changed     int                `json:"changed"`
	Unchanged   int                `json:"unchanged"`
	Accepted    int                `json:"accepted"`
	Quarantined int                `json:"quarantined"`
	Deleted     int                `json:"deleted,omitempty"` // records deleted at their source this run
	Reasons     map[string]int     `json:"reasons"`           // quarantine reasons
	Flags       map[string]int     `json:"flags,omitempty"`   // fields dropped or flagged on accepted records
	Orders      *OrderCounts       `json:"orders,omitempty"`
	Engagements int                `json:"engagements,omitempty"` // analytics rows committed
	BySource    map[string]Quality `json:"by_source,omitempty"`
}

// OrderCounts counts cleansed orders.
type OrderCounts struct {
	Accepted    int `json:"accepted"`
	Quarantined int `json:"quarantined"`
}

// Quality is one source's data-quality report.
type Quality struct {
	Records     int                `json:"records"`
	Accepted    int                `json:"accepted"`
	Quarantined int                `json:"quarantined"`
	Deleted     int                `json:"deleted,omitempty"` // deleted at the source (tombstones kept)
	Reasons     map[string]int     `json:"reasons,omitempty"`
	Flags       map[string]int     `json:"flags,omitempty"`
	FillRate    map[string]float64 `json:"fill_rate,omitempty"`
}

// Identity is what identity resolution did.
type Identity struct {
	Records       int    `json:"records"`
	Profiles      int    `json:"profiles"`
	MergedRecords int    `json:"merged_records"` // records that share a profile with another record
	NewProfiles   int    `json:"new_profiles"`
	Merges        int    `json:"merges,omitempty"`  // existing profiles absorbed into others
	Removed       int    `json:"removed,omitempty"` // profiles with no records left (deleted at their sources)
	Splits        int    `json:"splits,omitempty"`  // clusters split by merge protection
	PairsCompared int64  `json:"pairs_compared,omitempty"`
	Mode          string `json:"mode,omitempty"` // full | incremental | unchanged
	// Changed counts the records resolution compared as new or changed (every record in a full
	// run); Rebuilt the profiles whose golden record it built and wrote again. What a run
	// recomputed, beside what it kept.
	Changed int `json:"changed,omitempty"`
	Rebuilt int `json:"rebuilt,omitempty"`
	// Threshold is the match probability pairs needed; ThresholdChosen says it was chosen
	// from the model's estimated precision/recall (identity.threshold auto).
	Threshold       float64 `json:"threshold,omitempty"`
	ThresholdChosen bool    `json:"threshold_chosen,omitempty"`
	// EstimatedPrecision and EstimatedRecall are the model's own estimates at the threshold
	// for the probabilistic links, without labels (full runs).
	EstimatedPrecision float64 `json:"estimated_precision,omitempty"`
	EstimatedRecall    float64 `json:"estimated_recall,omitempty"`
}

// Segment is one segment's membership change.
type Segment struct {
	Members int `json:"members"`
	Added   int `json:"added"`
	Removed int `json:"removed"`
}

// Destination is what one destination push did.
type Destination struct {
	Added               int    `json:"added"`
	Updated             int    `json:"updated"`
	Removed             int    `json:"removed"`
	Failed              int    `json:"failed"`
	Rejected            int    `json:"rejected"`
	SkippedNoConsent    int    `json:"skipped_no_consent"`
	SkippedOptedOut     int    `json:"skipped_opted_out,omitempty"` // of the above, with an explicit opt-out
	SkippedNoIdentifier int    `json:"skipped_no_identifier,omitempty"`
	InDoubt             int    `json:"in_doubt,omitempty"`
	Queued              int    `json:"queued,omitempty"`            // accepted, outcome reported later (never resent)
	Settled             int    `json:"settled,omitempty"`           // earlier queued or in-doubt sends settled at the start of this run
	AlreadyDelivered    int    `json:"already_delivered,omitempty"` // of the above, delivered by an earlier attempt
	Batches             int    `json:"batches"`
	Requests            int    `json:"requests"`            // HTTP requests sent (this attempt)
	Retries             int    `json:"retries,omitempty"`   // HTTP-level retries
	Throttled           int    `json:"throttled,omitempty"` // rate-limit answers received
	Error               string `json:"error,omitempty"`
	// Approval is set when the run's removals were held for an operator's decision.
	Approval *Approval `json:"approval,omitempty"`
}

// Approval is what became of a destination run's held removals.
type Approval struct {
	Status string `json:"status"` // approved | rejected | timed_out
	// Removes is how many removals were held; Current the audience they were a share of.
	Removes int    `json:"removes"`
	Current int    `json:"current"`
	Reason  string `json:"reason"`
	By      string `json:"by,omitempty"`
}

// Preview is what a destination run would do, computed without calling the vendor.
type Preview struct {
	Destination string `json:"destination"`
	Current     int    `json:"current"` // members the ledger says the vendor holds
	Adds        int    `json:"adds"`
	Updates     int    `json:"updates"`
	Removes     int    `json:"removes"`
	Unchanged   int    `json:"unchanged"`
	// Held lists sends blocked until settled or rejected earlier, by reason.
	Held                map[string]int `json:"held,omitempty"`
	SkippedNoConsent    int            `json:"skipped_no_consent"`
	SkippedNoIdentifier int            `json:"skipped_no_identifier,omitempty"`
	// Samples are a few profile ids per change (adds, updates, removes), sorted.
	Samples map[string][]string `json:"samples,omitempty"`
	// NeedsApproval and Reason: a run would hold these removals for an operator.
	NeedsApproval bool   `json:"needs_approval"`
	Reason        string `json:"reason,omitempty"`
}

// JSON renders the summary as one JSON object.
func (r Run) JSON() ([]byte, error) { return json.Marshal(r) }

// WriteText prints a human-readable summary.
func (r Run) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s %s: %s", r.Kind, r.WorkflowID, strings.ToUpper(r.Status))
	if !r.FinishedAt.IsZero() {
		fmt.Fprintf(w, " in %s", r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond))
	}
	fmt.Fprintln(w)
	if r.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", r.Error)
	}
	if len(r.Sources) > 0 {
		fmt.Fprintln(w, "  sources:")
		for _, name := range slices.Sorted(maps.Keys(r.Sources)) {
			s := r.Sources[name]
			fmt.Fprintf(w, "    %-16s %6d extracted (%s) %s, %d pages, %d retries", name, s.Extracted, kinds(s.ByKind), s.Mode, s.Pages, s.Retries)
			if s.Error != "" {
				fmt.Fprintf(w, "  ERROR: %s", s.Error)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "  cleanse:    %d accepted, %d quarantined %s\n", r.Cleanse.Accepted, r.Cleanse.Quarantined, kinds(r.Cleanse.Reasons))
	fmt.Fprintf(w, "  identity:   %d records -> %d profiles (%d merged records, %d new profiles)\n",
		r.Identity.Records, r.Identity.Profiles, r.Identity.MergedRecords, r.Identity.NewProfiles)
	if id := r.Identity; id.EstimatedPrecision > 0 {
		how := "configured"
		if id.ThresholdChosen {
			how = "chosen from the model"
		}
		fmt.Fprintf(w, "              threshold %.3f (%s): estimated precision %.4f, recall %.4f\n",
			id.Threshold, how, id.EstimatedPrecision, id.EstimatedRecall)
	}
	if len(r.Segments) > 0 {
		fmt.Fprintln(w, "  segments:")
		for _, name := range slices.Sorted(maps.Keys(r.Segments)) {
			s := r.Segments[name]
			if s.Members == 0 && s.Added == 0 && s.Removed == 0 {
				continue
			}
			fmt.Fprintf(w, "    %-28s %6d members (+%d -%d)\n", name, s.Members, s.Added, s.Removed)
		}
	}
	if len(r.Destinations) > 0 {
		fmt.Fprintln(w, "  destinations:")
		for _, name := range slices.Sorted(maps.Keys(r.Destinations)) {
			d := r.Destinations[name]
			fmt.Fprintf(w, "    %-16s +%d ~%d -%d, %d failed, %d rejected, %d skipped (no consent)", name, d.Added, d.Updated, d.Removed, d.Failed, d.Rejected, d.SkippedNoConsent)
			if d.Error != "" {
				fmt.Fprintf(w, "  ERROR: %s", d.Error)
			}
			if ap := d.Approval; ap != nil && ap.Status != "approved" {
				fmt.Fprintf(w, "  REMOVALS %s: %d not removed (%s)", strings.ToUpper(strings.ReplaceAll(ap.Status, "_", " ")), ap.Removes, ap.Reason)
			} else if ap != nil {
				fmt.Fprintf(w, "  (removals approved by %s)", ap.By)
			}
			fmt.Fprintln(w)
		}
	}
}

func kinds(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}
