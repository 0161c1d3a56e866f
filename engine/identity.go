// This file holds the store-backed identity operations of the CLI: explain a profile, unmerge a record.
package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// ExplainProfile rebuilds a profile's explanation from the store.
func ExplainProfile(ctx context.Context, st store.Store, id string) (identity.Explanation, error) {
	p, err := st.GetProfile(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return identity.Explanation{}, fmt.Errorf("no profile %s: %w", id, err)
	}
	if err != nil {
		return identity.Explanation{}, err
	}
	state, err := activities.LoadIdentityState(ctx, st)
	if err != nil {
		return identity.Explanation{}, err
	}
	var model identity.Model
	if state.Model != nil {
		model = *state.Model
	}
	links, err := st.ProfileLinks(ctx, id)
	if err != nil {
		return identity.Explanation{}, err
	}
	ip := identity.Profile{ID: p.ID, Golden: p.Golden}
	if len(p.Lineage) > 0 {
		if err := json.Unmarshal(p.Lineage, &ip.Lineage); err != nil {
			return identity.Explanation{}, fmt.Errorf("decode lineage of %s: %w", id, err)
		}
	}
	var ilinks []identity.Link
	for _, l := range links {
		il := identity.Link{Record: l.Record, Profile: l.ProfileID}
		if len(l.Evidence) > 0 {
			_ = json.Unmarshal(l.Evidence, &il.Evidence)
		}
		ip.Members = append(ip.Members, l.Record)
		ilinks = append(ilinks, il)
	}
	merges, err := st.Merges(ctx, id)
	if err != nil {
		return identity.Explanation{}, err
	}
	var imerges []identity.Merge
	for _, m := range merges {
		var im identity.Merge
		if json.Unmarshal([]byte(m.Reason), &im) != nil {
			im = identity.Merge{From: m.From, Into: m.Into}
		}
		if im.Into == id {
			imerges = append(imerges, im)
		}
	}
	return identity.ExplainProfile(model, ip, ilinks, imerges), nil
}

// Unmerge takes rec out of profileID for good: it records the split in the identity state (so
// later runs keep it) and re-points the record's link at once. It returns the new profile id.
func Unmerge(ctx context.Context, st store.Store, profileID string, rec record.RecordKey) (string, error) {
	state, err := activities.LoadIdentityState(ctx, st)
	if err != nil {
		return "", err
	}
	newID, err := identity.Unmerge(&state, profileID, rec)
	if err != nil {
		return "", err
	}
	old, err := st.GetProfile(ctx, profileID)
	if err != nil {
		return "", fmt.Errorf("read profile %s: %w", profileID, err)
	}
	var golden record.Customer
	if err := st.ScanRecords(ctx, record.Visitor{Customer: func(c record.Customer) error {
		if c.Key() == rec {
			golden = c
		}
		return nil
	}}); err != nil {
		return "", fmt.Errorf("read record %s: %w", rec, err)
	}
	ev, _ := json.Marshal(identity.Evidence{Rule: "unmerged"})
	old.Members--
	w := store.IdentityWrite{Run: "unmerge",
		Profiles: []store.Profile{old, {ID: newID, Golden: golden, Members: 1, Run: "unmerge"}},
		Links:    []store.Link{{Record: rec, ProfileID: newID, Evidence: ev, Run: "unmerge"}}}
	if err := st.WriteIdentity(ctx, w); err != nil {
		return "", fmt.Errorf("store the split: %w", err)
	}
	if err := activities.SetMetaJSON(ctx, st, activities.MetaIdentitySplits, state.Splits); err != nil {
		return "", err
	}
	return newID, nil
}
