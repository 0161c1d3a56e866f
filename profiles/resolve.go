// resolve.go holds Resolve: the identity stage of a run, over the store's clean customers.
package profiles

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/consent"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/summary"
)

// Request asks for one run's resolution.
type Request struct {
	Run string
	// Full re-estimates the model and compares every pair; otherwise only the run's new or
	// changed records are compared, against everything, with the earlier model.
	Full bool
	// Now stamps merges (default time.Now).
	Now func() time.Time
}

// Resolve links the clean customers into profiles and saves the result.
func Resolve(ctx context.Context, st Store, cfg identity.Config, req Request) (summary.Identity, error) {
	// The skip is decided before the identity graph is read: that read alone is seconds per million.
	var splits any
	if err := getMeta(ctx, st, metaSplits, &splits); err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	inputs, err := inputsDigest(cfg, splits)
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	var changed []record.RecordKey
	if !req.Full {
		if changed, err = st.ChangedCustomers(ctx, req.Run); err != nil {
			return summary.Identity{}, fmt.Errorf("resolve: list changed customers: %w", err)
		}
		if records, skip, err := unchanged(ctx, st, changed, inputs); err != nil || skip {
			if err != nil {
				return summary.Identity{}, fmt.Errorf("resolve: %w", err)
			}
			n, err := st.CountProfiles(ctx)
			if err != nil {
				return summary.Identity{}, fmt.Errorf("resolve: %w", err)
			}
			return summary.Identity{Records: records, Profiles: n, Mode: "unchanged"}, nil
		}
	}
	prev, err := LoadState(ctx, st)
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	recs, err := readCustomers(ctx, st, decodeWorkers())
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: read clean customers: %w", err)
	}
	var last resolvedInputs
	if err := getMeta(ctx, st, metaInputs, &last); err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	// Unchanged profiles are kept as stored only under the configuration that built them: a
	// new survivorship rule or source priority changes golden records whose members did not.
	sameInputs := last.Digest == inputs
	var res identity.Result
	mode := "full"
	if req.Full {
		from := prev
		from.Model = nil
		res, err = identity.Resolve(ctx, cfg, recs, from)
	} else {
		if len(prev.Links) > 0 {
			mode = "incremental"
		}
		from := prev
		from.KeepUnchanged = sameInputs
		res, err = identity.ResolveIncremental(ctx, cfg, recs, changed, from)
	}
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve %d records: %w", len(recs), err)
	}
	// The opt-out index is rebuilt from the same records (an opt-out anywhere wins at push time),
	// saved once the profiles are. Then the records are let go: the result holds copies of what it
	// needs, and the records are a third of the memory while profiles are written.
	h, err := privacy.LoadHasher(ctx, st)
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	optOuts := consent.BuildOptOuts(recs, h)
	recs = nil
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	var dirty map[record.RecordKey]bool // nil: every profile is written
	if mode == "incremental" && sameInputs {
		dirty = make(map[record.RecordKey]bool, len(changed))
		for _, k := range changed {
			dirty[k] = true
		}
	}
	rebuilt, err := save(ctx, st, req.Run, prev, res, now(), dirty)
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	if err := setMeta(ctx, st, metaInputs, resolvedInputs{Digest: inputs, Records: len(res.Links)}); err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	if err := consent.SaveOptOuts(ctx, st, optOuts); err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	out := summarize(prev, res, mode)
	out.Rebuilt = rebuilt
	return out, nil
}

// summarize is the identity part of the run summary.
func summarize(prior identity.State, res identity.Result, mode string) summary.Identity {
	before := make(map[string]bool, len(prior.Links))
	for _, l := range prior.Links {
		before[l.Profile] = true
	}
	kept := make(map[string]bool, len(res.Profiles))
	for _, p := range res.Profiles {
		kept[p.ID] = true
	}
	merged := make(map[string]bool, len(res.Merges))
	for _, m := range res.Merges {
		merged[m.From] = true
	}
	removed := map[string]bool{}
	for _, l := range prior.Links {
		if !kept[l.Profile] && !merged[l.Profile] {
			removed[l.Profile] = true
		}
	}
	out := summary.Identity{Records: res.Stats.Records, Profiles: len(res.Profiles), Merges: len(res.Merges), Removed: len(removed),
		Splits: res.Stats.ClustersSplit, PairsCompared: int64(res.Stats.PairsCompared), Mode: mode,
		Threshold: res.Stats.Threshold, ThresholdChosen: res.Stats.ThresholdChosen,
		EstimatedPrecision: res.Stats.EstimatedPrecision, EstimatedRecall: res.Stats.EstimatedRecall,
		Changed: res.Stats.Changed}
	for _, p := range res.Profiles {
		if len(p.Members) > 1 {
			out.MergedRecords += len(p.Members)
		}
		if !before[p.ID] {
			out.NewProfiles++
		}
	}
	return out
}

// metaInputs keeps what the last resolution depended on (resolvedInputs).
const metaInputs = "identity.inputs"

// resolvedInputs is the last resolution's inputs digest and how many records it linked.
type resolvedInputs struct {
	Digest  string `json:"digest"`
	Records int    `json:"records"`
}

// inputsDigest covers what a resolution depends on besides the records: the identity
// configuration and the unmerge decisions.
func inputsDigest(cfg identity.Config, splits any) (string, error) {
	b, err := json.Marshal(struct {
		Config identity.Config
		Splits any
	}{cfg, splits})
	if err != nil {
		return "", fmt.Errorf("digest identity inputs: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// unchanged reports whether an incremental resolution would find nothing to do: no record was
// written this run, the store holds as many live records as the last resolution linked (none was
// erased or removed behind the identity stage's back), and the configuration and unmerge decisions
// are those of the last resolution. It returns that resolution's record count.
func unchanged(ctx context.Context, st Store, changed []record.RecordKey, inputs string) (int, bool, error) {
	if len(changed) > 0 {
		return 0, false, nil
	}
	var last resolvedInputs
	if err := getMeta(ctx, st, metaInputs, &last); err != nil || last.Digest != inputs || last.Records == 0 {
		return 0, false, err
	}
	live, err := st.CountLiveCustomers(ctx, "")
	if err != nil {
		return 0, false, err
	}
	return last.Records, live == last.Records, nil
}
