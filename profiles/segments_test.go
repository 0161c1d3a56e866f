package profiles_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/segments"
	"github.com/cdpflow/cdpflow/store"
)

// TestForSegments_ReadsStoredInputsAsTheGoldenRecords: segments see, for every profile, exactly
// the slim form of its golden record, whether resolution stored the compact input beside it or
// the profile was written without one (before the input existed); orders still attach.
func TestForSegments_ReadsStoredInputsAsTheGoldenRecords(t *testing.T) {
	ctx := t.Context()
	st := openStore(t)
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var recs []record.Customer
	for i := range 30 {
		recs = append(recs, record.Customer{Source: "crm", SourceID: fmt.Sprint(i), UpdatedAt: at, CreatedAt: at.AddDate(-i, 0, 0),
			Email: fmt.Sprintf("p%d@acme-mail.com", i), FirstName: "pat", LastName: fmt.Sprintf("doe%d", i),
			Address:    record.Address{Line1: fmt.Sprintf("%d high st", i), City: "leeds", Country: "GB"},
			Consent:    map[record.Channel]record.Consent{record.ChannelEmail: {State: record.ConsentSubscribed, Source: "crm"}},
			Attributes: map[string]string{"plan": fmt.Sprint("tier", i%3)}})
	}
	require.NoError(t, st.Upsert(ctx, "r1", record.Batch{Customers: recs, Orders: []record.Order{
		{Source: "crm", ID: "o1", CustomerID: "4", Total: record.Money{Amount: 1200, Currency: "GBP"}, CreatedAt: at},
		{Source: "crm", ID: "o2", Email: "P9@Acme-Mail.com", Total: record.Money{Amount: 500, Currency: "GBP"}, CreatedAt: at}, // a guest order
	}, Engagements: []record.Engagement{{Source: "web", CustomerRef: "7", Metrics: map[string]float64{"sessions": 3}}}}))
	_, err := profiles.Resolve(ctx, st, identity.DefaultConfig(), profiles.Request{Run: "r1"})
	require.NoError(t, err)

	check := func(what string) {
		t.Helper()
		got, err := profiles.ForSegments(ctx, st, map[string]string{"web": "crm"})
		require.NoError(t, err)
		require.Len(t, got, 30)
		orders := 0
		for _, p := range got {
			whole, err := st.GetProfile(ctx, p.ID)
			require.NoError(t, err)
			require.Equal(t, segments.SlimCustomer(whole.Golden), p.Customer, "%s: profile %s", what, p.ID)
			orders += len(p.Orders)
			// The order and the engagement row reach the profile of the record they name.
			hasOrder := whole.Golden.Email == "p4@acme-mail.com" || whole.Golden.Email == "p9@acme-mail.com" // by record, by email
			require.Equal(t, hasOrder, len(p.Orders) == 1, "%s: orders of %s", what, p.ID)
			require.Equal(t, whole.Golden.Email == "p7@acme-mail.com", p.Engagement["sessions"] == 3, "%s: engagement of %s", what, p.ID)
		}
		require.Equal(t, 2, orders, what)
	}
	check("inputs stored by resolution")
	var inputs int
	require.NoError(t, st.ScanProfileInputs(ctx, func(p store.ProfileInput) error {
		if p.Input != nil {
			inputs++
		}
		return nil
	}))
	require.Equal(t, 30, inputs, "resolution stores an input with every profile")

	// Profiles written back whole (as before the input existed) are read from their golden records.
	var all []store.Profile
	require.NoError(t, st.ScanProfiles(ctx, func(p store.Profile) error { all = append(all, p); return nil }))
	require.NoError(t, st.WriteIdentity(ctx, store.IdentityWrite{Run: "legacy", Profiles: all[:10]}))
	check("ten profiles without an input")
}
