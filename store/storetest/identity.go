// Conformance tests: identity (profiles, links, merges).
package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func link(source, id, profile string) store.Link {
	return store.Link{Record: record.RecordKey{Source: source, ID: id}, ProfileID: profile, Evidence: json.RawMessage(`{"rule":"email"}`)}
}

func linkKeys(ls []store.Link) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.ProfileID + ":" + l.Record.String()
	}
	return out
}

func testIdentity(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	p1 := store.Profile{ID: "p1", Golden: customer("crm", "a", "a@x.io"), Lineage: json.RawMessage(`{"email":"crm/a"}`), Members: 2, Sources: []string{"crm", "shop"}}
	p2 := store.Profile{ID: "p2", Golden: customer("crm", "b", "b@x.io"), Members: 1}

	t.Run("WriteAndRead", func(t *testing.T) {
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{
			Run:      "run1",
			Profiles: []store.Profile{p2, p1},
			Links:    []store.Link{link("shop", "x", "p1"), link("crm", "b", "p2"), link("crm", "a", "p1")},
		}))
		got, err := s.GetProfile(ctx, "p1")
		require.NoError(t, err)
		require.Equal(t, "p1", got.ID)
		many, err := s.GetProfiles(ctx, []string{"p2", "p1", "nope", "p1"})
		require.NoError(t, err)
		require.Len(t, many, 2, "missing ids are absent, repeated ids read once")
		require.Equal(t, "b@x.io", many["p2"].Golden.Email)
		require.Equal(t, got, many["p1"])
		none, err := s.GetProfiles(ctx, nil)
		require.NoError(t, err)
		require.Empty(t, none)
		require.Equal(t, p1.Golden, got.Golden)
		require.JSONEq(t, string(p1.Lineage), string(got.Lineage))
		require.Equal(t, 2, got.Members)
		require.Equal(t, []string{"crm", "shop"}, got.Sources)
		require.Equal(t, "run1", got.Run, "an empty profile run takes the write's run")

		_, err = s.GetProfile(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)

		n, err := s.CountProfiles(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, n)

		profiles := collect(t, func(fn func(store.Profile) error) error { return s.ScanProfiles(ctx, fn) })
		require.Len(t, profiles, 2)
		require.Equal(t, "p1", profiles[0].ID)
		require.Equal(t, "p2", profiles[1].ID)

		links := collect(t, func(fn func(store.Link) error) error { return s.ScanLinks(ctx, fn) })
		require.Equal(t, []string{"p1:crm/a", "p1:shop/x", "p2:crm/b"}, linkKeys(links))
		require.JSONEq(t, `{"rule":"email"}`, string(links[0].Evidence))
		require.Equal(t, "run1", links[0].Run)
		var members []string
		require.NoError(t, s.ScanMemberships(ctx, func(rec record.RecordKey, profile string) error {
			members = append(members, profile+":"+rec.String())
			return nil
		}))
		require.Equal(t, linkKeys(links), members, "memberships: the links without their evidence, in the same order")

		pl, err := s.ProfileLinks(ctx, "p1")
		require.NoError(t, err)
		require.Equal(t, []string{"p1:crm/a", "p1:shop/x"}, linkKeys(pl))
		pl, err = s.ProfileLinks(ctx, "nope")
		require.NoError(t, err)
		require.Empty(t, pl)
	})

	merge := store.IdentityWrite{
		Run:            "run2",
		Profiles:       []store.Profile{{ID: "p1", Golden: p1.Golden, Members: 3}},
		DeleteProfiles: []string{"p2"},
		Links:          []store.Link{link("crm", "b", "p1")},
		Merges:         []store.Merge{{From: "p2", Into: "p1", Reason: "same email", At: base.Add(time.Hour)}},
	}
	t.Run("MergeDeletesAndRepoints", func(t *testing.T) {
		require.NoError(t, s.WriteIdentity(ctx, merge))
		require.NoError(t, s.WriteIdentity(ctx, merge), "a retried write is harmless")

		_, err := s.GetProfile(ctx, "p2")
		require.ErrorIs(t, err, store.ErrNotFound)
		got, err := s.GetProfile(ctx, "p1")
		require.NoError(t, err)
		require.Equal(t, 3, got.Members)
		require.Equal(t, "run2", got.Run)
		require.Empty(t, got.Lineage)

		pl, err := s.ProfileLinks(ctx, "p1")
		require.NoError(t, err)
		require.Equal(t, []string{"p1:crm/a", "p1:crm/b", "p1:shop/x"}, linkKeys(pl))

		ms, err := s.Merges(ctx, "p1")
		require.NoError(t, err)
		require.Len(t, ms, 1, "the retry did not duplicate the merge")
		require.Equal(t, "p2", ms[0].From)
		require.Equal(t, "p1", ms[0].Into)
		require.Equal(t, "same email", ms[0].Reason)
		require.Equal(t, "run2", ms[0].Run)
		requireTime(t, base.Add(time.Hour), ms[0].At, "merge at")
		ms2, err := s.Merges(ctx, "p2")
		require.NoError(t, err)
		require.Equal(t, ms, ms2, "merges out of a profile are listed too")
	})
	t.Run("SegmentInputs", func(t *testing.T) {
		// p1 is written with an input, p3 without one: its golden record comes instead.
		input := []byte{1, 0, 0, 7, 'i', 'n', 'p', 'u', 't', 0xff, 0x00}
		p3 := store.Profile{ID: "p3", Golden: customer("crm", "c", "c@x.io"), Members: 1}
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "run3", Profiles: []store.Profile{
			{ID: "p1", Golden: p1.Golden, Members: 3, SegmentInput: input}, p3}}))
		inputs := func() []store.ProfileInput {
			var got []store.ProfileInput
			require.NoError(t, s.ScanProfileInputs(ctx, func(p store.ProfileInput) error {
				got = append(got, p)
				return nil
			}))
			return got
		}
		got := inputs()
		require.Len(t, got, 2)
		require.Equal(t, "p1", got[0].ID)
		require.Equal(t, input, got[0].Input, "the input comes back byte for byte")
		require.Nil(t, got[0].Golden, "a profile with an input is read without its golden record")
		require.Equal(t, "p3", got[1].ID)
		require.Nil(t, got[1].Input)
		require.NotNil(t, got[1].Golden)
		require.Equal(t, "c@x.io", got[1].Golden.Email)

		whole, err := s.GetProfile(ctx, "p1")
		require.NoError(t, err)
		require.Nil(t, whole.SegmentInput, "whole-profile reads leave the input out, so a write-back clears it")
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "run4", Profiles: []store.Profile{whole}}))
		got = inputs()
		require.Nil(t, got[0].Input, "a profile written back without an input has none")
		require.Equal(t, p1.Golden.Email, got[0].Golden.Email)
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "run4", DeleteProfiles: []string{"p3"}}))
		got = inputs()
		require.Len(t, got, 1, "a deleted profile's input goes with it")
		require.Equal(t, "p1", got[0].ID)
		// Written again with an input, it is read from the input again.
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "run5", Profiles: []store.Profile{
			{ID: "p1", Golden: p1.Golden, Members: 3, SegmentInput: input}}}))
		got = inputs()
		require.Len(t, got, 1)
		require.Equal(t, input, got[0].Input)
		require.Nil(t, got[0].Golden)
	})

	t.Run("GoldenWrittenAsEncoded", func(t *testing.T) {
		// A profile handed over with its golden record encoded is stored from those bytes; one
		// without is encoded by the store. Both read back whole.
		g := customer("crm", "g", "g@x.io")
		enc, err := json.Marshal(g)
		require.NoError(t, err)
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "run-g", Profiles: []store.Profile{
			{ID: "pg1", Golden: g, GoldenJSON: enc, Members: 1}, {ID: "pg2", Golden: g, Members: 1}}}))
		for _, id := range []string{"pg1", "pg2"} {
			got, err := s.GetProfile(ctx, id)
			require.NoError(t, err)
			require.Equal(t, g, got.Golden, id)
			require.Nil(t, got.GoldenJSON, "reads leave the encoded form out")
		}
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "run-g", DeleteProfiles: []string{"pg1", "pg2"}}))
	})

	t.Run("MergesOldestFirst", func(t *testing.T) {
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{
			Run:      "run3",
			Profiles: []store.Profile{{ID: "p3", Golden: customer("shop", "y", "")}},
			Links:    []store.Link{link("shop", "y", "p3")},
		}))
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{
			Run:            "run4",
			DeleteProfiles: []string{"p3"},
			Links:          []store.Link{link("shop", "y", "p1")},
			Merges:         []store.Merge{{From: "p3", Into: "p1", Reason: "phone", At: base}}, // older than the p2 merge
		}))
		ms, err := s.Merges(ctx, "p1")
		require.NoError(t, err)
		require.Len(t, ms, 2)
		require.Equal(t, "p3", ms[0].From)
		require.Equal(t, "p2", ms[1].From)
		ms, err = s.Merges(ctx, "nope")
		require.NoError(t, err)
		require.Empty(t, ms)
	})
	t.Run("DeleteLinks", func(t *testing.T) {
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "run5", DeleteLinks: []record.RecordKey{{Source: "shop", ID: "x"}, {Source: "gone", ID: "never"}}}))
		pl, err := s.ProfileLinks(ctx, "p1")
		require.NoError(t, err)
		require.Equal(t, []string{"p1:crm/a", "p1:crm/b", "p1:shop/y"}, linkKeys(pl))
	})
	t.Run("Transactional", func(t *testing.T) {
		// Deleting p1 while links still point at it is refused, and nothing of the write remains.
		err := s.WriteIdentity(ctx, store.IdentityWrite{
			Run:            "run6",
			Profiles:       []store.Profile{{ID: "p9", Golden: customer("crm", "z", "")}},
			Links:          []store.Link{link("crm", "z", "p9")},
			DeleteProfiles: []string{"p1"},
		})
		require.Error(t, err)
		_, err = s.GetProfile(ctx, "p9")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.GetProfile(ctx, "p1")
		require.NoError(t, err)
		pl, err := s.ProfileLinks(ctx, "p9")
		require.NoError(t, err)
		require.Empty(t, pl)
		n, err := s.CountProfiles(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
	t.Run("StreamedRows", func(t *testing.T) {
		// Profiles and links streamed in batches land like listed ones; a streamed profile
		// re-creates one the write deletes; an error from a stream writes nothing.
		batches := func(n, per int) [][2]int {
			var out [][2]int
			for lo := 0; lo < n; lo += per {
				out = append(out, [2]int{lo, min(lo+per, n)})
			}
			return out
		}
		profile := func(i int) store.Profile {
			return store.Profile{ID: fmt.Sprintf("s%03d", i), Golden: customer("crm", fmt.Sprintf("s%d", i), ""), Members: 1}
		}
		stream := store.IdentityWrite{Run: "run7",
			DeleteProfiles: []string{"s000"},
			MoreProfiles: func(add func([]store.Profile) error) error {
				for _, b := range batches(25, 10) {
					var ps []store.Profile
					for i := b[0]; i < b[1]; i++ {
						ps = append(ps, profile(i))
					}
					if err := add(ps); err != nil {
						return err
					}
				}
				return nil
			},
			MoreLinks: func(add func([]store.Link) error) error {
				for _, b := range batches(25, 7) {
					var ls []store.Link
					for i := b[0]; i < b[1]; i++ {
						ls = append(ls, link("crm", fmt.Sprintf("s%d", i), fmt.Sprintf("s%03d", i)))
					}
					if err := add(ls); err != nil {
						return err
					}
				}
				return nil
			},
		}
		failing := stream
		failing.Run = "run8"
		failing.Profiles = []store.Profile{profile(99)}
		failing.MoreLinks = func(add func([]store.Link) error) error {
			if err := add([]store.Link{link("crm", "s99", "s099")}); err != nil {
				return err
			}
			return errors.New("the stream broke")
		}
		require.ErrorContains(t, s.WriteIdentity(ctx, failing), "the stream broke")
		_, err := s.GetProfile(ctx, "s099")
		require.ErrorIs(t, err, store.ErrNotFound, "a failed stream writes nothing")

		require.NoError(t, s.WriteIdentity(ctx, stream))
		n, err := s.CountProfiles(ctx)
		require.NoError(t, err)
		require.Equal(t, 26, n, "p1 and the 25 streamed profiles")
		for _, i := range []int{0, 9, 10, 24} {
			pl, err := s.ProfileLinks(ctx, fmt.Sprintf("s%03d", i))
			require.NoError(t, err)
			require.Len(t, pl, 1, "profile s%03d", i)
			require.Equal(t, "run7", pl[0].Run)
		}
	})
}
