package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store/sqlite"
)

// The store holds personal data: its directory is 0700 and its files 0600, including the WAL,
// and an older store left world-readable is tightened on open.
func TestOpen_FileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	p := filepath.Join(dir, "cdpflow.db")
	s, err := sqlite.Open(context.Background(), "file:"+p)
	require.NoError(t, err)
	require.NoError(t, s.Stage(context.Background(), "run-1", record.Batch{Customers: []record.Customer{{Source: "crm", SourceID: "1"}}}))
	mode := func(path string) os.FileMode {
		st, err := os.Stat(path)
		require.NoError(t, err)
		return st.Mode().Perm()
	}
	require.Equal(t, os.FileMode(0o700), mode(dir))
	require.Equal(t, os.FileMode(0o600), mode(p))
	require.Equal(t, os.FileMode(0o600), mode(p+"-wal"))
	require.NoError(t, s.Close())

	require.NoError(t, os.Chmod(p, 0o644))
	s, err = sqlite.Open(context.Background(), "file:"+p)
	require.NoError(t, err)
	defer s.Close()
	require.Equal(t, os.FileMode(0o600), mode(p))
}
