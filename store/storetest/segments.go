// Conformance tests: segments.
package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/store"
)

func testSegments(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	members := func(segment string) []string {
		t.Helper()
		m, err := s.SegmentMembers(ctx, segment)
		require.NoError(t, err)
		return m
	}

	first, err := s.ApplySegment(ctx, "run1", "vip", []string{"a", "b", "c"})
	require.NoError(t, err)
	require.Equal(t, "vip", first.Segment)
	require.Equal(t, 3, first.Members)
	require.Equal(t, []string{"a", "b", "c"}, first.Added)
	require.Empty(t, first.Removed)
	require.Equal(t, []string{"a", "b", "c"}, members("vip"))

	second, err := s.ApplySegment(ctx, "run2", "vip", []string{"b", "c", "d"})
	require.NoError(t, err)
	require.Equal(t, store.SegmentChange{Segment: "vip", Members: 3, Added: []string{"d"}, Removed: []string{"a"}}, second)
	require.Equal(t, []string{"b", "c", "d"}, members("vip"))

	t.Run("SameRunTwiceReturnsFirstChangeAndWritesNothing", func(t *testing.T) {
		again, err := s.ApplySegment(ctx, "run2", "vip", []string{"x", "y"})
		require.NoError(t, err)
		require.Equal(t, second, again)
		require.Equal(t, []string{"b", "c", "d"}, members("vip"))

		old, err := s.ApplySegment(ctx, "run1", "vip", []string{"a"})
		require.NoError(t, err)
		require.Equal(t, "vip", old.Segment)
		require.Equal(t, 3, old.Members)
		require.Equal(t, []string{"a", "b", "c"}, old.Added)
		require.Empty(t, old.Removed)
		require.Equal(t, []string{"b", "c", "d"}, members("vip"))
	})
	t.Run("SegmentsAreIndependent", func(t *testing.T) {
		ch, err := s.ApplySegment(ctx, "run2", "churned", []string{"d", "z"})
		require.NoError(t, err)
		require.Equal(t, []string{"d", "z"}, ch.Added)
		require.Equal(t, []string{"b", "c", "d"}, members("vip"))
		require.Equal(t, []string{"d", "z"}, members("churned"))
	})
	t.Run("EmptyMembership", func(t *testing.T) {
		ch, err := s.ApplySegment(ctx, "run3", "vip", nil)
		require.NoError(t, err)
		require.Equal(t, 0, ch.Members)
		require.Empty(t, ch.Added)
		require.Equal(t, []string{"b", "c", "d"}, ch.Removed)
		require.Empty(t, members("vip"))

		ch, err = s.ApplySegment(ctx, "run3", "never-matched", []string{})
		require.NoError(t, err)
		require.Equal(t, 0, ch.Members)
		require.Empty(t, ch.Added)
		require.Empty(t, ch.Removed)
		require.Empty(t, members("no-such-segment"))
	})
	t.Run("MembersSortedAndNames", func(t *testing.T) {
		_, err := s.ApplySegment(ctx, "run4", "vip", []string{"B", "_x", "a", "a1"})
		require.NoError(t, err)
		require.Equal(t, []string{"B", "_x", "a", "a1"}, members("vip"))
		names, err := s.SegmentNames(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"churned", "never-matched", "vip"}, names)
	})
}
