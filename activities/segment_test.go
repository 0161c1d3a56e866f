package activities

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// TestSegment_QuietRunKeepsMemberships: a run that changed nothing keeps the memberships computed
// the same day by the same rules; another day, or a run that changed data, evaluates again.
func TestSegment_QuietRunKeepsMemberships(t *testing.T) {
	cfg := testConfig(t)
	cfg.Segments = []config.Segment{{Name: "londoners", Rule: `customer.city == "london"`}}
	st := testStore(t)
	acts := &Activities{Store: st, Config: cfg}
	write := func(city string) {
		require.NoError(t, st.WriteIdentity(t.Context(), store.IdentityWrite{Run: "r", Profiles: []store.Profile{
			{ID: "p1", Golden: record.Customer{Source: "identity", SourceID: "p1", Address: record.Address{City: city}}, Members: 1, Run: "r"}}}))
	}
	members := func(in SegmentInput) int {
		t.Helper()
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(acts)
		v, err := env.ExecuteActivity(acts.Segment, in)
		require.NoError(t, err)
		var res SegmentResult
		require.NoError(t, v.Get(&res))
		return res.Segments["londoners"].Members
	}
	day := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	write("london")
	require.Equal(t, 1, members(SegmentInput{Run: "r1", AsOf: day, Quiet: true}), "nothing to reuse yet: evaluated")

	// Behind the runs' back the profile moves: only an evaluation notices.
	write("leeds")
	require.Equal(t, 1, members(SegmentInput{Run: "r2", AsOf: day.Add(2 * time.Hour), Quiet: true}), "a quiet run the same day keeps the memberships")
	require.Equal(t, 0, members(SegmentInput{Run: "r3", AsOf: day.Add(3 * time.Hour)}), "a run that changed data evaluates")
	write("london")
	require.Equal(t, 1, members(SegmentInput{Run: "r4", AsOf: day.AddDate(0, 0, 1), Quiet: true}), "a new day evaluates")

	cfg.Segments[0].Rule = `customer.city == "london" && now.Year() > 2000`
	write("leeds")
	require.Equal(t, 0, members(SegmentInput{Run: "r5", AsOf: day.AddDate(0, 0, 1), Quiet: true}), "a rule that reads the clock always evaluates")
}
