// This file holds RunDestination: the contract every destination connector meets against its
// sandbox imitation, checked on the vendor's side: members added are held by the vendor; members
// removed with nothing but the handle the ledger keeps are gone; handles for ad platforms are
// hashed; batch limits hold without a call; the idempotence flag tells the truth; a fault is
// survived by a retry; a bad credential fails at once, naming the credential.
package connectortest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/sandbox"
)

// DestinationCase is one destination type under the contract.
type DestinationCase struct {
	New    func(t testing.TB, sb *sandbox.Sandbox, secret string) connectors.Destination
	Vendor string
	// Holds reports whether the vendor holds (or, for a send, has reached) the member.
	Holds func(sb *sandbox.Sandbox, m connectors.Member) bool
	// Hashed: handles must not carry a clear identifier (ad platforms).
	Hashed bool
	// CredentialEnv is the variable a credential error must name.
	CredentialEnv string
}

// Members returns n test members, some with a phone only when phones are accepted.
func Members(prefix string, n int, phones bool) []connectors.Member {
	out := make([]connectors.Member, n)
	for i := range out {
		m := connectors.Member{ProfileID: fmt.Sprintf("%s-%d", prefix, i), FirstName: "Ann", LastName: "Lee",
			Email: fmt.Sprintf("%s.%d@example.org", prefix, i), Segments: []string{"rfm.champions"}}
		if phones && i%3 == 1 {
			m.Phone = fmt.Sprintf("+1415555%04d", i)
		}
		if phones && i%3 == 2 {
			m.Email, m.Phone = "", fmt.Sprintf("+1415556%04d", i)
		}
		out[i] = m
	}
	return out
}

func apply(t *testing.T, d connectors.Destination, op connectors.Op, ms []connectors.Member, key string) []connectors.Outcome {
	t.Helper()
	out, err := d.Apply(context.Background(), connectors.Batch{Key: key, Op: op, Members: ms, Seq: 1, Last: true, Total: len(ms)})
	require.NoError(t, err)
	require.Len(t, out, len(ms))
	for i, o := range out {
		require.Equal(t, ms[i].ProfileID, o.ProfileID)
		require.Equal(t, connectors.StatusDelivered, o.Status, "%s of %s: %s", op, o.ProfileID, o.Reason)
	}
	return out
}

// RunDestination runs the destination contract.
func RunDestination(t *testing.T, c DestinationCase) {
	sb := StartSandbox(t, 50, SourceToken, c.Vendor)
	d := c.New(t, sb, SourceToken)
	phones := strings.Contains(c.Vendor, "meta") || strings.Contains(c.Vendor, "google")
	ms := Members("conf-"+c.Vendor, 6, phones)

	t.Run("the connection check passes and stores nothing at the vendor", func(t *testing.T) {
		_, isChecker := d.(connectors.Checker)
		require.True(t, isChecker, "every destination can test its connection (starter check)")
		rep := connectors.RunCheck(context.Background(), d, true, time.Now())
		require.NoError(t, rep.Err(), "%+v", rep.Steps)
		for _, m := range ms {
			assert.False(t, c.Holds(sb, m), "a check added %s", m.ProfileID)
		}
		bad := connectors.RunCheck(context.Background(), c.New(t, sb, "wrong-"+SourceToken), false, time.Now())
		require.Error(t, bad.Err())
		assert.Contains(t, bad.Err().Error(), c.CredentialEnv)
	})
	t.Run("members added are held by the vendor", func(t *testing.T) {
		apply(t, d, connectors.OpAdd, ms, c.Vendor+"/run1/add/1")
		for _, m := range ms {
			assert.True(t, c.Holds(sb, m), "vendor holds %s", m.ProfileID)
		}
	})
	t.Run("members removed with only the ledger's handle are gone", func(t *testing.T) {
		if !d.Supports(connectors.OpRemove) {
			t.Skip("the destination cannot remove (a sent message cannot be unsent)")
		}
		h, ok := d.(connectors.Handler)
		require.True(t, ok, "a destination that removes must give a handle for the ledger")
		var removes []connectors.Member
		for _, m := range ms[:4] {
			handle := h.Handle(m)
			require.NotEmpty(t, handle, "handle of %s", m.ProfileID)
			if c.Hashed {
				assert.NotContains(t, handle, "@", "an ad platform's handle holds no clear email")
				if m.Phone != "" {
					assert.NotContains(t, handle, strings.TrimPrefix(m.Phone, "+"), "nor a clear phone")
				}
			}
			removes = append(removes, connectors.Member{ProfileID: m.ProfileID, Handle: handle})
		}
		apply(t, d, connectors.OpRemove, removes, c.Vendor+"/run2/remove/1")
		for _, m := range ms[:4] {
			assert.False(t, c.Holds(sb, m), "%s is gone at the vendor", m.ProfileID)
		}
		for _, m := range ms[4:] {
			assert.True(t, c.Holds(sb, m), "%s, not removed, stays", m.ProfileID)
		}
	})
	t.Run("a batch over the limit is refused without a call", func(t *testing.T) {
		before := sb.Stats(c.Vendor).Requests.Load()
		_, err := d.Apply(context.Background(), connectors.Batch{Key: "k", Op: connectors.OpAdd, Members: make([]connectors.Member, d.MaxBatch()+1)})
		require.ErrorContains(t, err, "exceeds the limit")
		assert.Equal(t, before, sb.Stats(c.Vendor).Requests.Load())
	})
	t.Run("the idempotence flag tells the truth", func(t *testing.T) {
		again := Members("again-"+c.Vendor, 2, false)
		apply(t, d, connectors.OpAdd, again, c.Vendor+"/run3/add/1")
		apply(t, d, connectors.OpAdd, again, c.Vendor+"/run3/add/1")
		if d.Idempotent() {
			for _, m := range again {
				assert.True(t, c.Holds(sb, m))
			}
			return
		}
		sent := sb.MandrillSent()
		for _, m := range again {
			assert.Equal(t, 2, sent[strings.ToLower(m.Email)], "a resent message goes out again: the engine must never resend it")
		}
	})
	t.Run("a fault fails the call retryably and a retry succeeds", func(t *testing.T) {
		sb.Faults.Set(c.Vendor, sandbox.Fault{Kind: sandbox.Fault500, Times: 1})
		defer sb.Faults.Clear(c.Vendor)
		batch := Members("fault-"+c.Vendor, 2, false)
		_, err := d.Apply(context.Background(), connectors.Batch{Key: c.Vendor + "/run4/add/1", Op: connectors.OpAdd, Members: batch, Seq: 1, Last: true, Total: 2})
		if err != nil {
			ce, ok := connectors.AsError(err)
			require.True(t, ok, "a connectors.Error: %v", err)
			assert.True(t, ce.Retryable())
			if d.Idempotent() {
				apply(t, d, connectors.OpAdd, batch, c.Vendor+"/run4/add/1")
			}
		}
		if d.Idempotent() {
			for _, m := range batch {
				assert.True(t, c.Holds(sb, m))
			}
		}
	})
	t.Run("a bad credential fails at once and names the credential", func(t *testing.T) {
		bad := c.New(t, sb, "wrong-"+SourceToken)
		before := sb.Stats(c.Vendor).Requests.Load()
		_, err := bad.Apply(context.Background(), connectors.Batch{Key: "k", Op: connectors.OpAdd, Members: Members("bad", 1, false), Seq: 1, Last: true, Total: 1})
		require.Error(t, err)
		ce, ok := connectors.AsError(err)
		require.True(t, ok, "a connectors.Error: %v", err)
		assert.False(t, ce.Retryable(), "not retried: %v", err)
		assert.Contains(t, err.Error(), c.CredentialEnv)
		assert.EqualValues(t, 1, sb.Stats(c.Vendor).Requests.Load()-before, "one request, no retries")
	})
}
