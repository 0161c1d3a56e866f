package activities

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// fakeDest records every member it was sent and answers with scripted outcomes.
type fakeDest struct {
	idempotent bool
	removes    bool
	sent       map[string]int // profile -> times sent (adds)
	removed    map[string]int
	// failNext makes the next Apply return this error (after "sending" when inDoubt).
	failNext error
	reject   map[string]bool
}

func newFakeDest(idempotent bool) *fakeDest {
	return &fakeDest{idempotent: idempotent, removes: idempotent, sent: map[string]int{}, removed: map[string]int{}, reject: map[string]bool{}}
}

func (f *fakeDest) MaxBatch() int                  { return 2 }
func (f *fakeDest) Idempotent() bool               { return f.idempotent }
func (f *fakeDest) Supports(op connectors.Op) bool { return op == connectors.OpAdd || f.removes }
func (f *fakeDest) Apply(_ context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	var out []connectors.Outcome
	for _, m := range b.Members {
		if b.Op == connectors.OpRemove {
			f.removed[m.ProfileID]++
		} else {
			f.sent[m.ProfileID]++
		}
		st := connectors.StatusDelivered
		if f.reject[m.ProfileID] {
			st = connectors.StatusRejected
		}
		out = append(out, connectors.Outcome{ProfileID: m.ProfileID, Status: st, ProviderID: "msg-" + m.ProfileID})
	}
	if err := f.failNext; err != nil {
		f.failNext = nil
		return nil, err
	}
	return out, nil
}

type pushFixture struct {
	t    *testing.T
	st   store.Store
	acts *Activities
	env  *testsuite.TestActivityEnvironment
	dest *fakeDest
}

// newPushFixture stores profiles p1..pn with email consent (unless listed in noConsent) and puts
// them in segment at_risk_high_value, which the built-in config's winback_email destination syncs.
func newPushFixture(t *testing.T, dest *fakeDest, n int, noConsent ...string) *pushFixture {
	st := testStore(t)
	f := &pushFixture{t: t, st: st, dest: dest}
	f.acts = &Activities{Store: st, Config: testConfig(t), Connectors: fakeConnectors{destinations: map[string]connectors.Destination{"winback_email": dest}}}
	var ps []store.Profile
	var ids []string
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("p%d", i)
		state := record.ConsentSubscribed
		for _, nc := range noConsent {
			if nc == id {
				state = record.ConsentUnsubscribed
			}
		}
		ps = append(ps, store.Profile{ID: id, Members: 1, Golden: record.Customer{Email: id + "@x.io",
			Consent: map[record.Channel]record.Consent{record.ChannelEmail: {State: state}}}})
		ids = append(ids, id)
	}
	require.NoError(t, st.WriteIdentity(context.Background(), store.IdentityWrite{Run: "r0", Profiles: ps}))
	f.segment("r0", ids...)
	var ts testsuite.WorkflowTestSuite
	f.env = ts.NewTestActivityEnvironment()
	f.env.RegisterActivity(f.acts)
	return f
}

func (f *pushFixture) segment(run string, ids ...string) {
	_, err := f.st.ApplySegment(context.Background(), run, "at_risk_high_value", ids)
	require.NoError(f.t, err)
}

func (f *pushFixture) push(run string) (*PushResult, error) {
	val, err := f.env.ExecuteActivity(f.acts.Push, PushInput{Run: run, Destination: "winback_email"})
	if err != nil {
		return nil, err
	}
	var res PushResult
	require.NoError(f.t, val.Get(&res))
	return &res, nil
}

func TestPush_AddsOnceAndSkipsMembersWithoutConsent(t *testing.T) {
	f := newPushFixture(t, newFakeDest(false), 5, "p3")
	res, err := f.push("r1")
	require.NoError(t, err)
	assert.Equal(t, 4, res.Added)
	assert.Equal(t, 1, res.SkippedNoConsent)
	assert.Equal(t, 2, res.Batches, "MaxBatch 2 → batches of 2 and 2")

	t.Run("the same run retried sends nothing again and reports what the run delivered", func(t *testing.T) {
		res, err := f.push("r1")
		require.NoError(t, err)
		assert.Equal(t, 4, res.Added, "the run's total, whichever attempt delivered it")
		assert.Zero(t, res.Batches, "no call made")
		for id, n := range f.dest.sent {
			assert.Equal(t, 1, n, "%s sent once", id)
		}
	})
	t.Run("a later run sends nothing to members already reached", func(t *testing.T) {
		res, err := f.push("r2")
		require.NoError(t, err)
		assert.Zero(t, res.Added)
		for id, n := range f.dest.sent {
			assert.Equal(t, 1, n, "%s sent once", id)
		}
	})
}

func TestPush_InDoubtSendsAreNeverRepeated(t *testing.T) {
	dest := newFakeDest(false)
	f := newPushFixture(t, dest, 4)
	dest.failNext = fmt.Errorf("mandrill: send: %w: read timeout", connectors.ErrInDoubt)
	_, err := f.push("r1")
	require.Error(t, err, "the attempt fails; Temporal retries it")

	res, err := f.push("r1") // the retry
	require.NoError(t, err)
	assert.Equal(t, 2, res.Added, "the batch that never went out is sent")
	for id, n := range dest.sent {
		assert.Equal(t, 1, n, "%s: an in-doubt email is not sent a second time", id)
	}
	var inDoubt int
	require.NoError(t, f.st.ScanDeliveries(context.Background(), store.DeliveryFilter{Destination: "winback_email", Statuses: []store.DeliveryStatus{store.DeliveryInDoubt}},
		func(store.Delivery) error { inDoubt++; return nil }))
	assert.Equal(t, 2, inDoubt, "the ledger says which members may have been reached")

	next, err := f.push("r2")
	require.NoError(t, err)
	assert.Zero(t, next.Added)
	assert.Equal(t, 2, next.InDoubt, "later runs report them instead of sending")
}

func TestPush_RemovesMembersWhoLeaveOrWithdrawConsent(t *testing.T) {
	dest := newFakeDest(true)
	f := newPushFixture(t, dest, 4)
	_, err := f.push("r1")
	require.NoError(t, err)

	f.segment("r2", "p1", "p2", "p3") // p4 leaves the segment
	require.NoError(t, f.st.WriteIdentity(context.Background(), store.IdentityWrite{Run: "r2", Profiles: []store.Profile{{ID: "p2", Members: 1,
		Golden: record.Customer{Email: "p2@x.io", Consent: map[record.Channel]record.Consent{record.ChannelEmail: {State: record.ConsentUnsubscribed}}}}}}))
	res, err := f.push("r2")
	require.NoError(t, err)
	assert.Equal(t, 2, res.Removed)
	assert.Equal(t, map[string]int{"p2": 1, "p4": 1}, dest.removed)
	members, err := f.st.DestinationMembers(context.Background(), "winback_email")
	require.NoError(t, err)
	assert.Len(t, members, 2)
}

func TestPush_RejectedMembersAreNotRetriedWithTheSameFields(t *testing.T) {
	dest := newFakeDest(true)
	dest.reject["p2"] = true
	f := newPushFixture(t, dest, 3)
	res, err := f.push("r1")
	require.NoError(t, err)
	assert.Equal(t, 2, res.Added)
	assert.Equal(t, 1, res.Rejected)

	res, err = f.push("r2")
	require.NoError(t, err)
	assert.Equal(t, 1, res.Rejected, "reported again")
	assert.Equal(t, 1, dest.sent["p2"], "but not sent again")
}
