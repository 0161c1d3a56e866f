package profiles_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/store/sqlite"
	"github.com/cdpflow/cdpflow/summary"
)

// openStore opens a SQLite store in a temporary directory, closed when the test ends.
func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), "file:"+filepath.Join(t.TempDir(), "cdpflow.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// TestResolve_CostsWhatChanged: a run that changed nothing skips the identity stage; a run that
// changed one record rewrites only the profile holding it; a changed configuration resolves again.
func TestResolve_CostsWhatChanged(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var recs []record.Customer
	for i := range 50 {
		c := record.Customer{Source: "crm", SourceID: fmt.Sprint(i), UpdatedAt: at, Email: fmt.Sprintf("p%d@acme-mail.com", i),
			FirstName: "pat", LastName: fmt.Sprintf("doe%d", i)}
		recs = append(recs, c)
		if i%10 == 0 { // a second record of the same person in another source
			c.Source = "pos"
			recs = append(recs, c)
		}
	}
	require.NoError(t, st.Upsert(ctx, "r1", record.Batch{Customers: recs}))
	cfg := identity.DefaultConfig()
	var last summary.Identity
	resolve := func(run string, cfg identity.Config) (string, int) {
		t.Helper()
		sum, err := profiles.Resolve(ctx, st, cfg, profiles.Request{Run: run})
		require.NoError(t, err)
		last = sum
		return sum.Mode, sum.Profiles
	}
	writtenBy := func() map[string]int {
		t.Helper()
		out := map[string]int{}
		require.NoError(t, st.ScanProfiles(ctx, func(p store.Profile) error { out[p.Run]++; return nil }))
		return out
	}
	linksBy := func() map[string]int {
		t.Helper()
		out := map[string]int{}
		require.NoError(t, st.ScanLinks(ctx, func(l store.Link) error { out[l.Run]++; return nil }))
		return out
	}

	mode, n := resolve("r1", cfg)
	require.Equal(t, "full", mode)
	require.Equal(t, 50, n)
	require.Equal(t, map[string]int{"r1": 50}, writtenBy())
	require.Equal(t, 55, last.Changed)
	require.Equal(t, 50, last.Rebuilt)

	mode, n = resolve("r2", cfg)
	require.Equal(t, "unchanged", mode, "nothing was written since: nothing to resolve")
	require.Equal(t, 50, n)

	moved := recs[3]
	moved.Address.City = "Leeds"
	require.NoError(t, st.Upsert(ctx, "r3", record.Batch{Customers: []record.Customer{moved}}))
	mode, n = resolve("r3", cfg)
	require.Equal(t, "incremental", mode)
	require.Equal(t, 50, n)
	require.Equal(t, map[string]int{"r1": 49, "r3": 1}, writtenBy(), "only the changed record's profile is written again")
	require.Equal(t, map[string]int{"r1": 54, "r3": 1}, linksBy(), "and only its link: an unchanged profile keeps its links, anchors included")
	require.Equal(t, 1, last.Changed, "the summary says what was compared")
	require.Equal(t, 1, last.Rebuilt, "and what was rebuilt")

	cfg.Threshold = 0.9
	mode, _ = resolve("r4", cfg)
	require.Equal(t, "incremental", mode, "a new configuration is not skipped")
	require.Equal(t, map[string]int{"r4": 50}, writtenBy(), "and every golden record is built again under it")
	require.Equal(t, 50, last.Rebuilt)

	moved.Address.City = "York"
	require.NoError(t, st.Upsert(ctx, "r4a", record.Batch{Customers: []record.Customer{moved}}))
	mode, _ = resolve("r4a", cfg)
	require.Equal(t, "incremental", mode)
	require.Equal(t, map[string]int{"r4": 49, "r4a": 1}, writtenBy(), "the same configuration again: only what changed")

	other := cfg
	other.Compare = []string{identity.FieldFirstName, identity.FieldBirthDate}
	mode, _ = resolve("r4b", other)
	require.Equal(t, "incremental", mode)
	require.Equal(t, map[string]int{"r4b": 55}, linksBy(), "other comparisons: every link's evidence is written again")

	require.NoError(t, st.Upsert(ctx, "r5", record.Batch{Customers: []record.Customer{{Source: "crm", SourceID: "7", UpdatedAt: at, Deleted: true}}}))
	mode, n = resolve("r5", cfg)
	require.Equal(t, "incremental", mode)
	require.Equal(t, 49, n, "a deleted record's profile goes")
	mode, _ = resolve("r6", cfg)
	require.Equal(t, "unchanged", mode)
}

// TestResolve_NewSurvivorshipRebuildsGoldenRecords: a configuration change that no record
// carries (a new survivorship rule) still rebuilds the golden records of unchanged profiles.
func TestResolve_NewSurvivorshipRebuildsGoldenRecords(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	recs := []record.Customer{
		{Source: "crm", SourceID: "1", UpdatedAt: at, Email: "sam@acme-mail.com", FirstName: "Sam", LastName: "Reed"},
		{Source: "pos", SourceID: "1", UpdatedAt: at.Add(time.Hour), Email: "sam@acme-mail.com", FirstName: "Samuel", LastName: "Reed"},
	}
	require.NoError(t, st.Upsert(ctx, "r1", record.Batch{Customers: recs}))
	golden := func(run string, cfg identity.Config) string {
		t.Helper()
		_, err := profiles.Resolve(ctx, st, cfg, profiles.Request{Run: run})
		require.NoError(t, err)
		var first string
		require.NoError(t, st.ScanProfiles(ctx, func(p store.Profile) error { first = p.Golden.FirstName; return nil }))
		return first
	}
	cfg := identity.DefaultConfig()
	require.Equal(t, "Samuel", golden("r1", cfg), "the most recent record wins by default")
	cfg.Survivorship = map[string]string{"default": identity.RulePriority}
	cfg.SourcePriority = []string{"crm", "pos"}
	require.Equal(t, "Sam", golden("r2", cfg), "the most trusted source wins once configured, though no record changed")
}
