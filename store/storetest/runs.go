// Conformance tests: runs and meta.
package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/store"
)

func testRuns(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	t.Run("StartRunKeepsFirstStartedAt", func(t *testing.T) {
		require.NoError(t, s.StartRun(ctx, store.Run{ID: "r1", Kind: "sync", Status: "running", StartedAt: base}))
		require.NoError(t, s.StartRun(ctx, store.Run{ID: "r1", Kind: "sync", Status: "running", StartedAt: base.Add(time.Hour)}))
		got, err := s.GetRun(ctx, "r1")
		require.NoError(t, err)
		require.Equal(t, "r1", got.ID)
		require.Equal(t, "sync", got.Kind)
		require.Equal(t, "running", got.Status)
		requireTime(t, base, got.StartedAt, "started_at")
		require.True(t, got.FinishedAt.IsZero())
		require.Empty(t, got.Summary)
	})
	t.Run("GetRunNotFound", func(t *testing.T) {
		_, err := s.GetRun(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("FinishRun", func(t *testing.T) {
		require.NoError(t, s.FinishRun(ctx, "r1", "completed", json.RawMessage(`{"customers": 3}`)))
		got, err := s.GetRun(ctx, "r1")
		require.NoError(t, err)
		require.Equal(t, "completed", got.Status)
		require.False(t, got.FinishedAt.IsZero())
		require.Equal(t, time.UTC, got.FinishedAt.Location())
		require.JSONEq(t, `{"customers": 3}`, string(got.Summary))
		requireTime(t, base, got.StartedAt, "started_at after finish")

		// Repeating it is harmless and keeps the first finish time.
		require.NoError(t, s.FinishRun(ctx, "r1", "completed", json.RawMessage(`{"customers": 3}`)))
		again, err := s.GetRun(ctx, "r1")
		require.NoError(t, err)
		require.True(t, got.FinishedAt.Equal(again.FinishedAt))

		require.ErrorIs(t, s.FinishRun(ctx, "nope", "failed", nil), store.ErrNotFound)
	})
	t.Run("ListRunsNewestFirst", func(t *testing.T) {
		require.NoError(t, s.StartRun(ctx, store.Run{ID: "r3", Kind: "sync", StartedAt: base.Add(2 * time.Minute)}))
		require.NoError(t, s.StartRun(ctx, store.Run{ID: "r2", Kind: "resolve", StartedAt: base.Add(time.Minute)}))
		runs, err := s.ListRuns(ctx, 0)
		require.NoError(t, err)
		require.Equal(t, []string{"r3", "r2", "r1"}, runIDs(runs))
		require.Equal(t, "running", runs[0].Status, "empty status defaults to running")
		runs, err = s.ListRuns(ctx, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"r3", "r2"}, runIDs(runs))
	})
}

func runIDs(runs []store.Run) []string {
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return ids
}

func testMeta(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	_, err := s.GetMeta(ctx, "identity.model")
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, s.SetMeta(ctx, "identity.model", []byte(`{"version":1}`)))
	got, err := s.GetMeta(ctx, "identity.model")
	require.NoError(t, err)
	require.Equal(t, `{"version":1}`, string(got))

	require.NoError(t, s.SetMeta(ctx, "identity.model", []byte(`{"version":2}`)))
	got, err = s.GetMeta(ctx, "identity.model")
	require.NoError(t, err)
	require.Equal(t, `{"version":2}`, string(got))

	binary := []byte{0, 1, 2, 0xff, 0xfe, 0}
	require.NoError(t, s.SetMeta(ctx, "blob", binary))
	got, err = s.GetMeta(ctx, "blob")
	require.NoError(t, err)
	require.Equal(t, binary, got)

	require.NoError(t, s.SetMeta(ctx, "empty", nil))
	got, err = s.GetMeta(ctx, "empty")
	require.NoError(t, err, "an empty value is still set")
	require.Empty(t, got)
}
