// Tests: the conformance suite and benchmarks on SQLite, plus SQLite-specific opening behaviour.
package sqlite_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/store/sqlite"
	"github.com/cdpflow/cdpflow/store/sqlstore"
	"github.com/cdpflow/cdpflow/store/storetest"
)

// openFile opens a store on a new file database in a temporary directory.
func openFile(tb testing.TB) store.Store {
	tb.Helper()
	s, err := sqlite.Open(tb.Context(), "file:"+filepath.Join(tb.TempDir(), "db", "cdpflow.db"))
	require.NoError(tb, err)
	return s
}

func TestSQLite(t *testing.T) {
	t.Run("File", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store { return openFile(t) })
	})
	t.Run("Memory", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store {
			s, err := sqlite.Open(t.Context(), ":memory:")
			require.NoError(t, err)
			return s
		})
	})
}

func TestOpen(t *testing.T) {
	t.Run("CreatesParentDirectoryAndReopens", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b")
		dsn := "file:" + filepath.Join(dir, "x.db")
		s, err := sqlite.Open(t.Context(), dsn)
		require.NoError(t, err)
		require.NoError(t, s.SetMeta(t.Context(), "k", []byte("v")))
		require.NoError(t, s.Close())
		_, err = os.Stat(filepath.Join(dir, "x.db"))
		require.NoError(t, err)

		s, err = sqlite.Open(t.Context(), dsn)
		require.NoError(t, err, "migrations already applied")
		defer s.Close()
		v, err := s.GetMeta(t.Context(), "k")
		require.NoError(t, err)
		require.Equal(t, "v", string(v))
		version, err := s.SchemaVersion(t.Context())
		require.NoError(t, err)
		latest, _ := sqlstore.LatestSchemaVersion("sqlite")
		require.Equal(t, latest, version)
	})
	t.Run("NewFileHas16KiBPagesAndWAL", func(t *testing.T) {
		// 16 KiB pages (not SQLite's 4 KiB) for a new file; a file made with other pages keeps them.
		pragmas := func(path string) (int, string) {
			t.Helper()
			db, err := sql.Open("sqlite", "file:"+path)
			require.NoError(t, err)
			defer db.Close()
			var size int
			var mode string
			require.NoError(t, db.QueryRow("PRAGMA page_size").Scan(&size))
			require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
			return size, mode
		}
		fresh := filepath.Join(t.TempDir(), "new.db")
		s, err := sqlite.Open(t.Context(), "file:"+fresh)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		size, mode := pragmas(fresh)
		require.Equal(t, 16384, size)
		require.Equal(t, "wal", mode)

		old := filepath.Join(t.TempDir(), "old.db")
		db, err := sql.Open("sqlite", "file:"+old)
		require.NoError(t, err)
		_, err = db.Exec("CREATE TABLE t (x)") // made with the default 4 KiB pages, not in WAL mode
		require.NoError(t, err)
		require.NoError(t, db.Close())
		s, err = sqlite.Open(t.Context(), "file:"+old)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		size, mode = pragmas(old)
		require.Equal(t, 4096, size)
		require.Equal(t, "wal", mode)
	})
	t.Run("MemoryDSNs", func(t *testing.T) {
		for _, dsn := range []string{":memory:", "file::memory:", "file::memory:?cache=shared", "file:mem1?mode=memory", "file:/mem2?vfs=memdb"} {
			s, err := sqlite.Open(t.Context(), dsn)
			require.NoError(t, err, dsn)
			require.NoError(t, s.SetMeta(t.Context(), "k", []byte(dsn)), dsn)
			v, err := s.GetMeta(t.Context(), "k")
			require.NoError(t, err, dsn)
			require.Equal(t, dsn, string(v))
			require.NoError(t, s.Close(), dsn)
		}
	})
	t.Run("PlainPath", func(t *testing.T) {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "plain", "x.db"))
		require.NoError(t, err)
		require.NoError(t, s.Close())
	})
	t.Run("DefaultDSN", func(t *testing.T) {
		t.Chdir(t.TempDir())
		s, err := sqlite.Open(t.Context(), "")
		require.NoError(t, err)
		require.NoError(t, s.Close())
		_, err = os.Stat(filepath.Join(".cdpflow", "cdpflow.db"))
		require.NoError(t, err)
	})
	t.Run("WALMode", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "wal.db")
		s, err := sqlite.Open(t.Context(), path)
		require.NoError(t, err)
		require.NoError(t, s.SetMeta(t.Context(), "k", []byte("v")))
		defer s.Close()
		_, err = os.Stat(path + "-wal")
		require.NoError(t, err, "a WAL file exists while the database is open")
	})
	t.Run("TwoStoresOnOneFile", func(t *testing.T) {
		// Two processes (here: two stores) opening and writing one file at once must not fail.
		dsn := "file:" + filepath.Join(t.TempDir(), "shared.db")
		var wg sync.WaitGroup
		stores := make([]store.Store, 2)
		errs := make([]error, 2)
		for i := range stores {
			wg.Go(func() {
				s, err := sqlite.Open(t.Context(), dsn)
				if err != nil {
					errs[i] = err
					return
				}
				stores[i] = s
				for p := range 20 {
					c := record.Customer{Source: "s", SourceID: string(rune('a'+i)) + string(rune('a'+p))}
					if err := s.Upsert(t.Context(), "r", record.Batch{Customers: []record.Customer{c}}); err != nil {
						errs[i] = err
						return
					}
				}
			})
		}
		wg.Wait()
		for i, s := range stores {
			require.NoError(t, errs[i])
			defer s.Close()
		}
		n, err := stores[0].CountCustomers(t.Context())
		require.NoError(t, err)
		require.Equal(t, 40, n)
	})
}

func BenchmarkStageCustomers(b *testing.B) {
	storetest.BenchmarkStageCustomers(b, func(b *testing.B) store.Store { return openFile(b) })
}

func BenchmarkScanCustomers(b *testing.B) {
	storetest.BenchmarkScanCustomers(b, func(b *testing.B) store.Store { return openFile(b) })
}
