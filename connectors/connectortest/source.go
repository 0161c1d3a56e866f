// This file holds RunSource: the contract every source connector meets against its sandbox
// imitation (or, for files, a local file): a full sync returns every record exactly once, an
// incremental sync exactly what changed, a cursor can be fetched again, injected faults are
// survived, and a bad credential fails at once, naming the credential.
package connectortest

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

// SourceCase is one source type under the contract.
type SourceCase struct {
	// New builds the source. sb is nil for sources without an imitation; secret is the
	// credential to present (the sandbox's token, or a wrong one).
	New func(t testing.TB, sb *sandbox.Sandbox, secret string) connectors.Source
	// Vendor is the sandbox imitation ("" for none: no fault or credential checks).
	Vendor string
	// Want lists the record ids the data holds for kind, modified at or after since (zero: all).
	Want func(sb *sandbox.Sandbox, kind record.Kind, since time.Time) []string
	// Since picks an incremental starting point for kind (nil: the source reads full syncs only).
	Since func(sb *sandbox.Sandbox, kind record.Kind) time.Time
	// CredentialEnv is the variable a credential error must name.
	CredentialEnv string
	// People sizes the sandbox dataset (default 600).
	People int
	// Prepare changes the sandbox's data before the contract runs (e.g. deletes some records).
	Prepare func(sb *sandbox.Sandbox)
}

// SourceToken is the credential the contract's sandboxes accept.
const SourceToken = "conformance-token"

// RunSource runs the source contract.
func RunSource(t *testing.T, c SourceCase) {
	var sb *sandbox.Sandbox
	if c.Vendor != "" {
		sb = StartSandbox(t, max(c.People, 600), SourceToken, c.Vendor)
		if c.Prepare != nil {
			c.Prepare(sb)
		}
	}
	src := c.New(t, sb, SourceToken)
	for _, kind := range src.Kinds() {
		t.Run(string(kind), func(t *testing.T) {
			t.Run("a full sync returns every record exactly once", func(t *testing.T) {
				got := idsOf(SyncAll(t, c.New(t, sb, SourceToken), kind, time.Time{}, nil), kind)
				assertOnce(t, got)
				assert.Equal(t, c.Want(sb, kind, time.Time{}), sorted(got))
			})
			if c.Since != nil {
				t.Run("an incremental sync returns exactly what changed", func(t *testing.T) {
					since := c.Since(sb, kind)
					want := c.Want(sb, kind, since)
					require.NotEmpty(t, want, "the starting point leaves records to read")
					require.Less(t, len(want), len(c.Want(sb, kind, time.Time{})), "and records to skip")
					got := idsOf(SyncAll(t, c.New(t, sb, SourceToken), kind, since, nil), kind)
					assertOnce(t, got)
					assert.Equal(t, want, sorted(got))
				})
			}
			modes := []struct {
				name  string
				since time.Time
			}{{"full", time.Time{}}}
			if c.Since != nil {
				modes = append(modes, struct {
					name  string
					since time.Time
				}{"incremental", c.Since(sb, kind)})
			}
			for _, mode := range modes {
				t.Run(mode.name+": any cursor, fetched again by another process, returns the same page", func(t *testing.T) {
					res := SyncAll(t, c.New(t, sb, SourceToken), kind, mode.since, nil)
					if len(res.Pages) < 2 {
						t.Skip("one page only")
					}
					again := c.New(t, sb, SourceToken)
					for i, cur := range res.Cursors[:min(len(res.Cursors), 6)] {
						p, err := again.FetchPage(context.Background(), connectors.PageRequest{Kind: kind, Cursor: cur, Since: mode.since})
						require.NoError(t, err)
						assert.Equal(t, pageIDs(res.Pages[i], kind), pageIDs(p, kind), "page %d", i)
						assert.Equal(t, res.Pages[i].Done, p.Done, "page %d", i)
						if cur != "" { // a first page may open a new server-side cursor (a Salesforce query locator)
							assert.Equal(t, res.Pages[i].Next, p.Next, "page %d", i)
						}
					}
				})
				if sb == nil {
					continue
				}
				t.Run(mode.name+": faults are survived without losing or repeating records", func(t *testing.T) {
					sb.Faults.Set(c.Vendor, sandbox.Fault{Kind: sandbox.Fault500, Times: 1}, sandbox.Fault{Kind: sandbox.Fault429, Times: 1},
						sandbox.Fault{Kind: sandbox.FaultTruncate, Times: 1}, sandbox.Fault{Kind: sandbox.Fault500, Times: 4})
					defer sb.Faults.Clear(c.Vendor)
					res := SyncAll(t, c.New(t, sb, SourceToken), kind, mode.since, nil)
					got := idsOf(res, kind)
					assert.Positive(t, sb.Faults.Fired(c.Vendor))
					assert.NotEmpty(t, res.Errs, "the faults that outlast the transport's retries reach the caller as retryable errors")
					assertOnce(t, got)
					assert.Equal(t, c.Want(sb, kind, mode.since), sorted(got))
				})
			}
		})
	}
	t.Run("the connection check passes and changes nothing", func(t *testing.T) {
		rep := connectors.RunCheck(context.Background(), src, true, time.Now())
		require.NoError(t, rep.Err(), "%+v", rep.Steps)
		_, isChecker := src.(connectors.Checker)
		assert.True(t, isChecker, "every source can test its connection (starter check)")
	})
	if sb == nil {
		return
	}
	t.Run("a check with a bad credential fails and names the credential", func(t *testing.T) {
		rep := connectors.RunCheck(context.Background(), c.New(t, sb, "wrong-"+SourceToken), false, time.Now())
		require.Error(t, rep.Err())
		assert.Contains(t, rep.Err().Error(), c.CredentialEnv)
		assert.NotContains(t, rep.Err().Error(), "wrong-"+SourceToken)
	})
	t.Run("a bad credential fails at once and names the credential", func(t *testing.T) {
		since := []time.Time{{}}
		if c.Since != nil {
			since = append(since, c.Since(sb, src.Kinds()[0]))
		}
		for _, s := range since {
			before := sb.Stats(c.Vendor).Requests.Load()
			_, err := c.New(t, sb, "wrong-"+SourceToken).FetchPage(context.Background(), connectors.PageRequest{Kind: src.Kinds()[0], Since: s})
			require.Error(t, err)
			ce, ok := connectors.AsError(err)
			require.True(t, ok, "a connectors.Error: %v", err)
			assert.False(t, ce.Retryable(), "not retried: %v", err)
			assert.Contains(t, err.Error(), c.CredentialEnv)
			assert.NotContains(t, err.Error(), "wrong-"+SourceToken, "the secret is never in the error")
			assert.EqualValues(t, 1, sb.Stats(c.Vendor).Requests.Load()-before, "one request, no retries")
		}
	})
}

func idsOf(s Sync, kind record.Kind) []string {
	var out []string
	for _, p := range s.Pages {
		out = append(out, pageIDs(p, kind)...)
	}
	return out
}

func pageIDs(p connectors.Page, kind record.Kind) []string {
	var out []string
	switch kind {
	case record.KindCustomer:
		for _, c := range p.Customers {
			out = append(out, c.SourceID)
		}
	case record.KindOrder:
		for _, o := range p.Orders {
			out = append(out, o.ID)
		}
	case record.KindEngagement:
		for _, e := range p.Engagements {
			out = append(out, e.CustomerRef)
		}
	}
	return out
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}

func assertOnce(t *testing.T, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("record %s returned twice", id)
		}
		seen[id] = true
	}
}

// LiveContacts is the usual Want for contacts: not archived, modified at or after since.
func LiveContacts(sb *sandbox.Sandbox, vendor string, since time.Time) []string {
	ds, release := sb.Data()
	defer release()
	var out []string
	for _, c := range ds.Sources[vendor].Contacts {
		if !c.Archived && !c.UpdatedAt.Before(since) {
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}

// AllContacts lists every contact, archived ones too, modified at or after since.
func AllContacts(sb *sandbox.Sandbox, vendor string, since time.Time) []string {
	ds, release := sb.Data()
	defer release()
	var out []string
	for _, c := range ds.Sources[vendor].Contacts {
		if !c.UpdatedAt.Before(since) {
			out = append(out, c.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Orders is the usual Want for orders: modified at or after since.
func Orders(sb *sandbox.Sandbox, vendor string, since time.Time) []string {
	ds, release := sb.Data()
	defer release()
	var out []string
	for _, o := range ds.Sources[vendor].Orders {
		if !o.UpdatedAt.Before(since) {
			out = append(out, o.ID)
		}
	}
	sort.Strings(out)
	return out
}

// Midpoint is the usual Since: the median modification time of the vendor's records of kind.
func Midpoint(sb *sandbox.Sandbox, vendor string, kind record.Kind) time.Time {
	ds, release := sb.Data()
	defer release()
	var ts []time.Time
	if kind == record.KindOrder {
		for _, o := range ds.Sources[vendor].Orders {
			ts = append(ts, o.UpdatedAt)
		}
	} else {
		for _, c := range ds.Sources[vendor].Contacts {
			ts = append(ts, c.UpdatedAt)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts[len(ts)/2].Truncate(time.Second).Add(time.Second)
}
