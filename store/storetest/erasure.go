package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func testErasure(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	t.Run("Requests", func(t *testing.T) {
		e := store.Erasure{ID: "er-1", Reason: "GDPR Art. 17", Status: store.ErasurePending, RequestedAt: base, Deadline: base.Add(30 * 24 * time.Hour),
			Subject: &store.ErasureSubject{Email: "mary@example.com"}, Keys: []string{"k1"}}
		require.NoError(t, s.CreateErasure(ctx, e))
		require.NoError(t, s.CreateErasure(ctx, store.Erasure{ID: "er-1", Status: "other", RequestedAt: base, Deadline: base}), "idempotent")
		got, err := s.GetErasure(ctx, "er-1")
		require.NoError(t, err)
		require.Equal(t, "mary@example.com", got.Subject.Email)
		require.Equal(t, store.ErasurePending, got.Status)
		requireTime(t, e.Deadline, got.Deadline, "deadline")
		got.Status, got.Subject, got.FinishedAt = store.ErasureDone, nil, base.Add(time.Hour)
		got.Receipts = []store.ErasureReceipt{{Target: "destination:news", Action: "permanent delete", Status: store.ReceiptDone, Count: 1, At: base}}
		require.NoError(t, s.UpdateErasure(ctx, got))
		again, err := s.GetErasure(ctx, "er-1")
		require.NoError(t, err)
		require.Nil(t, again.Subject, "the identifiers are gone once done")
		require.Equal(t, []string{"k1"}, again.Keys)
		require.Len(t, again.Receipts, 1)
		list, err := s.ListErasures(ctx, 10)
		require.NoError(t, err)
		require.Len(t, list, 1)
		_, err = s.GetErasure(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("Suppressions", func(t *testing.T) {
		require.NoError(t, s.Suppress(ctx, []string{"k1", "k2"}, "er-1", base))
		require.NoError(t, s.Suppress(ctx, []string{"k2"}, "er-2", base))
		got, err := s.SuppressedKeys(ctx)
		require.NoError(t, err)
		require.Equal(t, map[string]bool{"k1": true, "k2": true}, got)
	})
	t.Run("DeletePerson", func(t *testing.T) {
		mary, other := customer("crm", "m1", "mary@example.com"), customer("crm", "o1", "olga@example.com")
		require.NoError(t, s.Upsert(ctx, "r1", record.Batch{Customers: []record.Customer{mary, other},
			Orders:      []record.Order{order("crm", "ord1", "m1", 500), order("crm", "ord2", "o1", 700)},
			Engagements: []record.Engagement{engagement("web", "m1", 3), engagement("web", "o1", 4)}}))
		require.NoError(t, s.Stage(ctx, "r1", record.Batch{Customers: []record.Customer{mary, other, customer("shop", "x9", " MARY@example.com ")}}))
		raw, _ := json.Marshal(customer("junk", "j1", "mary@example.com"))
		require.NoError(t, s.Quarantine(ctx, []store.QuarantineItem{{Run: "r1", Source: "junk", Kind: record.KindCustomer, ID: "j1",
			Reasons: []store.Reason{{Field: "email", Reason: "x", Value: "mary@example.com"}}, Record: raw, At: base}}))
		require.NoError(t, s.WriteIdentity(ctx, store.IdentityWrite{Run: "r1",
			Profiles: []store.Profile{{ID: "pm", Golden: mary, Members: 1}, {ID: "po", Golden: other, Members: 1}},
			Links:    []store.Link{link("crm", "m1", "pm"), link("crm", "o1", "po")}}))
		_, err := s.ApplySegment(ctx, "r1", "seg", []string{"pm", "po"})
		require.NoError(t, err)
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{withStatus(delivery("news", "r1", store.OpAdd, "pm"), store.DeliveryDelivered),
			withStatus(delivery("news", "r1", store.OpAdd, "po"), store.DeliveryDelivered)}))
		require.NoError(t, s.ReplaceOptOuts(ctx, "email", []string{"kmary", "kolga"}))

		counts, err := s.DeletePerson(ctx, store.PersonRows{Records: []record.RecordKey{{Source: "crm", ID: "m1"}},
			Engagements: []record.RecordKey{{Source: "web", ID: "m1"}}, Profiles: []string{"pm"}, Texts: []string{"mary@example.com"},
			OptOutKeys: []string{"kmary"}})
		require.NoError(t, err)
		for table, want := range map[string]int{"customers": 1, "staged": 2, "quarantine": 1, "links": 1, "orders": 1, "engagements": 1,
			"profiles": 1, "profile_inputs": 1, "segment_members": 1, "deliveries": 1, "destination_members": 1, "optouts": 1} {
			require.Equal(t, want, counts[table], table)
		}
		// Olga is untouched.
		got, err := s.GetCustomers(ctx, []record.RecordKey{{Source: "crm", ID: "o1"}, {Source: "crm", ID: "m1"}})
		require.NoError(t, err)
		require.Len(t, got, 1)
		members, err := s.SegmentMembers(ctx, "seg")
		require.NoError(t, err)
		require.Equal(t, []string{"po"}, members)
		dm, err := s.DestinationMembers(ctx, "news")
		require.NoError(t, err)
		require.Len(t, dm, 1)
		keys, err := s.OptOutKeys(ctx, "email")
		require.NoError(t, err)
		require.Equal(t, map[string]bool{"kolga": true}, keys)
	})
}
