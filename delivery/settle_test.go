// settle_test.go tests settlement against a real SQLite ledger: queued sends are never resent,
// settle into delivered or rejected from what the vendor reports later, and an address the
// vendor refused is never sent to again, whatever else about the person changes.
package delivery

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/summary"
)

// sender is a transactional sender whose sends come back queued; its outcomes are known later.
type sender struct {
	sent    map[string]int               // address -> sends
	later   map[string]connectors.Status // provider id -> what the vendor reports now
	reasons map[string]string
}

func (s *sender) MaxBatch() int                     { return 10 }
func (s *sender) Idempotent() bool                  { return false }
func (s *sender) Supports(op connectors.Op) bool    { return op == connectors.OpAdd }
func (s *sender) Handle(m connectors.Member) string { return "addr:" + m.Email }
func (s *sender) Apply(_ context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	var out []connectors.Outcome
	for _, m := range b.Members {
		s.sent[m.Email]++
		out = append(out, connectors.Outcome{ProfileID: m.ProfileID, Status: connectors.StatusQueued, ProviderID: "msg-" + m.Email,
			Reason: "queued: multiple-recipients"})
	}
	return out, nil
}
func (s *sender) Settle(_ context.Context, rows []connectors.Unsettled) ([]connectors.Outcome, error) {
	var out []connectors.Outcome
	for _, r := range rows {
		if st, ok := s.later[r.ProviderID]; ok {
			out = append(out, connectors.Outcome{ProfileID: r.ProfileID, Status: st, Reason: s.reasons[r.ProviderID]})
		}
	}
	return out, nil
}

func TestSettle(t *testing.T) {
	ctx := context.Background()
	st := ledger(t)
	s := &sender{sent: map[string]int{}, later: map[string]connectors.Status{}, reasons: map[string]string{}}
	run := func(id string, a Audience) summary.Destination {
		res, err := Sync(ctx, st, Request{Destination: "mail", Run: id, Connector: s, Audience: a, AddOnly: true})
		require.NoError(t, err)
		return res
	}
	res := run("r1", audience("p1", "p2", "p3"))
	assert.Equal(t, 3, res.Queued)
	assert.Zero(t, res.Added, "queued is not delivered")

	res = run("r2", audience("p1", "p2", "p3"))
	assert.Zero(t, res.Batches, "queued sends are never sent again")
	assert.Equal(t, 3, res.Queued)

	s.later["msg-p1@x.io"] = connectors.StatusDelivered
	s.later["msg-p2@x.io"], s.reasons["msg-p2@x.io"] = connectors.StatusRejected, "hard-bounce: bad_mailbox"
	got, err := Settle(ctx, st, s, "mail", time.Now())
	require.NoError(t, err)
	assert.Equal(t, Settled{Destination: "mail", Unsettled: 3, Delivered: 1, Rejected: 1, Left: 1,
		Reasons: map[string]int{"hard-bounce: bad_mailbox": 1}}, got)
	members, err := st.DestinationMembers(ctx, "mail")
	require.NoError(t, err)
	assert.Contains(t, members, "p1", "a settled delivery is a membership")

	// p2's name changes (a new fingerprint) but not the bounced address: still never sent.
	a := audience("p1", "p2", "p3")
	a.Members[1] = NewEntry(connectors.Member{ProfileID: "p2", Email: "p2@x.io", FirstName: "Renamed", Segments: []string{"s"}})
	res = run("r3", a)
	assert.Zero(t, res.Batches)
	assert.Equal(t, 1, s.sent["p2@x.io"])
	assert.Equal(t, 1, s.sent["p1@x.io"])

	// With a new address p2 is sent to.
	a.Members[1] = NewEntry(connectors.Member{ProfileID: "p2", Email: "p2-new@x.io", Segments: []string{"s"}})
	res = run("r4", a)
	assert.Equal(t, 1, s.sent["p2-new@x.io"])
	assert.Equal(t, 2, res.Queued, "p2's new send, and p3 still waiting from r1")

	assert.True(t, AddressRefused("settled: hard-bounce: bad_mailbox"))
	assert.True(t, AddressRefused("unsub"))
	assert.False(t, AddressRefused("invalid-sender"), "a sender problem does not refuse the address")
	assert.False(t, AddressRefused("soft-bounce"))
}
