// Package store defines the engine's persistent state and the contract its backends implement.
//
// Activities write records here and pass only references (run ids, counts) through Temporal.
// Two implementations pass the same conformance suite (store/storetest): SQLite (store/sqlite, the
// embedded default) and PostgreSQL (store/postgres). Every write method is idempotent: an activity
// retried after a crash repeats its writes harmlessly.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Store is the engine's persistent state: every role below. Methods are safe for concurrent use.
// Packages depend on the roles they use (profiles on Identity and Records, delivery on Ledger).
type Store interface {
	Runs
	Staging
	Records
	Quarantine
	Watermarks
	Identity
	Segments
	Ledger
	Consent
	Erasures
	Meta
	Retention
	Close() error
}

// Retention drops what the retention policy no longer allows the store to keep.
type Retention interface {
	// Purge deletes, for each non-zero cutoff, the rows older than it (see PurgeRequest).
	Purge(ctx context.Context, req PurgeRequest) (Purged, error)
}

// PurgeRequest holds one cutoff per kind of data; a zero cutoff keeps everything of that kind.
type PurgeRequest struct {
	// Staged: staging rows of runs started before it, whatever became of the run (a failed or
	// terminated run's extracted records included).
	Staged time.Time
	// Quarantine: quarantined records (with their raw data) quarantined before it.
	Quarantine time.Time
	// LedgerDetails: per-run delivery rows last updated before it whose outcome is settled
	// (delivered, skipped, failed) and that a later row of the same person at the same
	// destination supersedes. The latest row per person and destination always stays (erasure
	// learns from it that the vendor was reached, and by which handle), and so do rejected,
	// queued, in-doubt and sending rows: they keep refused addresses from being sent to again and
	// unsettled sends from being resent. The vendor's answer (reason) on old settled rows that
	// stay is cleared. Current memberships are not touched.
	LedgerDetails time.Time
	// RunSummaries: finished runs started before it.
	RunSummaries time.Time
}

// Purged counts what a purge deleted.
type Purged struct {
	Staged        int64 `json:"staged"`
	Quarantine    int64 `json:"quarantine"`
	LedgerDetails int64 `json:"ledger_details"`
	RunSummaries  int64 `json:"run_summaries"`
}

// Consent keeps the opt-out index: keyed hashes (package privacy) of identifiers that carry an
// explicit opt-out on a channel in any clean record.
type Consent interface {
	// ReplaceOptOuts makes keys the channel's whole opt-out index.
	ReplaceOptOuts(ctx context.Context, channel string, keys []string) error
	// OptOutKeys returns the channel's opt-out index.
	OptOutKeys(ctx context.Context, channel string) (map[string]bool, error)
}

// Runs keeps one row per workflow run (keyed by workflow id).
type Runs interface {
	StartRun(ctx context.Context, r Run) error // idempotent; keeps the first StartedAt
	FinishRun(ctx context.Context, id, status string, summary json.RawMessage) error
	GetRun(ctx context.Context, id string) (Run, error)     // ErrNotFound
	ListRuns(ctx context.Context, limit int) ([]Run, error) // newest first
}

// Staging holds raw records as extracted in one run. Idempotent on (run, source, kind, id):
// storing a page twice leaves one copy (the last).
type Staging interface {
	Stage(ctx context.Context, run string, b record.Batch) error
	// StagedCounts counts a run's staged records of one source per kind.
	StagedCounts(ctx context.Context, run, source string) (map[record.Kind]int, error)
	// ScanStaged visits staged records of one run and source ("" = every source), kind by kind
	// (the visitor's), each ordered by (source, id).
	ScanStaged(ctx context.Context, run, source string, v record.Visitor) error
	// ScanStagedCustomers visits a run's staged customers of one source page by page, as staged
	// (undecoded JSON), ordered by id: the streaming cleanse's input. With opt.ChangedOnly it skips
	// a row whose digest equals the clean row's of the same key, unless run itself wrote that clean
	// row; with opt.Parts > 1 it visits only the rows of part opt.Part (see DigestRange).
	ScanStagedCustomers(ctx context.Context, run, source string, opt StagedScan, fn func([]StagedCustomer) error) error
	// DeleteStaged drops a run's staging rows once they are committed to the clean tables.
	DeleteStaged(ctx context.Context, run string) error
}

// StagedScan selects the staged customers ScanStagedCustomers visits.
type StagedScan struct {
	// ChangedOnly skips the rows staged with the content the clean row was cleansed from.
	ChangedOnly bool
	// Part and Parts split the rows into Parts disjoint parts by their digest (DigestRange); Parts
	// of 0 or 1 is every row.
	Part, Parts int
}

// MaxParts bounds StagedScan.Parts: the parts are ranges of the digests' first four hex digits.
const MaxParts = 1 << 12

// DigestRange is the range [lo, hi) of content digests (lowercase hex, record.ContentDigest) that
// part of parts covers; hi is "" for the last part. The first part also holds the rows staged
// without a digest (""). Digests are uniform, so the parts are of about equal size; the bounds
// are computed, not read from any record, so they may appear in workflow history.
func DigestRange(part, parts int) (lo, hi string) {
	if parts <= 1 {
		return "", ""
	}
	bound := func(i int) string { return fmt.Sprintf("%04x", i*(1<<16)/parts) }
	if part > 0 {
		lo = bound(part)
	}
	if part < parts-1 {
		hi = bound(part + 1)
	}
	return lo, hi
}

// StagedCustomer is one staged customer as stored, with what the clean table holds of the same key.
type StagedCustomer struct {
	Key    record.RecordKey
	Data   []byte // the record as staged (JSON of record.Customer)
	Digest string // record.ContentDigest of it
	// PrevEmailKey and PrevPhoneKey are the match keys of the clean record it replaces ("" if none):
	// the groups it leaves.
	PrevEmailKey, PrevPhoneKey string
}

// Records holds the clean records: the current state per (source, id), kept across runs. A run
// only upserts what it read; a failed or empty source never deletes what earlier runs stored.
type Records interface {
	Upsert(ctx context.Context, run string, b record.Batch) error
	// ScanRecords visits clean records, kind by kind (the visitor's), each ordered by (source, id).
	ScanRecords(ctx context.Context, v record.Visitor) error
	// ScanCustomerData visits the clean customers (deleted ones included) page by page, undecoded,
	// ordered by (source, id), so the caller may decode pages in parallel. fn may keep a row's
	// Data but not the page slice, which is reused.
	ScanCustomerData(ctx context.Context, fn func([]CustomerData) error) error
	// GetCustomers reads clean customers by key; keys that do not exist are absent from the map.
	GetCustomers(ctx context.Context, keys []record.RecordKey) (map[record.RecordKey]record.Customer, error)
	// CustomersByMatchKeys returns the live clean customers of source whose email_key is one of
	// emailKeys or whose phone_key is one of phoneKeys (with their derived columns set).
	CustomersByMatchKeys(ctx context.Context, source string, emailKeys, phoneKeys []string) ([]record.Customer, error)
	// CustomersSharingMatchKeys returns the live clean customers of source whose email_key or
	// phone_key is also on another clean customer of source (with their derived columns set),
	// ordered by id: every record that may share an identifier, found from the indexes alone.
	CustomersSharingMatchKeys(ctx context.Context, source string) ([]record.Customer, error)
	// SetShared replaces the Shared fields of the given clean customers (absent from the map: kept)
	// and marks them written by run.
	SetShared(ctx context.Context, run string, shared map[record.RecordKey][]string) error
	// ChangedCustomers lists the keys of clean customers written by run (for incremental resolution).
	ChangedCustomers(ctx context.Context, run string) ([]record.RecordKey, error)
	// MissingFromRun lists the clean customers of source, not deleted, that run did not stage (what
	// a full snapshot no longer holds), by id.
	MissingFromRun(ctx context.Context, run, source string) ([]record.RecordKey, error)
	// CountLiveCustomers counts the clean customers of a source ("" = every source) that are not deleted.
	CountLiveCustomers(ctx context.Context, source string) (int, error)
	// CountCustomers counts the clean customers, deleted ones included.
	CountCustomers(ctx context.Context) (int, error)
}

// CustomerData is one clean customer as stored: its key and its data (JSON of record.Customer).
type CustomerData struct {
	Key  record.RecordKey
	Data []byte
}

// Quarantine keeps unusable records with their reasons. Idempotent on (run, source, kind, id).
type Quarantine interface {
	Quarantine(ctx context.Context, items []QuarantineItem) error
	// ScanQuarantine visits quarantined items of a run ("" = all runs), ordered by (run, source, id).
	ScanQuarantine(ctx context.Context, run string, fn func(QuarantineItem) error) error
}

// Watermarks keeps incremental sync positions per (source, kind).
type Watermarks interface {
	GetWatermark(ctx context.Context, source string, kind record.Kind) (Watermark, error) // ErrNotFound
	SetWatermark(ctx context.Context, w Watermark) error
}

// Identity keeps the identity graph: profiles, links with evidence, and merges.
type Identity interface {
	// WriteIdentity applies one resolution's changes in a single transaction.
	WriteIdentity(ctx context.Context, w IdentityWrite) error
	GetProfile(ctx context.Context, id string) (Profile, error) // ErrNotFound
	// GetProfiles reads many profiles at once; ids that do not exist are absent from the map.
	GetProfiles(ctx context.Context, ids []string) (map[string]Profile, error)
	ScanProfiles(ctx context.Context, fn func(Profile) error) error // ordered by id
	// ScanProfileInputs visits every profile's segment input by id, reading the golden record
	// only of profiles stored without one.
	ScanProfileInputs(ctx context.Context, fn func(ProfileInput) error) error
	ScanLinks(ctx context.Context, fn func(Link) error) error // ordered by (profile, source, id)
	// ScanMemberships visits every record's profile, in ScanLinks' order, without reading the
	// links' evidence: what resolution, segments and subject lookups need of the graph.
	ScanMemberships(ctx context.Context, fn func(rec record.RecordKey, profileID string) error) error
	ProfileLinks(ctx context.Context, profileID string) ([]Link, error)
	// Merges lists merges into or out of a profile, oldest first.
	Merges(ctx context.Context, profileID string) ([]Merge, error)
	CountProfiles(ctx context.Context) (int, error)
}

// Segments keeps segment memberships and their per-run changes.
type Segments interface {
	// ApplySegment makes members (sorted, distinct profile ids) the segment's current membership and
	// returns the change against the previous membership. Applying the same run twice returns the
	// first application's change and writes nothing.
	ApplySegment(ctx context.Context, run, segment string, members []string) (SegmentChange, error)
	SegmentMembers(ctx context.Context, segment string) ([]string, error) // sorted
	SegmentNames(ctx context.Context) ([]string, error)
}

// Ledger is the delivery ledger: one row per (destination, run, op, profile). See Delivery.
type Ledger interface {
	// ReserveDeliveries inserts pending rows for the given deliveries unless a row with the same key
	// exists, and returns the rows that already existed (a retried activity learns what it already did).
	ReserveDeliveries(ctx context.Context, ds []Delivery) (existing []Delivery, err error)
	// RecordDeliveries updates rows with their outcome. A delivered add makes the profile a current
	// member of the destination; a delivered remove ends its membership.
	RecordDeliveries(ctx context.Context, ds []Delivery) error
	// DestinationMembers returns the profiles currently delivered to a destination.
	DestinationMembers(ctx context.Context, destination string) (map[string]DestinationMember, error)
	ScanDeliveries(ctx context.Context, f DeliveryFilter, fn func(Delivery) error) error
}

// Meta is a small key-value store for engine state (identity model, unmerge decisions ...).
type Meta interface {
	GetMeta(ctx context.Context, key string) ([]byte, error) // ErrNotFound
	SetMeta(ctx context.Context, key string, value []byte) error
}

// Run is one workflow run.
type Run struct {
	ID         string          `json:"id"` // workflow id
	Kind       string          `json:"kind"`
	Status     string          `json:"status"` // running | completed | failed
	StartedAt  time.Time       `json:"started_at"`
	FinishedAt time.Time       `json:"finished_at,omitzero"`
	Summary    json.RawMessage `json:"summary,omitempty"`
}

// Reason is one machine-readable reason a record was quarantined or flagged.
type Reason struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Value  string `json:"value"`
}

// QuarantineItem is one quarantined record.
type QuarantineItem struct {
	Run     string          `json:"run"`
	Source  string          `json:"source"`
	Kind    record.Kind     `json:"kind"`
	ID      string          `json:"id"`
	Reasons []Reason        `json:"reasons"`
	Record  json.RawMessage `json:"record"` // the record as received
	At      time.Time       `json:"at"`
}

// Watermark is how far a source's incremental sync has read.
type Watermark struct {
	Source    string      `json:"source"`
	Kind      record.Kind `json:"kind"`
	Value     time.Time   `json:"value"` // the latest modification time committed
	Run       string      `json:"run"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// Profile is one resolved person.
type Profile struct {
	ID      string          `json:"id"`
	Golden  record.Customer `json:"golden"`
	Lineage json.RawMessage `json:"lineage,omitempty"` // field -> source record, as identity produced it
	Members int             `json:"members"`
	// Sources are the sources of the profile's records, sorted (the consent basis by source).
	Sources []string `json:"sources,omitempty"`
	Run     string   `json:"run"` // the run that last wrote it
	// SegmentInput is segments.EncodeCustomer of Golden, written with it (nil: none; readers of
	// segment inputs then decode Golden). Reads of whole profiles leave it nil, so a profile read,
	// changed and written back never keeps an input of its old golden record.
	SegmentInput []byte `json:"-"`
	// GoldenJSON, when set, is Golden already encoded as JSON, written instead of encoding Golden
	// again (a resolution encodes profiles beside the writer, not on it). Reads leave it nil.
	GoldenJSON json.RawMessage `json:"-"`
}

// ProfileInput is one profile as segments read it: its compact segment input, or, for a
// profile stored without one, its golden record.
type ProfileInput struct {
	ID     string
	Input  []byte           // nil when the profile has none
	Golden *record.Customer // set only when Input is nil
}

// Link ties a source record to its profile, with the evidence for the link.
type Link struct {
	Record    record.RecordKey `json:"record"`
	ProfileID string           `json:"profile_id"`
	Evidence  json.RawMessage  `json:"evidence,omitempty"`
	Run       string           `json:"run"`
}

// Merge records that profile From was absorbed into profile Into.
type Merge struct {
	Run    string    `json:"run"`
	From   string    `json:"from"`
	Into   string    `json:"into"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// IdentityWrite is one resolution's changes.
type IdentityWrite struct {
	Run            string
	Profiles       []Profile // upserted
	DeleteProfiles []string  // removed (merged away or emptied); their links must already be re-pointed
	Links          []Link    // upserted by record key
	DeleteLinks    []record.RecordKey
	Merges         []Merge
	// MoreProfiles and MoreLinks, when set, stream further profiles and links to upsert (after
	// Profiles and Links, in the same transaction): each calls add with one batch at a time, so
	// the writer of a large resolution never holds all its encoded rows at once. An error from
	// either, or from add, writes nothing.
	MoreProfiles func(add func([]Profile) error) error
	MoreLinks    func(add func([]Link) error) error
}

// SegmentChange is the difference a segment application made.
type SegmentChange struct {
	Segment string   `json:"segment"`
	Members int      `json:"members"`
	Added   []string `json:"added"`   // sorted profile ids
	Removed []string `json:"removed"` // sorted profile ids
}

// DeliveryStatus is the state of one ledger row.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"   // reserved; a non-idempotent destination's call has not left yet
	DeliveryDelivered DeliveryStatus = "delivered" // the vendor accepted it
	DeliveryRejected  DeliveryStatus = "rejected"  // the vendor refused it for good
	DeliveryFailed    DeliveryStatus = "failed"    // temporary failure; a later run retries
	DeliveryInDoubt   DeliveryStatus = "in_doubt"  // a non-idempotent send whose outcome is unknown: never resent automatically
	DeliverySkipped   DeliveryStatus = "skipped"   // not sent (e.g. no consent); recorded for audit
	DeliveryQueued    DeliveryStatus = "queued"    // accepted by the vendor, outcome reported later: never resent, settled later
	DeliverySending   DeliveryStatus = "sending"   // a non-idempotent call left the process; its answer is not recorded yet
)

// Final reports whether a row's outcome is settled (nothing left to send for it).
func (s DeliveryStatus) Final() bool {
	return s == DeliveryDelivered || s == DeliveryRejected || s == DeliverySkipped
}

// DeliveryOp is the membership change a ledger row records.
type DeliveryOp string

// Delivery ops.
const (
	OpAdd    DeliveryOp = "add"    // the member joins the destination
	OpUpdate DeliveryOp = "update" // a present member's fields or segments changed
	OpRemove DeliveryOp = "remove" // the member leaves the destination
)

// Delivery is one row of the delivery ledger.
type Delivery struct {
	Destination string         `json:"destination"`
	Run         string         `json:"run"`
	Op          DeliveryOp     `json:"op"`
	ProfileID   string         `json:"profile_id"`
	BatchKey    string         `json:"batch_key"`
	Status      DeliveryStatus `json:"status"`
	ProviderID  string         `json:"provider_id,omitempty"`
	Reason      string         `json:"reason,omitempty"`
	Attempts    int            `json:"attempts"`
	Fingerprint string         `json:"fingerprint,omitempty"` // hash of the fields sent, to detect changes
	// Handle is what the vendor needs to update or remove the member later without its profile
	// (a Mailchimp subscriber hash, hashed identifiers for ad platforms); never a raw identifier
	// for an ad platform.
	Handle    string    `json:"handle,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DestinationMember is a profile currently present in a destination.
type DestinationMember struct {
	ProfileID   string `json:"profile_id"`
	Fingerprint string `json:"fingerprint"`
	Run         string `json:"run"`
	Handle      string `json:"handle,omitempty"` // as delivered (see Delivery.Handle)
}

// DeliveryFilter selects ledger rows; empty fields match all.
type DeliveryFilter struct {
	Destination string
	Run         string
	ProfileID   string
	Statuses    []DeliveryStatus // any of them
}
