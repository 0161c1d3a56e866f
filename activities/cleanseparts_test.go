package activities

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// TestCleanse_InPartsEqualsWhole cleanses the same staged customers twice, on two real stores:
// whole (one Cleanse) and in parts (PlanCleanse, one CleansePart per part, then the Cleanse that
// finishes them). The clean tables, quarantines and summaries must be the same, shared
// identifiers across parts included, on a first full pass and on a second one that unflags.
func TestCleanse_InPartsEqualsWhole(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	people := make([]record.Customer, 0, 1300)
	for i := range 1200 {
		people = append(people, record.Customer{Source: "pos", SourceID: fmt.Sprintf("p%05d", i), UpdatedAt: at,
			Email: fmt.Sprintf("Person%d@Acme-Mail.com", i), FirstName: "pat", LastName: fmt.Sprintf("doe%d", i)})
	}
	// Pairs of different persons on one phone or email, spread over the parts by their digests.
	for i := range 20 {
		people = append(people,
			record.Customer{Source: "pos", SourceID: fmt.Sprintf("s%03da", i), UpdatedAt: at, FirstName: "Ann", LastName: "Lee" + string(rune('a'+i)), Phone: fmt.Sprintf("+1 415 555 %04d", 2000+i)},
			record.Customer{Source: "pos", SourceID: fmt.Sprintf("s%03db", i), UpdatedAt: at, FirstName: "Bob", LastName: "Kay" + string(rune('a'+i)), Phone: fmt.Sprintf("(415) 555-%04d", 2000+i)},
			record.Customer{Source: "pos", SourceID: fmt.Sprintf("e%03da", i), UpdatedAt: at, FirstName: "Cy", LastName: "Ode", Email: fmt.Sprintf("family%d@acme-mail.com", i)},
			record.Customer{Source: "pos", SourceID: fmt.Sprintf("e%03db", i), UpdatedAt: at, FirstName: "Di", LastName: "Ode", Email: fmt.Sprintf("FAMILY%d@acme-mail.com", i)})
	}
	for i := range 15 { // quarantined: nothing to reach or match them by
		people = append(people, record.Customer{Source: "pos", SourceID: fmt.Sprintf("q%03d", i), UpdatedAt: at, FirstName: "No", LastName: "Way"})
	}
	people = append(people, record.Customer{Source: "pos", SourceID: "p00007", UpdatedAt: at, Deleted: true}) // deleted at the source

	type outcome struct {
		res        *CleanseResult
		customers  map[string]string
		quarantine []string
	}
	run := func(t *testing.T, parts bool, passes ...[]record.Customer) []outcome {
		cfg := testConfig(t)
		cfg.Cleanse.Workers = 2
		cfg.Cleanse.PartitionRows = 200
		st := testStore(t)
		acts := &Activities{Store: st, Config: cfg}
		var ts testsuite.WorkflowTestSuite
		env := ts.NewTestActivityEnvironment()
		env.RegisterActivity(acts)
		exec := func(fn any, in, out any) {
			t.Helper()
			v, err := env.ExecuteActivity(fn, in)
			require.NoError(t, err)
			require.NoError(t, v.Get(out))
		}
		var outs []outcome
		for i, recs := range passes {
			id := fmt.Sprintf("r%d", i+1)
			for start := 0; start < len(recs); start += 500 {
				require.NoError(t, st.Stage(t.Context(), id, record.Batch{Customers: recs[start:min(start+500, len(recs))]}))
			}
			in := CleanseInput{Run: id, Sources: []string{"pos"}, Full: true}
			if parts {
				var plan CleansePlan
				exec(acts.PlanCleanse, CleansePlanInput{Run: id, Sources: in.Sources, Full: true}, &plan)
				n := plan.Parts["pos"]
				require.Equal(t, 7, n, "1,336 staged customers in parts of 200")
				in.Parts = map[string][]CleansePartResult{"pos": make([]CleansePartResult, n)}
				for p := n - 1; p >= 0; p-- { // any order: the parts are independent
					exec(acts.CleansePart, CleansePartInput{Run: id, Source: "pos", Part: p, Parts: n, Full: true}, &in.Parts["pos"][p])
					require.Positive(t, in.Parts["pos"][p].Changed, "part %d has rows", p)
				}
			}
			var res CleanseResult
			exec(acts.Cleanse, in, &res)
			o := outcome{res: &res, customers: map[string]string{}}
			require.NoError(t, st.ScanRecords(t.Context(), record.Visitor{Customer: func(c record.Customer) error {
				b, err := json.Marshal(c)
				o.customers[c.SourceID] = string(b)
				return err
			}}))
			require.NoError(t, st.ScanQuarantine(t.Context(), "", func(it store.QuarantineItem) error {
				o.quarantine = append(o.quarantine, fmt.Sprintf("%s %s %v", it.Run, it.ID, it.Reasons))
				return nil
			}))
			slices.Sort(o.quarantine)
			outs = append(outs, o)
		}
		return outs
	}
	// The second pass: the phone pairs part ways, the email pairs stay.
	second := slices.Clone(people)
	for i := range second {
		second[i].UpdatedAt = at.AddDate(0, 1, 0)
		if second[i].SourceID[0] == 's' && second[i].SourceID[4] == 'b' {
			second[i].Phone = "+1 415 555 " + fmt.Sprint(3000+i%1000)
		}
	}
	whole := run(t, false, people, second)
	inParts := run(t, true, people, second)
	for i := range whole {
		require.Equal(t, whole[i].res, inParts[i].res, "pass %d: the summaries", i+1)
		require.Equal(t, whole[i].customers, inParts[i].customers, "pass %d: the clean customers", i+1)
		require.Equal(t, whole[i].quarantine, inParts[i].quarantine, "pass %d: the quarantine", i+1)
	}
	// And the outcome is the right one, not just the same.
	require.Equal(t, 40, whole[0].res.Flags["shared_phone"])
	require.Equal(t, 40, whole[0].res.Flags["shared_email"])
	require.Equal(t, 15, whole[0].res.Quarantined)
	require.Equal(t, 1, whole[0].res.Deleted)
	require.Contains(t, inParts[0].customers["s007a"], `"shared":["phone"]`)
	require.Contains(t, inParts[0].customers["e007b"], `"shared":["email"]`)
	require.NotContains(t, inParts[1].customers["s007a"], `"shared"`, "a full pass in parts unflags a pair that parted")
	require.Contains(t, inParts[1].customers["e007b"], `"shared":["email"]`)
	require.Equal(t, 0, whole[1].res.Flags["shared_phone"])
}
