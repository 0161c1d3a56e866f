// migrate_test.go checks that an existing SQLite file is upgraded without losing what it holds:
// migration 0008 moves each profile's segment input into the narrow profile_inputs table.
package sqlstore

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/cdpflow/cdpflow/store"
)

func TestMigrate0008_MovesSegmentInputsOutOfProfiles(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "old.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	// The schema as a version-7 binary left it, with two profiles: one with an input, one without.
	ms, err := loadMigrations("sqlite")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
	require.NoError(t, err)
	for _, m := range ms {
		if m.version > 7 {
			break
		}
		for _, stmt := range m.stmts {
			_, err := db.ExecContext(ctx, stmt)
			require.NoError(t, err, "migration %d", m.version)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, ?)`, m.version, m.name, time.Now().UTC().Format(time.RFC3339))
		require.NoError(t, err)
	}
	input := []byte{1, 0, 7, 'x'}
	_, err = db.ExecContext(ctx, `INSERT INTO profiles (id, golden, lineage, members, sources, run, segment_input) VALUES
		('p1', '{"source":"crm","source_id":"a","email":"a@x.io"}', NULL, 1, 'crm', 'r1', ?),
		('p2', '{"source":"crm","source_id":"b","email":"b@x.io"}', NULL, 1, 'crm', 'r1', NULL)`, input)
	require.NoError(t, err)

	s, err := New(ctx, SQLite, db, nil) // applies 0008
	require.NoError(t, err)
	var got []store.ProfileInput
	require.NoError(t, s.ScanProfileInputs(ctx, func(p store.ProfileInput) error {
		got = append(got, p)
		return nil
	}))
	require.Len(t, got, 2)
	require.Equal(t, "p1", got[0].ID)
	require.Equal(t, input, got[0].Input, "the stored input survives the move byte for byte")
	require.Nil(t, got[0].Golden)
	require.Equal(t, "p2", got[1].ID)
	require.Nil(t, got[1].Input)
	require.NotNil(t, got[1].Golden, "a profile stored without an input is read from its golden record")
	require.Equal(t, "b@x.io", got[1].Golden.Email)
	var n int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('profiles') WHERE name = 'segment_input'`).Scan(&n))
	require.Zero(t, n, "the old column is gone")
}
