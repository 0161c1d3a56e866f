package activities

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// TestCleanse_StreamsChangesOnly runs the Cleanse activity on a real store three times: a first
// pass over many pages through a pool of workers, a re-read where only one record changed (it
// moves out of a shared-phone group, which unflags the record left behind), and a full pass.
func TestCleanse_StreamsChangesOnly(t *testing.T) {
	cfg := testConfig(t)
	cfg.Cleanse.Workers = 3
	st := testStore(t)
	acts := &Activities{Store: st, Config: cfg}
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	people := make([]record.Customer, 0, 2602)
	for i := range 2600 {
		people = append(people, record.Customer{Source: "pos", SourceID: fmt.Sprintf("p%05d", i), UpdatedAt: at,
			Email: fmt.Sprintf("  Person%d@Acme-Mail.com ", i), FirstName: "pat", LastName: fmt.Sprintf("doe%d", i)})
	}
	ann := record.Customer{Source: "pos", SourceID: "ann", UpdatedAt: at, Email: "ann@acme-mail.com", FirstName: "Ann", LastName: "Lee", Phone: "+1 415 555 2671"}
	bob := record.Customer{Source: "pos", SourceID: "bob", UpdatedAt: at, Email: "bob@acme-mail.com", FirstName: "Bob", LastName: "Kay", Phone: "(415) 555-2671"}
	people = append(people, ann, bob)

	cleanse := func(run string, full bool, recs []record.Customer) *CleanseResult {
		t.Helper()
		for start := 0; start < len(recs); start += 500 {
			require.NoError(t, st.Stage(t.Context(), run, record.Batch{Customers: recs[start:min(start+500, len(recs))]}))
		}
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(acts)
		v, err := env.ExecuteActivity(acts.Cleanse, CleanseInput{Run: run, Sources: []string{"pos"}, Full: full})
		require.NoError(t, err)
		var res CleanseResult
		require.NoError(t, v.Get(&res))
		return &res
	}
	get := func(id string) record.Customer {
		t.Helper()
		k := record.RecordKey{Source: "pos", ID: id}
		got, err := st.GetCustomers(t.Context(), []record.RecordKey{k})
		require.NoError(t, err)
		return got[k]
	}

	first := cleanse("r1", false, people)
	require.Equal(t, 2602, first.Changed)
	require.Equal(t, 0, first.Unchanged)
	require.Equal(t, 2602, first.Accepted)
	n, err := st.CountLiveCustomers(t.Context(), "pos")
	require.NoError(t, err)
	require.Equal(t, 2602, n, "every page was written")
	require.Equal(t, "person777@acme-mail.com", get("p00777").Email, "cleansed, and written under its own key")
	require.Equal(t, []string{"phone"}, get("ann").Shared, "two different persons on one phone")
	require.Equal(t, []string{"phone"}, get("bob").Shared)
	require.Equal(t, 2, first.Flags["shared_phone"])

	// Read again a month later: the same rows (only their modification time moved), and Bob has a
	// phone of his own now.
	again := make([]record.Customer, len(people))
	copy(again, people)
	for i := range again {
		again[i].UpdatedAt = at.AddDate(0, 1, 0)
	}
	again[len(again)-1].Phone = "(415) 555-2672"
	second := cleanse("r2", false, again)
	require.Equal(t, 1, second.Changed)
	require.Equal(t, 2601, second.Unchanged)
	require.Empty(t, get("bob").Shared)
	require.Empty(t, get("ann").Shared, "the record left behind in the group is unflagged")
	require.Equal(t, "+14155552672", get("bob").Phone)
	changed, err := st.ChangedCustomers(t.Context(), "r2")
	require.NoError(t, err)
	require.Equal(t, []record.RecordKey{{Source: "pos", ID: "ann"}, {Source: "pos", ID: "bob"}}, changed,
		"identity sees the changed record and the one whose flag changed, nothing else")

	third := cleanse("r3", true, again)
	require.Equal(t, 2602, third.Changed, "a full pass cleanses everything again")
	require.Equal(t, 0, third.Unchanged)
	require.Empty(t, get("ann").Shared)
	var q []store.QuarantineItem
	require.NoError(t, st.ScanQuarantine(t.Context(), "", func(it store.QuarantineItem) error { q = append(q, it); return nil }))
	require.Empty(t, q)
}
