// Unit tests of the dialect-independent helpers (the behaviour is covered by store/storetest).
package sqlstore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHelpers(t *testing.T) {
	t.Run("Rebind", func(t *testing.T) {
		q := `SELECT a FROM t WHERE a = ? AND (b, c) > (?, ?)`
		require.Equal(t, q, SQLite.rebind(q))
		require.Equal(t, `SELECT a FROM t WHERE a = $1 AND (b, c) > ($2, $3)`, Postgres.rebind(q))
	})
	t.Run("InsertSQL", func(t *testing.T) {
		spec := insertSpec{table: "t", cols: []string{"a", "b"}, suffix: "ON CONFLICT (a) DO NOTHING"}
		require.Equal(t, `INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON CONFLICT (a) DO NOTHING`, (&Store{d: SQLite}).insertSQL(spec, 2))
		require.Equal(t, `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT (a) DO NOTHING`, (&Store{d: Postgres}).insertSQL(spec, 2))
	})
	t.Run("RowsPerStatementStaysUnderTheLimits", func(t *testing.T) {
		for _, d := range []Dialect{SQLite, Postgres} {
			s := &Store{d: d}
			for _, cols := range []int{1, 4, 11, 40} {
				require.LessOrEqual(t, s.rowsPerStatement(cols)*cols, d.maxParams)
				require.Positive(t, s.rowsPerStatement(cols))
			}
		}
	})
	t.Run("InList", func(t *testing.T) {
		require.Equal(t, `id IN (?, ?)`, inList([]string{"id"}, 2))
		require.Equal(t, `(a, b) IN (VALUES (?, ?), (?, ?))`, inList([]string{"a", "b"}, 2))
	})
	t.Run("LastByKey", func(t *testing.T) {
		items := []string{"b1", "a1", "b2", "c1", "a2"}
		idx := lastByKey(items, func(s string) string { return s[:1] })
		require.Equal(t, []int{4, 2, 3}, idx) // a2, b2, c1
	})
	t.Run("DiffSorted", func(t *testing.T) {
		added, removed := diffSorted([]string{"a", "b", "d"}, []string{"b", "c", "d", "e"})
		require.Equal(t, []string{"c", "e"}, added)
		require.Equal(t, []string{"a"}, removed)
		added, removed = diffSorted(nil, nil)
		require.NotNil(t, added)
		require.NotNil(t, removed)
	})
	t.Run("SplitStatements", func(t *testing.T) {
		src := "-- comment\nCREATE TABLE a (\n  x TEXT\n);\n\nCREATE INDEX b ON a (x);\n"
		require.Equal(t, []string{"CREATE TABLE a (\n  x TEXT\n);", "CREATE INDEX b ON a (x);"}, splitStatements(src))
	})
	t.Run("Migrations", func(t *testing.T) {
		for _, d := range []Dialect{SQLite, Postgres} {
			ms, err := loadMigrations(d.Name())
			require.NoError(t, err)
			require.NotEmpty(t, ms)
			require.Equal(t, 1, ms[0].version)
		}
	})
	t.Run("TimeText", func(t *testing.T) {
		ts := time.Date(2024, 1, 2, 3, 4, 5, 60_000_999, time.FixedZone("X", 3600))
		arg := SQLite.timeArg(ts)
		require.Equal(t, "2024-01-02T02:04:05.060000Z", arg)
		var got time.Time
		require.NoError(t, timeCol{&got}.Scan(arg))
		require.True(t, got.Equal(ts.Truncate(time.Microsecond)))
		require.Equal(t, time.UTC, got.Location())
		require.Nil(t, SQLite.timeArg(time.Time{}))
		require.NoError(t, timeCol{&got}.Scan(nil))
		require.True(t, got.IsZero())
		require.Error(t, timeCol{&got}.Scan(42))
	})
}
