// unmerge.go holds Unmerge: a wrong merge split by key, kept by later runs.
package profiles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// Unmerge takes rec out of profileID for good: the decision is kept in the identity state (so
// later runs keep the record apart), the record gets a profile of its own at once, and both
// profiles' golden records are rebuilt from their members. It returns the new profile id.
func Unmerge(ctx context.Context, st Store, cfg identity.Config, profileID string, rec record.RecordKey) (string, error) {
	links, err := st.ProfileLinks(ctx, profileID)
	if err != nil {
		return "", fmt.Errorf("unmerge: read profile %s: %w", profileID, err)
	}
	members := make([]record.RecordKey, len(links))
	for i, l := range links {
		members[i] = l.Record
	}
	var splits []identity.Split
	if err := getMeta(ctx, st, metaSplits, &splits); err != nil {
		return "", fmt.Errorf("unmerge: %w", err)
	}
	var lookupErr error
	taken := func(id string) bool {
		for _, s := range splits {
			if s.Profile == id || s.NewProfile == id {
				return true
			}
		}
		_, err := st.GetProfile(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			lookupErr = err
		}
		return err == nil
	}
	split, err := identity.Unmerge(profileID, members, rec, taken)
	if err != nil {
		return "", err
	}
	if lookupErr != nil {
		return "", fmt.Errorf("unmerge: %w", lookupErr)
	}
	recs, err := st.GetCustomers(ctx, members)
	if err != nil {
		return "", fmt.Errorf("unmerge: read member records: %w", err)
	}
	var rest []record.Customer
	for _, k := range split.Apart {
		if c, ok := recs[k]; ok {
			rest = append(rest, c)
		}
	}
	own, ok := recs[rec]
	if !ok {
		return "", fmt.Errorf("unmerge: record %s is linked but not stored; run a refresh first", rec)
	}
	w := store.IdentityWrite{Run: "unmerge"}
	for _, p := range []identity.Profile{identity.BuildProfile(cfg, profileID, rest), identity.BuildProfile(cfg, split.NewProfile, []record.Customer{own})} {
		row, err := encodeProfile(p, "unmerge")
		if err != nil {
			return "", err
		}
		w.Profiles = append(w.Profiles, row)
	}
	ev, _ := json.Marshal(identity.Evidence{Rule: "unmerged"})
	w.Links = []store.Link{{Record: rec, ProfileID: split.NewProfile, Evidence: ev, Run: "unmerge"}}
	if err := st.WriteIdentity(ctx, w); err != nil {
		return "", fmt.Errorf("unmerge: store the split: %w", err)
	}
	if err := setMeta(ctx, st, metaSplits, append(splits, split)); err != nil {
		return "", fmt.Errorf("unmerge: %w", err)
	}
	return split.NewProfile, nil
}

// ForgetRecords drops the unmerge decisions that name any of the records (an erased person's).
func ForgetRecords(ctx context.Context, st Store, recs []record.RecordKey) error {
	var splits []identity.Split
	if err := getMeta(ctx, st, metaSplits, &splits); err != nil {
		return err
	}
	gone := map[record.RecordKey]bool{}
	for _, k := range recs {
		gone[k] = true
	}
	kept := splits[:0]
	for _, s := range splits {
		named := gone[s.Record]
		for _, a := range s.Apart {
			named = named || gone[a]
		}
		if !named {
			kept = append(kept, s)
		}
	}
	if len(kept) == len(splits) {
		return nil
	}
	return setMeta(ctx, st, metaSplits, kept)
}
