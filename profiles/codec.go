// codec.go holds the one codec between identity's types and the store's rows: the identity state
// (links, splits, model), profiles with their lineage, links with their evidence, and merges; and
// save, which writes a resolution as the difference between the state it started from and the
// state it leaves (identity.Result.NextState).
package profiles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/segments"
	"github.com/cdpflow/cdpflow/store"
)

// LoadState reads what earlier runs decided: links from the links table, unmerge decisions and
// the model from meta.
func LoadState(ctx context.Context, st Store) (identity.State, error) {
	var s identity.State
	if err := st.ScanMemberships(ctx, func(rec record.RecordKey, profile string) error {
		s.Links = append(s.Links, identity.PriorLink{Record: rec, Profile: profile})
		return nil
	}); err != nil {
		return s, fmt.Errorf("load identity state: read links: %w", err)
	}
	if err := getMeta(ctx, st, metaSplits, &s.Splits); err != nil {
		return s, err
	}
	var m identity.Model
	if err := getMeta(ctx, st, metaModel, &m); err != nil {
		return s, err
	}
	if len(m.Fields) > 0 {
		s.Model = &m
	}
	return s, nil
}

func getMeta(ctx context.Context, st store.Meta, key string, out any) error {
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

func setMeta(ctx context.Context, st store.Meta, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	if err := st.SetMeta(ctx, key, data); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

// encodeProfile is a profile's row, its golden record encoded; its member count is derived from
// its members.
func encodeProfile(p identity.Profile, run string) (store.Profile, error) {
	lineage, err := json.Marshal(p.Lineage)
	if err != nil {
		return store.Profile{}, fmt.Errorf("encode lineage of %s: %w", p.ID, err)
	}
	golden, err := json.Marshal(p.Golden)
	if err != nil {
		return store.Profile{}, fmt.Errorf("encode golden record of %s: %w", p.ID, err)
	}
	var sources []string
	for _, k := range p.Members {
		if !slices.Contains(sources, k.Source) {
			sources = append(sources, k.Source)
		}
	}
	slices.Sort(sources)
	return store.Profile{ID: p.ID, Golden: p.Golden, GoldenJSON: golden, Lineage: lineage, Members: len(p.Members), Sources: sources, Run: run,
		SegmentInput: segments.EncodeCustomer(nil, p.Golden)}, nil
}

// decodeProfile rebuilds a profile from its row and its links' records.
func decodeProfile(row store.Profile, links []store.Link) (identity.Profile, error) {
	p := identity.Profile{ID: row.ID, Golden: row.Golden}
	if len(row.Lineage) > 0 {
		if err := json.Unmarshal(row.Lineage, &p.Lineage); err != nil {
			return p, fmt.Errorf("decode lineage of %s: %w", row.ID, err)
		}
	}
	for _, l := range links {
		p.Members = append(p.Members, l.Record)
	}
	return p, nil
}

func encodeLink(l identity.Link, run string) (store.Link, error) {
	ev, err := json.Marshal(l.Evidence)
	if err != nil {
		return store.Link{}, fmt.Errorf("encode evidence of %s: %w", l.Record, err)
	}
	return store.Link{Record: l.Record, ProfileID: l.Profile, Evidence: ev, Run: run}, nil
}

func decodeLink(l store.Link) (identity.Link, error) {
	il := identity.Link{Record: l.Record, Profile: l.ProfileID}
	if len(l.Evidence) > 0 {
		if err := json.Unmarshal(l.Evidence, &il.Evidence); err != nil {
			return il, fmt.Errorf("decode evidence of %s: %w", l.Record, err)
		}
	}
	return il, nil
}

func encodeMerge(m identity.Merge, run string, at time.Time) (store.Merge, error) {
	reason, err := json.Marshal(m) // the whole merge: the joining record and its evidence
	if err != nil {
		return store.Merge{}, fmt.Errorf("encode merge %s -> %s: %w", m.From, m.Into, err)
	}
	return store.Merge{Run: run, From: m.From, Into: m.Into, Reason: string(reason), At: at}, nil
}

func decodeMerge(m store.Merge) identity.Merge {
	var im identity.Merge
	if json.Unmarshal([]byte(m.Reason), &im) != nil {
		im = identity.Merge{From: m.From, Into: m.Into}
	}
	return im
}

// save writes a resolution: every profile of the result, the links that changed between prev and
// the state the result leaves, the profiles and links that are gone, the merges, and the model.
// A profile holding the same, unwritten records as before keeps its stored row and links
// (profile anchors included), so an incremental run writes what its changes touched.
// dirty, when not nil, holds the records written since the last resolution: a profile whose
// members are the same records as before and none of them dirty is unchanged and not written again.
// It returns how many profiles it wrote.
func save(ctx context.Context, st Store, run string, prev identity.State, res identity.Result, at time.Time, dirty map[record.RecordKey]bool) (int, error) {
	next := res.NextState(prev)
	sameModel := res.Model.SameLevels(prev.Model)
	if !sameModel {
		// Stored evidence names levels by number: under other comparisons it would read wrong,
		// so every profile and link is written again.
		dirty = nil
	}
	w := store.IdentityWrite{Run: run}
	keep := make(map[string]bool, len(res.Profiles))
	var size map[string]int // profile -> its records before
	var was map[record.RecordKey]string
	if dirty != nil {
		size = make(map[string]int, len(prev.Links))
		was = make(map[record.RecordKey]string, len(prev.Links))
		for _, l := range prev.Links {
			size[l.Profile]++
			was[l.Record] = l.Profile
		}
	}
	same := map[string]bool{} // profiles not written again: their links stay as stored
	var writeProfiles []int   // indexes into res.Profiles, encoded batch by batch as they are written
	for i, p := range res.Profiles {
		keep[p.ID] = true
		if dirty != nil && (p.Unchanged || sameProfile(p, size, was, dirty)) {
			same[p.ID] = true
			continue
		}
		if p.Unchanged {
			// Resolution built no golden record for it, trusting the stored one, yet it must be
			// written again: refuse rather than store an empty record.
			return 0, fmt.Errorf("profile %s must be written again but its golden record was not built", p.ID)
		}
		writeProfiles = append(writeProfiles, i)
	}
	w.MoreProfiles = func(add func([]store.Profile) error) error {
		return inBatches(writeProfiles, func(i int) (store.Profile, error) { return encodeProfile(res.Profiles[i], run) }, add)
	}
	before := make(map[record.RecordKey]string, len(prev.Links))
	gone := map[string]bool{}
	for _, l := range prev.Links {
		before[l.Record] = l.Profile
		if !keep[l.Profile] && !gone[l.Profile] {
			gone[l.Profile] = true
			w.DeleteProfiles = append(w.DeleteProfiles, l.Profile)
		}
	}
	linked := make(map[record.RecordKey]bool, len(next.Links))
	var writeLinks []int // indexes into res.Links
	for i, l := range res.Links {
		linked[l.Record] = true
		if sameModel && before[l.Record] == next.Links[i].Profile && (same[l.Profile] || l.Evidence.Rule == identity.EvidencePrior) {
			continue // unchanged: keep the evidence stored when the link was made
		}
		writeLinks = append(writeLinks, i)
	}
	w.MoreLinks = func(add func([]store.Link) error) error {
		return inBatches(writeLinks, func(i int) (store.Link, error) { return encodeLink(res.Links[i], run) }, add)
	}
	for _, l := range prev.Links {
		if !linked[l.Record] { // deleted records leave their profile
			w.DeleteLinks = append(w.DeleteLinks, l.Record)
		}
	}
	for _, m := range res.Merges {
		row, err := encodeMerge(m, run, at)
		if err != nil {
			return 0, err
		}
		w.Merges = append(w.Merges, row)
	}
	if err := st.WriteIdentity(ctx, w); err != nil {
		return 0, fmt.Errorf("store profiles: %w", err)
	}
	return len(writeProfiles), setMeta(ctx, st, metaModel, next.Model)
}

// sameProfile reports whether p holds exactly the records it held before, none of them written since.
func sameProfile(p identity.Profile, size map[string]int, was map[record.RecordKey]string, dirty map[record.RecordKey]bool) bool {
	if size[p.ID] != len(p.Members) {
		return false
	}
	for _, m := range p.Members {
		if was[m] != p.ID || dirty[m] {
			return false
		}
	}
	return true
}

// writeBatch is how many encoded profiles or links a resolution holds at once while writing.
const writeBatch = 5000

// inBatches encodes the items at idx a batch at a time and hands each batch to add, in order.
// The next batch is encoded on another goroutine while add writes the current one: writing is one
// database connection's work, so encoding beside it uses a core that would otherwise idle. At most
// two batches are held. encode must be safe to call while add runs.
func inBatches[T any](idx []int, encode func(int) (T, error), add func([]T) error) error {
	if len(idx) <= writeBatch {
		batch := make([]T, 0, len(idx))
		for _, i := range idx {
			row, err := encode(i)
			if err != nil {
				return err
			}
			batch = append(batch, row)
		}
		if len(batch) == 0 {
			return nil
		}
		return add(batch)
	}
	type encoded struct {
		rows []T
		err  error
	}
	free := make(chan []T, 2) // the two batch buffers, back from add
	free <- make([]T, 0, writeBatch)
	free <- make([]T, 0, writeBatch)
	ready := make(chan encoded, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(ready)
		for start := 0; start < len(idx); start += writeBatch {
			var batch []T
			select {
			case batch = <-free:
			case <-stop:
				return
			}
			batch = batch[:0]
			var err error
			for _, i := range idx[start:min(start+writeBatch, len(idx))] {
				var row T
				if row, err = encode(i); err != nil {
					break
				}
				batch = append(batch, row)
			}
			select {
			case ready <- encoded{batch, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for e := range ready {
		if e.err != nil {
			return e.err
		}
		if err := add(e.rows); err != nil {
			return err
		}
		free <- e.rows
	}
	return nil
}
