// This file holds the Extract activity: page through one source, store each page, heartbeat the cursor.
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// ExtractInput asks for one source's records for one run.
type ExtractInput struct {
	Run    string
	Source string
	// Full forces a full sync (ignores the watermark).
	Full bool
	// Resume continues from a checkpoint (after a durable quota wait); nil starts afresh.
	Resume *Checkpoint
}

// Checkpoint is how far an extraction got; it is heartbeated after every stored page.
type Checkpoint struct {
	KindIndex int                       `json:"kind_index"`
	Cursor    string                    `json:"cursor"`
	Pages     int                       `json:"pages"`
	Mode      string                    `json:"mode"`
	Since     map[record.Kind]time.Time `json:"since,omitempty"`
	// MaxUpdated per kind: the watermark candidates seen so far.
	MaxUpdated map[record.Kind]time.Time `json:"max_updated,omitempty"`
	QuotaWaits int                       `json:"quota_waits,omitempty"`
	// HTTP counters of the earlier attempts, so the summary counts every request and 429.
	Requests  int64 `json:"requests,omitempty"`
	Retries   int64 `json:"retries,omitempty"`
	Throttled int64 `json:"throttled,omitempty"`
	// Rejected counts input rows quarantined as unreadable (bad CSV rows).
	Rejected int `json:"rejected,omitempty"`
}

// ExtractResult is what one extraction did. Records stay in the store, staged under the run.
type ExtractResult struct {
	Source     string
	Extracted  int
	ByKind     map[string]int
	Pages      int
	Requests   int
	Retries    int
	Throttled  int
	QuotaWaits int
	Rejected   int // unreadable input rows, quarantined with line, column and reason
	Mode       string
	Since      time.Time
	Watermarks []WatermarkUpdate
	Resumed    bool
	// Warnings the source raised while reading (connectors.Warner).
	Warnings []string
}

// Extract pages through one source and stages every page in the store. A retried attempt resumes
// from the last heartbeated cursor; re-storing a page is harmless (staging is keyed by record id).
func (a *Activities) Extract(ctx context.Context, in ExtractInput) (*ExtractResult, error) {
	scfg, ok := a.Config.Source(in.Source)
	if !ok {
		return nil, configError("extract: unknown source %q (not in sources:)", in.Source)
	}
	src, err := a.Connectors.Source(in.Source)
	if err != nil {
		return nil, configError("extract %s: %v", in.Source, err)
	}
	// Sources that cannot read only what changed, and full snapshots, are read whole every time.
	snapshot, _ := scfg.Settings.(connectors.Snapshot)
	full := scfg.Full || in.Full || !scfg.Spec.Incremental || (snapshot != nil && snapshot.FullSnapshot())
	cp, resumed, err := a.startCheckpoint(ctx, in, full, scfg.Lookback, src.Kinds())
	if err != nil {
		return nil, err
	}
	kinds := src.Kinds()
	earlier := cp // counters of earlier attempts
	hb := startHeartbeat(ctx, cp)
	defer hb.Stop()
	seen := cursorSet{}
	for cp.KindIndex < len(kinds) {
		kind := kinds[cp.KindIndex]
		page, err := src.FetchPage(ctx, connectors.PageRequest{Kind: kind, Cursor: cp.Cursor, Since: cp.Since[kind]})
		if err != nil && waitOutThrottle(ctx, err) {
			continue // the same page again, after the vendor's delay
		}
		if err != nil {
			cp.addStats(earlier, src)
			hb.Beat(cp) // sent with the failure: the next attempt keeps the counts
			return nil, a.extractError(in.Source, kind, cp, err)
		}
		if err := a.stage(ctx, in.Run, page); err != nil {
			return nil, fmt.Errorf("extract %s: store %s page %d: %w", in.Source, kind, cp.Pages+1, err)
		}
		if err := a.reject(ctx, in.Run, in.Source, page.Rejected); err != nil {
			return nil, fmt.Errorf("extract %s: quarantine bad %s rows of page %d: %w", in.Source, kind, cp.Pages+1, err)
		}
		cp.Rejected += len(page.Rejected)
		if !page.Done && seen.repeat(kind, page.Next) {
			return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"extract %s: the vendor handed back a %s page cursor it had already given in this sync (after %d pages): its pagination loops; "+
					"nothing more is read. Check the source's filters, or report cursor %.40q to the vendor", in.Source, kind, cp.Pages+1, page.Next),
				ErrTypeVendorRejected, nil)
		}
		cp.Pages++
		if t := page.MaxUpdated(); t.After(cp.MaxUpdated[kind]) {
			cp.MaxUpdated[kind] = t
		}
		if page.Done {
			cp.KindIndex++
			cp.Cursor = ""
		} else {
			cp.Cursor = page.Next
		}
		cp.addStats(earlier, src)
		hb.Beat(cp)
	}
	cp.addStats(earlier, src)
	return a.extractResult(ctx, in, src, cp, resumed)
}

// addStats sets the checkpoint's HTTP counters to the earlier attempts' plus this attempt's.
func (cp *Checkpoint) addStats(earlier Checkpoint, src connectors.Source) {
	st := connectors.StatsOf(src)
	cp.Requests = earlier.Requests + st.Requests
	cp.Retries = earlier.Retries + st.Retries
	cp.Throttled = earlier.Throttled + st.Throttled
}

// startCheckpoint resumes from heartbeat details or the input, or starts a full or incremental sync.
func (a *Activities) startCheckpoint(ctx context.Context, in ExtractInput, full bool, lookback time.Duration, kinds []record.Kind) (Checkpoint, bool, error) {
	if activity.HasHeartbeatDetails(ctx) {
		var cp Checkpoint
		if err := activity.GetHeartbeatDetails(ctx, &cp); err == nil {
			cp.ensureMaps()
			return cp, true, nil
		}
	}
	if in.Resume != nil {
		cp := *in.Resume
		cp.ensureMaps()
		return cp, true, nil
	}
	cp := Checkpoint{Mode: "full"}
	cp.ensureMaps()
	if full {
		return cp, false, nil
	}
	for _, k := range kinds {
		wm, err := a.Store.GetWatermark(ctx, in.Source, k)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return cp, false, fmt.Errorf("extract %s: read watermark: %w", in.Source, err)
		}
		cp.Since[k] = wm.Value.Add(-lookback)
		cp.Mode = "incremental"
	}
	return cp, false, nil
}

func (cp *Checkpoint) ensureMaps() {
	if cp.Since == nil {
		cp.Since = map[record.Kind]time.Time{}
	}
	if cp.MaxUpdated == nil {
		cp.MaxUpdated = map[record.Kind]time.Time{}
	}
}

// reject quarantines the rows a source could not read, with their position and reason.
func (a *Activities) reject(ctx context.Context, run, source string, rows []connectors.Rejected) error {
	if len(rows) == 0 {
		return nil
	}
	items := make([]store.QuarantineItem, len(rows))
	for i, r := range rows {
		field := r.Field
		if field == "" {
			field = "row"
		}
		reason := r.Reason
		if r.Line > 0 {
			reason = fmt.Sprintf("line %d: %s", r.Line, r.Reason)
		}
		var raw []byte
		if r.Raw != nil {
			raw, _ = json.Marshal(r.Raw)
		}
		items[i] = store.QuarantineItem{Run: run, Source: source, Kind: r.Kind, ID: r.ID, At: a.now(),
			Reasons: []store.Reason{{Field: field, Reason: "unreadable: " + reason}}, Record: raw}
	}
	return a.quarantine(ctx, items)
}

// cursorSet remembers the page cursors one sync was given, by hash, to catch pagination loops.
type cursorSet map[uint64]bool

func (s cursorSet) repeat(kind record.Kind, cursor string) bool {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(cursor))
	k := h.Sum64()
	if s[k] {
		return true
	}
	s[k] = true
	return false
}

func (a *Activities) stage(ctx context.Context, run string, p connectors.Page) error {
	return a.Store.Stage(ctx, run, p.Batch())
}

// extractError classifies a page failure; a long vendor wait becomes a QuotaExhausted error carrying
// the checkpoint, which the workflow sleeps out on a durable timer before resuming.
func (a *Activities) extractError(source string, kind record.Kind, cp Checkpoint, err error) error {
	if ce, ok := connectors.AsError(err); ok && ce.RateLimited() && ce.Delay() > quotaSleepThreshold {
		cp.QuotaWaits++
		wait := QuotaWait{ResumeAt: a.now().Add(ce.Delay()), Checkpoint: cp, Message: ce.Error()}
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s: quota exhausted on %s page %d; resuming at %s", source, kind, cp.Pages+1, wait.ResumeAt.Format(time.RFC3339)),
			ErrTypeQuotaExhausted, err, wait)
	}
	return classify(fmt.Errorf("extract %s %s page %d: %w", source, kind, cp.Pages+1, err))
}

func (a *Activities) extractResult(ctx context.Context, in ExtractInput, src connectors.Source, cp Checkpoint, resumed bool) (*ExtractResult, error) {
	counts, err := a.Store.StagedCounts(ctx, in.Run, in.Source)
	if err != nil {
		return nil, fmt.Errorf("extract %s: count staged records: %w", in.Source, err)
	}
	res := &ExtractResult{Source: in.Source, ByKind: map[string]int{}, Pages: cp.Pages, Mode: cp.Mode,
		QuotaWaits: cp.QuotaWaits, Resumed: resumed, Rejected: cp.Rejected}
	for k, n := range counts {
		res.ByKind[string(k)] = n
		res.Extracted += n
	}
	for _, k := range src.Kinds() {
		if t := cp.Since[k]; !t.IsZero() && (res.Since.IsZero() || t.Before(res.Since)) {
			res.Since = t
		}
		if t := cp.MaxUpdated[k]; !t.IsZero() {
			res.Watermarks = append(res.Watermarks, WatermarkUpdate{Source: in.Source, Kind: k, Value: t})
		}
	}
	res.Requests, res.Retries, res.Throttled = int(cp.Requests), int(cp.Retries), int(cp.Throttled)
	res.Retries += int(activity.GetInfo(ctx).Attempt) - 1
	if w, ok := src.(connectors.Warner); ok {
		res.Warnings = w.Warnings()
	}
	return res, nil
}
