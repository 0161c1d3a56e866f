package e2e

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/connectors/hashing"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/subject"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// erase stores an erasure request and runs it as `starter erase --wait` does.
func (s *stack) erase(t *testing.T, subj store.ErasureSubject) summary.Erasure {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	h, err := privacy.LoadHasher(ctx, s.rt.Store)
	require.NoError(t, err)
	now := time.Now().UTC()
	id := workflows.ErasureID(now, fmt.Sprint(now.UnixNano()%1e6))
	require.NoError(t, s.rt.Store.CreateErasure(ctx, store.Erasure{ID: id, Reason: "test", Status: store.ErasurePending, RequestedAt: now,
		Deadline: now.Add(workflows.ErasureDeadline), Subject: &subj, Keys: h.Keys(subj.Email, subj.Phone)}))
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, workflows.Erasure,
		workflows.ErasureInput{Request: id, Trigger: "test", SearchAttributes: true})
	require.NoError(t, err)
	var res summary.Erasure
	require.NoError(t, run.Get(ctx, &res))
	return res
}

// traces lists every cell of every table of the SQLite store that contains one of needles.
func traces(t *testing.T, dsn string, needles []string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", strings.TrimPrefix(dsn, "file:"))
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	require.NoError(t, rows.Close())
	require.Greater(t, len(tables), 15, "every table of the store is scanned")
	var found []string
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM ` + table)
		require.NoError(t, err)
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			require.NoError(t, rs.Scan(ptrs...))
			for i, v := range vals {
				text := strings.ToLower(fmt.Sprint(v))
				if b, ok := v.([]byte); ok {
					text = strings.ToLower(string(b))
				}
				for _, n := range needles {
					if n != "" && strings.Contains(text, strings.ToLower(n)) {
						found = append(found, fmt.Sprintf("%s.%s holds %q", table, cols[i], n))
					}
				}
			}
		}
		require.NoError(t, rs.Close())
	}
	return found
}

// needles are a person's identifiers and every hash of them a store or vendor handle could hold.
func needles(emails, phones []string) []string {
	var out []string
	for _, e := range emails {
		e = strings.ToLower(strings.TrimSpace(e))
		md := md5.Sum([]byte(e))
		out = append(out, e, hex.EncodeToString(md[:]), hashing.SHA256(e), hashing.SHA256(hashing.Email(e)), hashing.SHA256(hashing.GoogleEmail(e)))
	}
	for _, p := range phones {
		out = append(out, p, strings.TrimPrefix(p, "+"), hashing.SHA256(hashing.PhoneDigits(p, "")), hashing.SHA256(hashing.PhoneE164(p, "")))
	}
	return out
}

// TestErasure_LeavesNoTraceAndSuppressesAReimport erases a person held by every destination: the
// vendors no longer hold them (Mailchimp: deleted for good), no table holds their identifiers or
// any hash of them, every destination and table has a receipt, and a later import of the same
// person is suppressed and reported instead of re-added.
func TestErasure_LeavesNoTraceAndSuppressesAReimport(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	first := s.refresh(t, "refresh-erasure-1")
	require.Equal(t, summary.StatusCompleted, first.Status)

	var p store.Profile
	members, err := s.rt.Store.DestinationMembers(ctx, "google_ads")
	require.NoError(t, err)
	for id := range members {
		c, err := s.rt.Store.GetProfile(ctx, id)
		require.NoError(t, err)
		h := held(s.rt.Sandbox, c.Golden.Email, c.Golden.Phone)
		if h["newsletter"] && h["meta_lookalike"] && c.Golden.Phone != "" && (p.ID == "" || c.Members > p.Members) {
			p = c
		}
	}
	require.NotEmpty(t, p.ID, "a person held by every audience")
	links, err := s.rt.Store.ProfileLinks(ctx, p.ID)
	require.NoError(t, err)
	emails, phones := []string{p.Golden.Email}, []string{p.Golden.Phone}
	ds, release := s.rt.Sandbox.Data()
	for _, l := range links {
		for _, c := range ds.Sources[vendorOf[l.Record.Source]].Contacts {
			if c.ID == l.Record.ID && c.Email != "" {
				emails = append(emails, c.Email)
			}
		}
	}
	release()
	require.NotEmpty(t, traces(t, s.rt.Config.Store.DSN, needles(emails, phones)), "the scan finds the person before the erasure")

	t.Run("an access request gets everything held about the person", func(t *testing.T) {
		h, err := privacy.LoadHasher(ctx, s.rt.Store)
		require.NoError(t, err)
		person, err := subject.Find(ctx, s.rt.Store, h, store.ErasureSubject{Phone: p.Golden.Phone}, map[string]string{"web": "hubspot"})
		require.NoError(t, err)
		rep, err := subject.Access(ctx, s.rt.Store, person)
		require.NoError(t, err)
		assert.Len(t, rep.Records, len(links))
		require.Len(t, rep.Profiles, 1)
		assert.Equal(t, p.ID, rep.Profiles[0].ID)
		assert.NotEmpty(t, rep.Profiles[0].Segments)
		assert.NotEmpty(t, rep.Deliveries)
	})

	res := s.erase(t, store.ErasureSubject{Email: strings.ToUpper(p.Golden.Email)})
	require.Equal(t, store.ErasureDone, res.Status, res.Error)
	desc, err := s.client.DescribeWorkflowExecution(ctx, res.ID, "")
	require.NoError(t, err)
	attrs := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()
	assert.Contains(t, attrs, "CdpflowDeadline", "the legal deadline is a search attribute")
	assert.Contains(t, string(attrs["CdpflowKind"].GetData()), "erasure")
	assert.False(t, res.NothingHeld)
	assert.GreaterOrEqual(t, res.Records, len(links))
	targets := map[string]summary.Receipt{}
	for _, r := range res.Receipts {
		targets[r.Target] = r
	}
	for _, d := range []string{"newsletter", "meta_lookalike", "google_ads", "winback_email"} {
		assert.Contains(t, targets, "destination:"+d, "a receipt for %s", d)
	}
	for _, d := range []string{"newsletter", "meta_lookalike", "google_ads"} {
		assert.Equal(t, store.ReceiptDone, targets["destination:"+d].Status, d)
	}
	assert.Equal(t, store.ReceiptDone, targets["store:customers"].Status)
	assert.Equal(t, len(links), targets["store:customers"].Count)
	assert.Equal(t, store.ReceiptDone, targets["store:suppressions"].Status)

	for dest, in := range held(s.rt.Sandbox, p.Golden.Email, p.Golden.Phone) {
		assert.False(t, in, "still in %s at the vendor", dest)
	}
	_, inList := s.rt.Sandbox.MailchimpMembers("a1b2c3d4e5")[strings.ToLower(p.Golden.Email)]
	assert.False(t, inList, "Mailchimp deleted the member for good, not archived")
	assert.Empty(t, traces(t, s.rt.Config.Store.DSN, needles(emails, phones)), "no table holds the person or a hash of them")

	t.Run("a later import of the person is suppressed and reported", func(t *testing.T) {
		now := time.Now().UTC()
		s.rt.Sandbox.Update(func(ds *sandbox.Dataset) {
			for _, l := range links {
				cs := ds.Sources[vendorOf[l.Record.Source]].Contacts
				for i := range cs {
					if cs[i].ID == l.Record.ID {
						cs[i].UpdatedAt = now // the sources still have them and send them again
					}
				}
			}
		})
		again := s.refresh(t, "refresh-erasure-2")
		require.Equal(t, summary.StatusCompleted, again.Status, again.Error)
		assert.GreaterOrEqual(t, again.Cleanse.Reasons["erased"], 1, "the re-import is reported")
		for dest, in := range held(s.rt.Sandbox, p.Golden.Email, p.Golden.Phone) {
			assert.False(t, in, "re-added to %s", dest)
		}
		assert.Empty(t, traces(t, s.rt.Config.Store.DSN, needles(emails, phones)), "the suppressed import kept no data")
		var q []store.QuarantineItem
		require.NoError(t, s.rt.Store.ScanQuarantine(ctx, "refresh-erasure-2", func(i store.QuarantineItem) error {
			if i.Reasons[0].Reason == "erased" {
				q = append(q, i)
			}
			return nil
		}))
		require.NotEmpty(t, q)
		assert.Contains(t, []record.RecordKey{links[0].Record, links[len(links)-1].Record}, record.RecordKey{Source: q[0].Source, ID: q[0].ID})
	})
	t.Run("an unknown person ends nothing held, with receipts", func(t *testing.T) {
		res := s.erase(t, store.ErasureSubject{Email: "nobody.at.all@example.org"})
		require.Equal(t, store.ErasureDone, res.Status)
		assert.True(t, res.NothingHeld)
		for _, r := range res.Receipts {
			if r.Target == "store:suppressions" {
				assert.Equal(t, store.ReceiptDone, r.Status, "a later import of the address is suppressed all the same")
				continue
			}
			assert.Equal(t, store.ReceiptNothingHeld, r.Status, r.Target)
			assert.Zero(t, r.Count, r.Target)
		}
	})
}
