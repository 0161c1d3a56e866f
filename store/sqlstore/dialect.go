// Dialect: the few places where SQLite and PostgreSQL SQL differ (placeholders, times, limits, locks).
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect describes one SQL backend. Use the SQLite or Postgres values.
type Dialect struct {
	name       string // selects migrations/<name>
	numbered   bool   // $1, $2 ... instead of ?
	maxParams  int    // bound parameters per statement
	timeAsText bool   // store times as fixed-width UTC text (sortable) instead of a native type
	// lock serializes transactions on key until the transaction ends; nil when the backend already
	// serializes writers (SQLite has one writer connection).
	lock func(ctx context.Context, tx *sql.Tx, key string) error
}

// text is an expression reading a JSON column as text; bytesText reads a byte column as text.
func (d Dialect) text(col string) string {
	if d.name == "postgres" {
		return col + "::text"
	}
	return "CAST(" + col + " AS TEXT)"
}

func (d Dialect) bytesText(col string) string {
	if d.name == "postgres" {
		return "convert_from(" + col + ", 'UTF8')"
	}
	return "CAST(" + col + " AS TEXT)"
}

// SQLite is the dialect of modernc.org/sqlite.
var SQLite = Dialect{
	name:       "sqlite",
	maxParams:  32766, // SQLITE_MAX_VARIABLE_NUMBER
	timeAsText: true,
}

// Postgres is the dialect of PostgreSQL (via pgx).
var Postgres = Dialect{
	name:      "postgres",
	numbered:  true,
	maxParams: 65535, // the wire protocol's int16 parameter count
	lock: func(ctx context.Context, tx *sql.Tx, key string) error {
		// Scoped to the current schema so that independent schemas (tests) do not wait on each other.
		_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || $1, 0))`, key)
		if err != nil {
			return fmt.Errorf("advisory lock %q: %w", key, err)
		}
		return nil
	},
}

// Name is the dialect's name ("sqlite" or "postgres").
func (d Dialect) Name() string { return d.name }

// placeholder returns the n-th (1-based) bind placeholder.
func (d Dialect) placeholder(n int) string {
	if d.numbered {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// rebind rewrites the ? placeholders of q for the dialect. Queries in this package never contain a
// literal question mark.
func (d Dialect) rebind(q string) string {
	if !d.numbered || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$")
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// sqliteTimeLayout is fixed-width so that text order is time order.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// timeArg encodes t for a time column: UTC, truncated to the microsecond; the zero time is NULL.
func (d Dialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	if d.timeAsText {
		return u.Format(sqliteTimeLayout)
	}
	return u
}

// timeCol scans a time column written by timeArg (NULL becomes the zero time).
type timeCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("scan time: unsupported type %T", src)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("scan time: %w", err)
	}
	*c.t = t.UTC()
	return nil
}
