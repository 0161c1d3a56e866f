// resolve.go holds Resolve: the identity stage of a run, over the store's clean customers.
package profiles

import (
	"context"
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
	var recs []record.Customer
	if err := st.ScanRecords(ctx, record.Visitor{Customer: func(c record.Customer) error {
		recs = append(recs, c)
		return nil
	}}); err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: read clean customers: %w", err)
	}
	prev, err := LoadState(ctx, st)
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	var res identity.Result
	mode := "full"
	if req.Full {
		from := prev
		from.Model = nil
		res, err = identity.Resolve(ctx, cfg, recs, from)
	} else {
		changed, cerr := st.ChangedCustomers(ctx, req.Run)
		if cerr != nil {
			return summary.Identity{}, fmt.Errorf("resolve: list changed customers: %w", cerr)
		}
		if len(prev.Links) > 0 {
			mode = "incremental"
		}
		res, err = identity.ResolveIncremental(ctx, cfg, recs, changed, prev)
	}
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve %d records: %w", len(recs), err)
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	if err := save(ctx, st, req.Run, prev, res, now()); err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	// The opt-out index is rebuilt from the same records: an opt-out anywhere wins at push time.
	h, err := privacy.LoadHasher(ctx, st)
	if err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	if err := consent.SaveOptOuts(ctx, st, consent.BuildOptOuts(recs, h)); err != nil {
		return summary.Identity{}, fmt.Errorf("resolve: %w", err)
	}
	return summarize(prev, res, mode), nil
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
		Splits: res.Stats.ClustersSplit, PairsCompared: int64(res.Stats.PairsCompared), Mode: mode}
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
