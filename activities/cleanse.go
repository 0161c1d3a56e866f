// This file holds the Cleanse activity: normalize and validate a run's staged records, commit the
// good ones to the clean tables and quarantine the unusable ones with their reasons.
package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
)

// CleanseInput names the run and the sources whose staged records to cleanse.
type CleanseInput struct {
	Run     string
	Sources []string
	// Full cleanses every staged record again, changed or not (a full refresh: new cleansing
	// options apply to everything).
	Full bool
	// Parts holds, for each source cleansed in parts (CleansePart), what its parts did: Cleanse
	// then only finishes that source.
	Parts map[string][]CleansePartResult `json:",omitempty"`
}

// CleanseResult is the cleanse stage's part of the run summary.
type CleanseResult = summary.Cleanse

const writeBatch = 1000

// cleanseWriteBatch is the clean customers written per transaction by the streaming cleanse:
// large, since each transaction rewrites the index pages its random keys touch (on SQLite, 600k
// upserts took 41 s in batches of 5,000 and 19 s in batches of 50,000, which hold about 50 MB).
const cleanseWriteBatch = 50000

// Cleanse processes each source's staged records. It is idempotent: clean rows are upserted and
// quarantine rows keyed by (run, source, kind, id).
func (a *Activities) Cleanse(ctx context.Context, in CleanseInput) (*CleanseResult, error) {
	cl, err := cleansing.New(a.Config.Cleanse.Options())
	if err != nil {
		return nil, configError("cleanse: %v", err)
	}
	hb := startHeartbeat(ctx, "cleansing")
	defer hb.Stop()
	res := &CleanseResult{Reasons: map[string]int{}, Flags: map[string]int{}, BySource: map[string]summary.Quality{},
		Orders: &summary.OrderCounts{}}
	for _, src := range in.Sources {
		var q summary.Quality
		var n cleanseCounts
		if parts, ok := in.Parts[src]; ok {
			q, n, err = a.finishParts(ctx, in.Run, src, parts)
		} else {
			q, n, err = a.cleanseCustomers(ctx, cl, in.Run, src, in.Full)
		}
		if err != nil {
			return nil, err
		}
		res.Changed += n.Changed
		res.Unchanged += n.Unchanged
		if err := a.cleanseOrders(ctx, cl, in.Run, src, res.Orders); err != nil {
			return nil, err
		}
		ne, err := a.commitEngagements(ctx, in.Run, src)
		if err != nil {
			return nil, err
		}
		res.Engagements += ne
		res.BySource[src] = q
		res.Accepted += q.Accepted
		res.Quarantined += q.Quarantined
		res.Deleted += q.Deleted
		addCounts(res.Reasons, q.Reasons)
		addCounts(res.Flags, q.Flags)
		hb.Beat(src)
	}
	return res, nil
}

func addCounts(dst, src map[string]int) {
	for k, v := range src {
		dst[k] += v
	}
}

// cleanseCustomers streams one source's staged customers through a pool of cleansing workers (one
// per core) and writes the accepted ones in large batches as they come, in order. Unless full, a
// row staged with the same content as the clean record it would replace is skipped: it is not a
// change. Shared identifiers are found once every record is in: over the run's records (compact
// keys, not whole records) on a full pass, and over the groups the changed records enter or leave,
// read from the store, otherwise.
func (a *Activities) cleanseCustomers(ctx context.Context, cl *cleansing.Cleanser, run, src string, full bool) (summary.Quality, cleanseCounts, error) {
	var counts cleanseCounts
	staged, err := a.Store.StagedCounts(ctx, run, src)
	if err != nil {
		return summary.Quality{}, counts, fmt.Errorf("cleanse %s: %w", src, err)
	}
	sr := cl.Stream(src)
	st, err := a.streamCustomers(ctx, cl, sr, run, src, store.StagedScan{ChangedOnly: !full})
	if err != nil {
		return summary.Quality{}, counts, fmt.Errorf("cleanse %s: %w", src, err)
	}
	counts.Changed = st.changed
	counts.Unchanged = staged[record.KindCustomer] - counts.Changed
	shared, quality := sr.FinishStream()
	if !full {
		// The run saw only its changes: the groups they touch are checked against the store.
		if shared, err = a.sharedAround(ctx, src, st.groups); err != nil {
			return summary.Quality{}, counts, fmt.Errorf("cleanse %s: %w", src, err)
		}
	}
	if len(shared) > 0 {
		if err := a.Store.SetShared(ctx, run, shared); err != nil {
			return summary.Quality{}, counts, fmt.Errorf("cleanse %s: %w", src, err)
		}
	}
	gone, err := a.deleteMissing(ctx, run, src, staged[record.KindCustomer])
	if err != nil {
		return summary.Quality{}, counts, err
	}
	quality.Deleted += gone
	if err := a.quarantine(ctx, st.quarantine); err != nil {
		return summary.Quality{}, counts, fmt.Errorf("cleanse %s: %w", src, err)
	}
	return qualitySummary(quality), counts, nil
}

// streamed is what streaming a source's staged customers left to do: the quarantine items to
// write and the groups of identifiers the changed records entered or left.
type streamed struct {
	changed    int
	quarantine []store.QuarantineItem
	groups     *touchedGroups
}

// streamCustomers cleanses the staged customers opt selects through the pool and writes the
// accepted ones in batches of cleanseWriteBatch, in order; sr keeps the quality report.
func (a *Activities) streamCustomers(ctx context.Context, cl *cleansing.Cleanser, sr *cleansing.SourceRun, run, src string, opt store.StagedScan) (streamed, error) {
	st := streamed{groups: newTouchedGroups()}
	suppressed, err := a.suppression(ctx)
	if err != nil {
		return st, err
	}
	sr.Suppressed = suppressed
	var batch []record.Customer
	now := a.now()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := a.Store.Upsert(ctx, run, record.Batch{Customers: batch}); err != nil {
			return fmt.Errorf("store clean customers: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	err = cleansePool(ctx, a.cleanseWorkers(), cl, func(fn func([]store.StagedCustomer) error) error {
		return a.Store.ScanStagedCustomers(ctx, run, src, opt, fn)
	}, func(it cleansed) error {
		st.changed++
		r := sr.Record(it.in, it.res)
		if r.Quarantined {
			var raw any = it.in
			if r.Reason() == cleansing.ReasonErased {
				raw = nil // an erased person's data is not kept, not even in the quarantine
			}
			st.quarantine = append(st.quarantine, quarantineItem(run, src, record.KindCustomer, it.in.SourceID, r.Issues, raw, now))
			return nil
		}
		st.groups.leave(it.row) // the clean record it replaces leaves its groups
		c := r.Record
		c.Digest = it.row.Digest
		c.EmailKey, c.PhoneKey = cleansing.MatchKeys(c)
		st.groups.enter(c)
		if batch = append(batch, c); len(batch) >= cleanseWriteBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return st, err
}

// deleteMissing writes tombstones for what a full-snapshot source no longer holds and returns
// how many.
func (a *Activities) deleteMissing(ctx context.Context, run, src string, read int) (int, error) {
	gone, err := a.snapshotDeletions(ctx, run, src, read)
	if err != nil {
		return 0, err
	}
	for start := 0; start < len(gone); start += cleanseWriteBatch {
		if err := a.Store.Upsert(ctx, run, record.Batch{Customers: gone[start:min(start+cleanseWriteBatch, len(gone))]}); err != nil {
			return 0, fmt.Errorf("cleanse %s: store deletions: %w", src, err)
		}
	}
	return len(gone), nil
}

// sharedAround recomputes the shared identifiers of the groups a run's changes touched, from the
// store's current records of the source, and returns the records whose Shared must change.
func (a *Activities) sharedAround(ctx context.Context, src string, g *touchedGroups) (map[record.RecordKey][]string, error) {
	if g.empty() {
		return nil, nil
	}
	recs, err := a.Store.CustomersByMatchKeys(ctx, src, g.list(g.emails), g.list(g.phones))
	if err != nil {
		return nil, err
	}
	return sharedChanges(recs, cleansing.FindSharedIdentifiers(recs)), nil
}

// sharedChanges returns the records of recs whose Shared fields differ from what flags
// (FindSharedIdentifiers over recs) says they share, with the fields they must list.
func sharedChanges(recs []record.Customer, flags map[record.RecordKey][]cleansing.Issue) map[record.RecordKey][]string {
	want := cleansing.SharedFields(flags)
	out := map[record.RecordKey][]string{}
	for _, c := range recs {
		if w := want[c.Key()]; !sameFields(w, c.Shared) {
			out[c.Key()] = w
		}
	}
	return out
}

func sameFields(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, f := range a {
		if !slices.Contains(b, f) {
			return false
		}
	}
	return true
}

func (a *Activities) cleanseOrders(ctx context.Context, cl *cleansing.Cleanser, run, src string, counts *summary.OrderCounts) error {
	var batch []record.Order
	var quarantine []store.QuarantineItem
	now := a.now()
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := a.Store.Upsert(ctx, run, record.Batch{Orders: batch}); err != nil {
			return fmt.Errorf("store clean orders: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	suppressed, err := a.suppression(ctx)
	if err != nil {
		return fmt.Errorf("cleanse %s orders: %w", src, err)
	}
	err = a.Store.ScanStaged(ctx, run, src, record.Visitor{Order: func(o record.Order) error {
		r := cl.Order(o)
		if !r.Quarantined && suppressed != nil && suppressed(r.Record.Email, r.Record.Phone) {
			counts.Quarantined++
			quarantine = append(quarantine, quarantineItem(run, src, record.KindOrder, o.ID,
				[]cleansing.Issue{{Field: "record", Reason: cleansing.ReasonErased}}, nil, now))
			return nil
		}
		if r.Quarantined {
			counts.Quarantined++
			quarantine = append(quarantine, quarantineItem(run, src, record.KindOrder, o.ID, r.Issues, o, now))
			return nil
		}
		counts.Accepted++
		batch = append(batch, r.Record)
		if len(batch) >= writeBatch {
			return flush()
		}
		return nil
	}})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = a.quarantine(ctx, quarantine)
	}
	if err != nil {
		return fmt.Errorf("cleanse %s orders: %w", src, err)
	}
	return nil
}

// commitEngagements copies analytics rows to the clean table (metrics need no cleansing).
func (a *Activities) commitEngagements(ctx context.Context, run, src string) (int, error) {
	var batch []record.Engagement
	n := 0
	err := a.Store.ScanStaged(ctx, run, src, record.Visitor{Engagement: func(e record.Engagement) error {
		n++
		batch = append(batch, e)
		if len(batch) >= writeBatch {
			err := a.Store.Upsert(ctx, run, record.Batch{Engagements: batch})
			batch = batch[:0]
			return err
		}
		return nil
	}})
	if err == nil && len(batch) > 0 {
		err = a.Store.Upsert(ctx, run, record.Batch{Engagements: batch})
	}
	if err != nil {
		return 0, fmt.Errorf("cleanse %s engagements: %w", src, err)
	}
	return n, nil
}

func (a *Activities) quarantine(ctx context.Context, items []store.QuarantineItem) error {
	for start := 0; start < len(items); start += writeBatch {
		end := min(start+writeBatch, len(items))
		if err := a.Store.Quarantine(ctx, items[start:end]); err != nil {
			return fmt.Errorf("quarantine: %w", err)
		}
	}
	return nil
}

// suppression returns the check of an erased person's identifiers (nil when nobody was erased).
func (a *Activities) suppression(ctx context.Context) (func(email, phone string) bool, error) {
	keys, err := a.Store.SuppressedKeys(ctx)
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	h, err := privacy.LoadHasher(ctx, a.Store)
	if err != nil {
		return nil, err
	}
	return func(email, phone string) bool {
		for _, k := range h.Keys(email, phone) {
			if keys[k] {
				return true
			}
		}
		return false
	}, nil
}

func quarantineItem(run, src string, kind record.Kind, id string, issues []cleansing.Issue, raw any, at time.Time) store.QuarantineItem {
	var data []byte
	if raw != nil {
		data, _ = json.Marshal(raw)
	}
	reasons := make([]store.Reason, len(issues))
	for i, is := range issues {
		reasons[i] = store.Reason{Field: is.Field, Reason: is.Reason, Value: is.Value}
	}
	return store.QuarantineItem{Run: run, Source: src, Kind: kind, ID: id, Reasons: reasons, Record: data, At: at}
}

func qualitySummary(q cleansing.Quality) summary.Quality {
	// Reasons counts quarantined records by their primary reason, so the counts add up to Quarantined.
	return summary.Quality{Records: q.Records, Accepted: q.Accepted, Quarantined: q.Quarantined, Deleted: q.Deleted,
		Reasons: q.Primary, Flags: q.Flags, FillRate: q.FillRate}
}

// snapshotDeletions returns tombstones for the records a full-snapshot source no longer holds: the
// live clean customers of src this run did not stage. An empty snapshot deletes nothing (a failed
// export must never empty the audiences).
func (a *Activities) snapshotDeletions(ctx context.Context, run, src string, read int) ([]record.Customer, error) {
	scfg, ok := a.Config.Source(src)
	if !ok {
		return nil, nil
	}
	snap, ok := scfg.Settings.(connectors.Snapshot)
	if !ok || !snap.FullSnapshot() {
		return nil, nil
	}
	if read == 0 {
		a.logger().Warn("full snapshot is empty: nothing is deleted", "source", src, "run", run)
		return nil, nil
	}
	missing, err := a.Store.MissingFromRun(ctx, run, src)
	if err != nil {
		return nil, fmt.Errorf("cleanse %s: find deletions of the snapshot: %w", src, err)
	}
	now := a.now()
	out := make([]record.Customer, len(missing))
	for i, k := range missing {
		out[i] = record.Customer{Source: k.Source, SourceID: k.ID, UpdatedAt: now, Deleted: true}
	}
	return out, nil
}
