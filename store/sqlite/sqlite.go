// Package sqlite opens the embedded SQLite store (modernc.org/sqlite, pure Go).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/cdpflow/cdpflow/store/sqlstore"
)

// DefaultDSN is the database used when Open gets an empty DSN.
const DefaultDSN = "file:.cdpflow/cdpflow.db"

// busyTimeoutMS is how long a connection waits for another process's lock before SQLITE_BUSY.
const busyTimeoutMS = 10000

// readers is the size of the read pool of a file database.
const readers = 4

// writerCacheKiB is the page cache of the writer connection (SQLite's default is 2 MiB). Clean
// customers, profiles and links are keyed by hashes and emails, so their index pages are written
// in random order: with the default cache a million-row refresh rewrote the same pages over and
// over (600k upserts in batches of 5,000: 41 s; 64 MiB and batches of 50,000: 19 s). A cache_size
// in the DSN wins.
const writerCacheKiB = 64 << 10

// pageSize is the page size of a new database file (SQLite's default is 4 KiB; a file keeps the
// size it was created with). Larger pages mean a quarter of the page writes and shallower trees
// for the bulk upserts of a full refresh.
const pageSize = 16 << 10

// Open opens (creating if needed) a SQLite database and applies migrations.
//
// dsn is a path or a file: URI ("" = DefaultDSN); the parent directory of a file database is
// created. A file database runs in WAL mode with synchronous=NORMAL and, when new, 16 KiB pages,
// one writer connection with a 64 MiB page cache (so
// concurrent activities queue in-process instead of failing with SQLITE_BUSY; writes begin
// IMMEDIATE) and a small pool of read-only connections. An in-memory DSN (":memory:",
// "file::memory:", mode=memory, vfs=memdb) uses one connection for everything, so the database
// lives as long as the store.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	if dsn == "" {
		dsn = DefaultDSN
	}
	if isMemory(dsn) {
		db, err := openPool(ctx, withParams(dsn, "_txlock=immediate"), 1)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		s, err := sqlstore.New(ctx, sqlstore.SQLite, db, nil)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", dsn, err), db.Close())
		}
		return s, nil
	}

	if p := filePath(dsn); p != "" {
		if dir := filepath.Dir(p); dir != "" && dir != "." {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("open sqlite %s: create directory: %w", dsn, err)
			}
		}
		// Created (or tightened to) 0600 before SQLite opens it: new WAL and shared-memory
		// files take the database file's mode; ones an older version left are tightened too.
		f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		err = f.Chmod(0o600)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
		}
		for _, side := range []string{p + "-wal", p + "-shm"} {
			_ = os.Chmod(side, 0o600) // absent until SQLite makes them
		}
	}
	// Two processes opening a new file at once race to switch it to WAL and migrate it; SQLite
	// can answer that race with SQLITE_BUSY without waiting on the busy handler. Retry the open,
	// bounded by the busy timeout.
	deadline := time.Now().Add(busyTimeoutMS * time.Millisecond)
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		s, err := openFile(ctx, dsn)
		if err == nil || !isBusy(err) || time.Now().Add(wait).After(deadline) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff // primary result code
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}

// openFile opens a file database: one writer connection and a read pool.
func openFile(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	busy := fmt.Sprintf("_pragma=busy_timeout(%d)", busyTimeoutMS)
	// The driver runs _pragma entries in alphabetical order, and journal_mode would fix a new
	// file's page size before page_size set it: WAL is switched on below, once page_size ran.
	params := []string{busy, fmt.Sprintf("_pragma=page_size(%d)", pageSize), "_pragma=synchronous(NORMAL)", "_pragma=foreign_keys(0)", "_txlock=immediate"}
	if !strings.Contains(dsn, "cache_size") {
		params = append(params, fmt.Sprintf("_pragma=cache_size(-%d)", writerCacheKiB))
	}
	w, err := openPool(ctx, withParams(dsn, params...), 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", dsn, err)
	}
	if _, err := w.ExecContext(ctx, "PRAGMA journal_mode = WAL"); err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: WAL mode: %w", dsn, err), w.Close())
	}
	// The writer has switched the file to WAL (persistent) before any reader connects.
	r, err := openPool(ctx, withParams(dsn, busy, "_pragma=query_only(1)"), readers)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", dsn, err), w.Close())
	}
	s, err := sqlstore.New(ctx, sqlstore.SQLite, w, r)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open sqlite %s: %w", dsn, err), r.Close(), w.Close())
	}
	return s, nil
}

// openPool opens a pool of at most n connections that are never closed for idleness (an in-memory
// database dies with its last connection) and checks that it works.
func openPool(ctx context.Context, dsn string, n int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// isMemory reports whether dsn names an in-memory database.
func isMemory(dsn string) bool {
	if dsn == ":memory:" || strings.HasPrefix(dsn, ":memory:?") || strings.HasPrefix(dsn, "file::memory:") {
		return true
	}
	_, query, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return false
	}
	return q.Get("mode") == "memory" || q.Get("vfs") == "memdb"
}

// Path is the file a DSN names ("" for in-memory databases and URIs without a path).
func Path(dsn string) string {
	if isMemory(dsn) {
		return ""
	}
	return filePath(dsn)
}

// filePath returns the file system path of a file database DSN ("" if there is none).
func filePath(dsn string) string {
	p, _, _ := strings.Cut(dsn, "?")
	if rest, ok := strings.CutPrefix(p, "file:"); ok {
		p = rest
		if strings.HasPrefix(p, "//") { // file://[host]/path
			p = p[2:]
			if i := strings.IndexByte(p, '/'); i >= 0 {
				p = p[i:]
			} else {
				return ""
			}
		}
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
	}
	return p
}

// withParams appends query parameters to a DSN.
func withParams(dsn string, params ...string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + strings.Join(params, "&")
}
