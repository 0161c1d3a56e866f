// Package postgres opens the PostgreSQL store (pgx through its database/sql driver).
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/cdpflow/cdpflow/store/sqlstore"
)

// maxConns caps the connection pool.
const maxConns = 10

// Open connects to PostgreSQL and applies migrations (in one transaction under an advisory lock, so
// workers starting together apply them once). dsn is a libpq URL or key=value string; the schema is
// the first in the connection's search_path (e.g. "...?options=-c%20search_path%3Dcdp").
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if !strings.Contains(dsn, "default_query_exec_mode") {
		// Describe statements once and cache that on the client, but do not keep server-side
		// prepared statements: batched INSERTs come in many sizes and big prepared statements cost
		// server memory on every connection.
		cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns / 2)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open postgres %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err), db.Close())
	}
	s, err := sqlstore.New(ctx, sqlstore.Postgres, db, db)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open postgres %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err), db.Close())
	}
	return s, nil
}

// ResetSchema drops and recreates schema in the database dsn names and returns a DSN whose
// search_path selects it: a scratch store (the benchmark's), never a production one.
func ResetSchema(ctx context.Context, dsn, schema string) (string, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident+" CASCADE"); err != nil {
		return "", fmt.Errorf("postgres: drop schema %s: %w", schema, err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		return "", fmt.Errorf("postgres: create schema %s: %w", schema, err)
	}
	return WithSearchPath(dsn, schema)
}

// WithSearchPath adds "options=-c search_path=<schema>" to a URL or key=value DSN.
func WithSearchPath(dsn, schema string) (string, error) {
	opt := "-c search_path=" + schema
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("postgres: dsn: %w", err)
		}
		q := u.Query()
		if prev := q.Get("options"); prev != "" {
			opt = prev + " " + opt
		}
		q.Set("options", opt)
		u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads "+" literally
		return u.String(), nil
	}
	return dsn + " options='" + opt + "'", nil
}
