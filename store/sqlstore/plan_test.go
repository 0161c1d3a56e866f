// plan_test.go checks, on SQLite, that the queries run per changed record use their indexes:
// a full scan there costs seconds per million customers on every incremental run.
package sqlstore

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

func TestQueryPlans_MatchKeysUseTheirIndexes(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = New(t.Context(), SQLite, db, nil) // migrates: the real schema and its indexes
	require.NoError(t, err)
	for col, index := range map[string]string{"email_key": "customers_email_key", "phone_key": "customers_phone_key"} {
		plan := explain(t, db, matchKeysQuery(col, 3), "crm", false, "a", "b", "c")
		require.Contains(t, plan, "USING INDEX "+index, "the plan of the %s query", col)
		// The duplicate keys of a source are counted on the index alone, then looked up in it.
		plan = explain(t, db, sharingKeysQuery(col), "crm", false, "crm")
		require.Contains(t, plan, "USING COVERING INDEX "+index, "the plan of the sharing %s query", col)
		require.Contains(t, plan, "SEARCH customers USING INDEX "+index+" (source=? AND "+col+"=?)", "the plan of the sharing %s query", col)
		require.NotContains(t, plan, "SCAN", "the plan of the sharing %s query", col)
	}
}

// explain returns SQLite's query plan of q, one step per line.
func explain(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	{
		rows, err := db.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
		require.NoError(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, notUsed int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &notUsed, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		return strings.Join(plan, "\n")
	}
}

func TestQueryPlans_SnapshotDeletionsReadNoCustomerRowsToFindTheMissingKeys(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "plan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = New(t.Context(), SQLite, db, nil)
	require.NoError(t, err)
	// Both sides of the merge walk a primary-key index alone, in its order: no row, no sort.
	plan := explain(t, db, cleanIDsQuery, "crm")
	require.Equal(t, "SEARCH customers USING COVERING INDEX sqlite_autoindex_customers_1 (source=?)", plan)
	plan = explain(t, db, stagedIDsQuery, "run", "customers", "crm")
	require.Equal(t, "SEARCH staged USING COVERING INDEX sqlite_autoindex_staged_1 (run=? AND kind=? AND source=?)", plan)
}
