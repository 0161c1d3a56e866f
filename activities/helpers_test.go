package activities

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	_ "github.com/cdpflow/cdpflow/connectors/all" // config.Load resolves connector types
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/store/sqlite"
)

// testStore opens a real SQLite store in a temporary directory.
func testStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), "file:"+filepath.Join(t.TempDir(), "cdpflow.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// testConfig is the built-in configuration in dev mode (every connector on the sandbox).
func testConfig(t *testing.T) *config.Config {
	t.Helper()
	t.Chdir(t.TempDir())
	cfg, err := config.Load(config.LoadOptions{Dev: true, Environ: []string{}})
	require.NoError(t, err)
	return cfg
}

// fakeConnectors hands out fixed connectors (unit tests of one activity).
type fakeConnectors struct {
	sources      map[string]connectors.Source
	destinations map[string]connectors.Destination
}

func (f fakeConnectors) Source(name string) (connectors.Source, error) { return f.sources[name], nil }
func (f fakeConnectors) Destination(name string) (connectors.Destination, error) {
	return f.destinations[name], nil
}
