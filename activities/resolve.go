// This file holds the Resolve activity: identity resolution over the clean customers, persisted as
// profiles, links with evidence, and merges; plus the identity state later runs build on.
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
)

// Meta keys of the identity state kept beside the links table.
const (
	MetaIdentitySplits = "identity.splits"
	MetaIdentityModel  = "identity.model"
)

// ResolveInput names the run; Full recomputes every profile from scratch (the model too).
type ResolveInput struct {
	Run  string
	Full bool
}

// ResolveResult is the identity part of the run summary.
type ResolveResult = summary.Identity

// Resolve links the clean customers into profiles. Unless Full, it runs incrementally: records
// unchanged since the last run keep their profiles and only the run's new or changed records are
// compared, through the same blocking, against everything.
func (a *Activities) Resolve(ctx context.Context, in ResolveInput) (*ResolveResult, error) {
	var recs []record.Customer
	if err := a.Store.ScanRecords(ctx, record.Visitor{Customer: func(c record.Customer) error {
		recs = append(recs, c)
		return nil
	}}); err != nil {
		return nil, fmt.Errorf("resolve: read clean customers: %w", err)
	}
	state, err := LoadIdentityState(ctx, a.Store)
	if err != nil {
		return nil, err
	}
	stop := heartbeatEvery(ctx, 20*time.Second, func() { activity.RecordHeartbeat(ctx, "resolving") })
	var res identity.Result
	mode := "full"
	if in.Full {
		state.Model = nil
		res, err = identity.Resolve(ctx, a.Config.Identity, recs, state)
	} else {
		changed, cerr := a.Store.ChangedCustomers(ctx, in.Run)
		if cerr != nil {
			stop()
			return nil, fmt.Errorf("resolve: list changed customers: %w", cerr)
		}
		if len(state.Links) > 0 {
			mode = "incremental"
		}
		res, err = identity.ResolveIncremental(ctx, a.Config.Identity, recs, changed, state)
	}
	stop()
	if err != nil {
		return nil, fmt.Errorf("resolve %d records: %w", len(recs), err)
	}
	applyConsent(res.Profiles, recs)
	if err := a.writeIdentity(ctx, in.Run, state, res); err != nil {
		return nil, err
	}
	return identitySummary(state, res, mode), nil
}

// LoadIdentityState reads what earlier runs decided: links from the links table, unmerge
// decisions and the model from meta.
func LoadIdentityState(ctx context.Context, st store.Store) (identity.State, error) {
	var s identity.State
	if err := st.ScanLinks(ctx, func(l store.Link) error {
		s.Links = append(s.Links, identity.PriorLink{Record: l.Record, Profile: l.ProfileID})
		return nil
	}); err != nil {
		return s, fmt.Errorf("resolve: read links: %w", err)
	}
	if err := getMetaJSON(ctx, st, MetaIdentitySplits, &s.Splits); err != nil {
		return s, err
	}
	var m identity.Model
	if err := getMetaJSON(ctx, st, MetaIdentityModel, &m); err != nil {
		return s, err
	}
	if len(m.Fields) > 0 {
		s.Model = &m
	}
	return s, nil
}

func getMetaJSON(ctx context.Context, st store.Store, key string, out any) error {
	data, err := st.GetMeta(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

// SetMetaJSON stores a JSON value under a meta key.
func SetMetaJSON(ctx context.Context, st store.Store, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := st.SetMeta(ctx, key, data); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

// applyConsent sets each golden record's consent per channel across its member records: an
// explicit opt-out anywhere wins; otherwise the most recent subscription, then the most recent
// state. The lineage of consent.<channel> names the record the state came from.
func applyConsent(profiles []identity.Profile, recs []record.Customer) {
	byKey := make(map[record.RecordKey]*record.Customer, len(recs))
	for i := range recs {
		byKey[recs[i].Key()] = &recs[i]
	}
	for i := range profiles {
		p := &profiles[i]
		merged := map[record.Channel]record.Consent{}
		from := map[record.Channel]record.RecordKey{}
		for _, k := range p.Members {
			r := byKey[k]
			if r == nil {
				continue
			}
			for ch, c := range r.Consent {
				if s := strongerConsent(merged[ch], c); s != merged[ch] {
					merged[ch], from[ch] = s, k
				}
			}
		}
		if len(merged) == 0 {
			continue
		}
		p.Golden.Consent = merged
		for ch, k := range from {
			setLineage(p, "consent."+string(ch), k)
		}
	}
}

// setLineage records that field came from rec, keeping the lineage sorted by field.
func setLineage(p *identity.Profile, field string, rec record.RecordKey) {
	i, found := slices.BinarySearchFunc(p.Lineage, field, func(s identity.FieldSource, f string) int { return strings.Compare(s.Field, f) })
	if found {
		p.Lineage[i].Record = rec
		return
	}
	p.Lineage = slices.Insert(p.Lineage, i, identity.FieldSource{Field: field, Record: rec})
}

func strongerConsent(cur, next record.Consent) record.Consent {
	rank := func(c record.Consent) int {
		switch c.State {
		case record.ConsentUnsubscribed, record.ConsentRedacted:
			return 3
		case record.ConsentSubscribed:
			return 2
		case "":
			return 0
		}
		return 1
	}
	switch rc, rn := rank(cur), rank(next); {
	case rn > rc:
		return next
	case rn == rc && next.UpdatedAt.After(cur.UpdatedAt):
		return next
	}
	return cur
}

func (a *Activities) writeIdentity(ctx context.Context, run string, prior identity.State, res identity.Result) error {
	w := store.IdentityWrite{Run: run}
	now := a.now()
	keep := make(map[string]bool, len(res.Profiles))
	for _, p := range res.Profiles {
		keep[p.ID] = true
		lineage, _ := json.Marshal(p.Lineage)
		w.Profiles = append(w.Profiles, store.Profile{ID: p.ID, Golden: p.Golden, Lineage: lineage, Members: len(p.Members), Run: run})
	}
	seen := map[string]bool{}
	for _, l := range prior.Links {
		if !keep[l.Profile] && !seen[l.Profile] {
			seen[l.Profile] = true
			w.DeleteProfiles = append(w.DeleteProfiles, l.Profile)
		}
	}
	before := make(map[record.RecordKey]string, len(prior.Links))
	for _, l := range prior.Links {
		before[l.Record] = l.Profile
	}
	linked := make(map[record.RecordKey]bool, len(res.Links))
	for _, l := range res.Links {
		linked[l.Record] = true
		if l.Evidence.Rule == identity.EvidencePrior && before[l.Record] == l.Profile {
			continue // unchanged: keep the evidence stored when the link was made
		}
		ev, _ := json.Marshal(l.Evidence)
		w.Links = append(w.Links, store.Link{Record: l.Record, ProfileID: l.Profile, Evidence: ev, Run: run})
	}
	for _, l := range prior.Links {
		if !linked[l.Record] { // deleted records leave their profile
			w.DeleteLinks = append(w.DeleteLinks, l.Record)
		}
	}
	for _, m := range res.Merges {
		reason, _ := json.Marshal(m) // the whole merge: the joining record and its evidence
		w.Merges = append(w.Merges, store.Merge{Run: run, From: m.From, Into: m.Into, Reason: string(reason), At: now})
	}
	if err := a.Store.WriteIdentity(ctx, w); err != nil {
		return fmt.Errorf("resolve: store profiles: %w", err)
	}
	if err := SetMetaJSON(ctx, a.Store, MetaIdentityModel, res.Model); err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	return nil
}

func identitySummary(prior identity.State, res identity.Result, mode string) *ResolveResult {
	before := make(map[string]bool, len(prior.Links))
	for _, l := range prior.Links {
		before[l.Profile] = true
	}
	out := &ResolveResult{Records: res.Stats.Records, Profiles: len(res.Profiles), Merges: len(res.Merges),
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
