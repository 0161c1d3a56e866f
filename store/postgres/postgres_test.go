// Tests: the conformance suite and benchmarks on PostgreSQL, each store in a fresh schema.
package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/store/postgres"
	"github.com/cdpflow/cdpflow/store/sqlstore"
	"github.com/cdpflow/cdpflow/store/storetest"
)

const dsnEnv = "CDPFLOW_TEST_POSTGRES_DSN"

// testDSN returns the server to test against. Without one the test is skipped, except under CI,
// which must never silently skip PostgreSQL.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn != "" {
		return dsn
	}
	const how = dsnEnv + " is not set; set it to a PostgreSQL database the test may create schemas in, e.g. " +
		dsnEnv + "='postgres://cdpflow:cdpflow@127.0.0.1:5432/cdpflow_test?sslmode=disable'"
	if os.Getenv("CI") != "" {
		tb.Fatal(how + " (required when CI is set)")
	}
	tb.Skip(how)
	return ""
}

// freshSchema creates a randomly named schema, drops it at cleanup, and returns a DSN whose
// search_path selects it.
func freshSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "cdpflow_test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(tb, err, "connect to %s", dsnEnv)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(tb, dsn, schema)
}

// withSearchPath adds "options=-c search_path=<schema>" to a URL or key=value DSN.
func withSearchPath(tb testing.TB, dsn, schema string) string {
	out, err := postgres.WithSearchPath(dsn, schema)
	require.NoError(tb, err)
	return out
}

// open opens a store in a fresh schema.
func open(tb testing.TB) store.Store {
	tb.Helper()
	s, err := postgres.Open(tb.Context(), freshSchema(tb, testDSN(tb)))
	require.NoError(tb, err)
	return s
}

func TestPostgres(t *testing.T) {
	testDSN(t) // skip (or, under CI, fail) once rather than in every subtest
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func TestOpen(t *testing.T) {
	dsn := freshSchema(t, testDSN(t))
	t.Run("ConcurrentOpenersMigrateOnce", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				s, err := postgres.Open(t.Context(), dsn)
				if err == nil {
					err = s.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		s, err := postgres.Open(t.Context(), dsn)
		require.NoError(t, err)
		defer s.Close()
		v, err := s.SchemaVersion(t.Context())
		require.NoError(t, err)
		latest, _ := sqlstore.LatestSchemaVersion("postgres")
		require.Equal(t, latest, v)
	})
	t.Run("BadDSN", func(t *testing.T) {
		_, err := postgres.Open(t.Context(), "postgres://nobody:wrong@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
		require.Error(t, err)
	})
}

func BenchmarkStageCustomers(b *testing.B) {
	storetest.BenchmarkStageCustomers(b, func(b *testing.B) store.Store { return open(b) })
}

func BenchmarkScanCustomers(b *testing.B) {
	storetest.BenchmarkScanCustomers(b, func(b *testing.B) store.Store { return open(b) })
}
