package delivery

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/store"
)

func member(id, email string, segs ...string) Entry {
	return NewEntry(connectors.Member{ProfileID: id, Email: email, Segments: segs})
}

func ids(es []Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Member.ProfileID)
	}
	return out
}

func TestPlan(t *testing.T) {
	a, b, c := member("a", "a@x.io", "s1"), member("b", "b@x.io", "s1"), member("c", "c@x.io", "s1")
	cur := func(es ...Entry) map[string]store.DestinationMember {
		out := map[string]store.DestinationMember{}
		for _, e := range es {
			out[e.Member.ProfileID] = store.DestinationMember{ProfileID: e.Member.ProfileID, Fingerprint: e.Fingerprint, Handle: "h-" + e.Member.ProfileID}
		}
		return out
	}
	t.Run("empty destination gets every desired member as an add", func(t *testing.T) {
		p := Plan([]Entry{c, a, b}, nil, Options{})
		assert.Equal(t, []string{"a", "b", "c"}, ids(p.Adds))
		assert.Empty(t, p.Updates)
		assert.Empty(t, p.Removes)
	})
	t.Run("members already delivered unchanged are left alone", func(t *testing.T) {
		p := Plan([]Entry{a, b}, cur(a, b), Options{})
		assert.Empty(t, p.Adds)
		assert.Empty(t, p.Updates)
		assert.Empty(t, p.Removes)
		assert.Equal(t, 2, p.Unchanged)
	})
	t.Run("members who left are removed", func(t *testing.T) {
		p := Plan([]Entry{a}, cur(a, b, c), Options{})
		assert.Equal(t, []string{"b", "c"}, ids(p.Removes))
		assert.Equal(t, "h-b", p.Removes[0].Member.Handle, "a remove carries the handle the ledger kept")
	})
	t.Run("changed fields or segments are updates", func(t *testing.T) {
		b2 := member("b", "b@x.io", "s1", "s2")
		p := Plan([]Entry{a, b2}, cur(a, b), Options{})
		assert.Equal(t, []string{"b"}, ids(p.Updates))
		assert.Empty(t, p.Adds)
	})
	t.Run("add-only plans never remove", func(t *testing.T) {
		p := Plan([]Entry{a}, cur(b), Options{AddOnly: true})
		assert.Equal(t, []string{"a"}, ids(p.Adds))
		assert.Empty(t, p.Removes)
	})
	t.Run("excluded profiles are neither added nor updated", func(t *testing.T) {
		p := Plan([]Entry{a, b}, nil, Options{Exclude: map[string]store.DeliveryStatus{"b": store.DeliveryInDoubt}})
		assert.Equal(t, []string{"a"}, ids(p.Adds))
		assert.Equal(t, map[store.DeliveryStatus]int{store.DeliveryInDoubt: 1}, p.Excluded)
	})
	t.Run("no updates for destinations that only add once", func(t *testing.T) {
		b2 := member("b", "new@x.io", "s1")
		p := Plan([]Entry{b2}, cur(b), Options{NoUpdates: true})
		assert.Empty(t, p.Updates)
		assert.Equal(t, 1, p.Unchanged)
	})
}

func TestFingerprint(t *testing.T) {
	t.Run("segment order does not matter, content does", func(t *testing.T) {
		assert.Equal(t, member("a", "a@x.io", "s1", "s2").Fingerprint, member("a", "a@x.io", "s2", "s1").Fingerprint)
		assert.NotEqual(t, member("a", "a@x.io", "s1").Fingerprint, member("a", "b@x.io", "s1").Fingerprint)
	})
}

func TestBatches(t *testing.T) {
	ms := make([]Entry, 7)
	for i := range ms {
		ms[i] = member(string(rune('a'+i)), "")
	}
	t.Run("splits at the size and keeps order", func(t *testing.T) {
		bs := Batches(ms, 3)
		require.Len(t, bs, 3)
		assert.Len(t, bs[0], 3)
		assert.Len(t, bs[2], 1)
		assert.Equal(t, "g", bs[2][0].Member.ProfileID)
	})
	t.Run("a non-positive size means one batch", func(t *testing.T) {
		assert.Len(t, Batches(ms, 0), 1)
	})
	t.Run("nothing gives no batches", func(t *testing.T) {
		assert.Empty(t, Batches(nil, 3))
	})
}

func TestResume(t *testing.T) {
	existing := []store.Delivery{
		{ProfileID: "a", Status: store.DeliveryDelivered, ProviderID: "m1"},
		{ProfileID: "b", Status: store.DeliveryPending},
		{ProfileID: "c", Status: store.DeliveryFailed},
		{ProfileID: "d", Status: store.DeliveryRejected},
		{ProfileID: "f", Status: store.DeliverySending},
		{ProfileID: "g", Status: store.DeliveryInDoubt},
	}
	batch := []Entry{member("a", ""), member("b", ""), member("c", ""), member("d", ""), member("e", ""), member("f", ""), member("g", "")}
	t.Run("idempotent destinations resend pending, sending and failed rows", func(t *testing.T) {
		r := Resume(batch, existing, true)
		assert.Equal(t, []string{"b", "c", "e", "f"}, ids(r.Send))
		assert.Equal(t, []string{"a", "d"}, r.Done)
		assert.Equal(t, []string{"g"}, r.InDoubt)
		assert.Empty(t, r.Sent)
	})
	t.Run("non-idempotent destinations send a row whose call never left, never one that went out", func(t *testing.T) {
		r := Resume(batch, existing, false)
		assert.Equal(t, []string{"b", "c", "e"}, ids(r.Send), "b was reserved but its call never left")
		assert.Equal(t, []string{"f"}, ids(r.Sent), "f went out: verified at the vendor, not resent")
		assert.Equal(t, []string{"g"}, r.InDoubt)
	})
}
