package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors/hashing"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
)

// vendorOf maps the built-in configuration's source names to their sandbox imitations.
var vendorOf = map[string]string{"hubspot": sandbox.HubSpot, "salesforce": sandbox.Salesforce, "shop": sandbox.Shopify, "pos": sandbox.Square}

// held reports, on each vendor's side, whether the person with this email and phone is in the
// built-in destinations' audiences.
func held(sb *sandbox.Sandbox, email, phone string) map[string]bool {
	mc, ok := sb.MailchimpMembers("a1b2c3d4e5")[strings.ToLower(email)]
	meta := sb.MetaAudience("23851234567890")
	ga := sb.GoogleAdsUserList("customers/1234567890/userLists/555")
	return map[string]bool{
		"newsletter":     ok && !mc.Archived,
		"meta_lookalike": meta[hashing.SHA256(hashing.Email(email))] || phone != "" && meta[hashing.SHA256(hashing.PhoneDigits(phone, ""))],
		"google_ads":     ga[hashing.SHA256(hashing.GoogleEmail(email))] || phone != "" && ga[hashing.SHA256(hashing.PhoneE164(phone, ""))],
	}
}

// TestRemovals_ConsentWithdrawalReachesEveryVendor: buyers who opt out in one of their sources
// are gone from every destination after the next refresh, checked at the vendors.
func TestRemovals_ConsentWithdrawalReachesEveryVendor(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	first := s.refresh(t, "refresh-optout-1")
	require.Equal(t, summary.StatusCompleted, first.Status)
	members, err := s.rt.Store.DestinationMembers(ctx, "google_ads")
	require.NoError(t, err)
	var gone []store.Profile
	var recs []record.RecordKey
	for id := range members {
		p, err := s.rt.Store.GetProfile(ctx, id)
		require.NoError(t, err)
		h := held(s.rt.Sandbox, p.Golden.Email, p.Golden.Phone)
		if !h["newsletter"] || !h["meta_lookalike"] || !h["google_ads"] {
			continue
		}
		links, err := s.rt.Store.ProfileLinks(ctx, id)
		require.NoError(t, err)
		if len(links) < 2 || vendorOf[links[0].Record.Source] == "" || len(gone) == 3 {
			continue
		}
		gone, recs = append(gone, p), append(recs, links[0].Record) // opts out in one source of several
	}
	require.Len(t, gone, 3, "multi-record profiles held by every destination")
	now := time.Now().UTC()
	s.rt.Sandbox.Update(func(ds *sandbox.Dataset) {
		for _, rec := range recs {
			cs := ds.Sources[vendorOf[rec.Source]].Contacts
			for i := range cs {
				if cs[i].ID == rec.ID {
					cs[i].EmailConsent, cs[i].UpdatedAt = record.ConsentUnsubscribed, now
				}
			}
		}
	})
	second := s.refresh(t, "refresh-optout-2")
	require.Equal(t, summary.StatusCompleted, second.Status, second.Error)
	for _, p := range gone {
		for dest, in := range held(s.rt.Sandbox, p.Golden.Email, p.Golden.Phone) {
			assert.False(t, in, "%s still in %s at the vendor after opting out", p.ID, dest)
		}
	}
	for _, dest := range []string{"newsletter", "meta_lookalike", "google_ads"} {
		assert.GreaterOrEqual(t, second.Destinations[dest].Removed, 3, dest)
		assert.Zero(t, second.Destinations[dest].Rejected, dest)
	}
}

// deletionsConfig syncs a CRM and a full-snapshot CSV file to three destinations that hold everyone.
const deletionsConfig = `
sources:
  - {name: hubspot, type: hubspot, base_url: sandbox}
  - {name: legacy, type: csv, path: legacy.csv, mapping: legacy.mapping.yaml, full_snapshot: true}
segments:
  - {name: everyone, rule: 'id != ""'}
consent:
  basis: opt_out
destinations:
  - {name: newsletter, type: mailchimp, base_url: sandbox, list_id: a1b2c3d4e5, segments: [everyone]}
  - {name: meta_lookalike, type: meta, base_url: sandbox, audience_id: "23851234567890", segments: [everyone]}
  - {name: google_ads, type: google_ads, base_url: sandbox, customer_id: "1234567890", user_list: customers/1234567890/userLists/555, segments: [everyone]}
`

// TestRemovals_DeletionsAtTheSourceReachEveryVendor: a CRM contact archived at HubSpot and a row
// that disappears from a full-snapshot file take their people out of every destination, checked at
// the vendors; an empty snapshot deletes nothing.
func TestRemovals_DeletionsAtTheSourceReachEveryVendor(t *testing.T) {
	legacy := func(rows ...string) string {
		return "id,email,first,last,newsletter\n" + strings.Join(rows, "\n") + "\n"
	}
	s := newStackWith(t, deletionsConfig, map[string]string{
		"legacy.mapping.yaml": "id: id\nfields:\n  email: email\n  first_name: first\n  last_name: last\n  consent.email: newsletter\n",
		"legacy.csv": legacy("L1,lena.stone@fastmail.com,Lena,Stone,yes", "L2,omar.field@fastmail.com,Omar,Field,yes",
			"L3,pia.rowe@fastmail.com,Pia,Rowe,yes"),
	})
	ctx := context.Background()
	first := s.refresh(t, "refresh-deletions-1")
	require.Equal(t, summary.StatusCompleted, first.Status, first.Error)
	for _, email := range []string{"lena.stone@fastmail.com", "omar.field@fastmail.com"} {
		for dest, in := range held(s.rt.Sandbox, email, "") {
			require.True(t, in, "%s is in %s after the first run", email, dest)
		}
	}
	// A HubSpot person of the first run, with only that record, whose profile every vendor holds.
	var crm store.Profile
	var crmRec record.RecordKey
	require.NoError(t, s.rt.Store.ScanLinks(ctx, func(l store.Link) error {
		if crm.ID != "" || l.Record.Source != "hubspot" {
			return nil
		}
		links, err := s.rt.Store.ProfileLinks(ctx, l.ProfileID)
		if err != nil || len(links) != 1 {
			return err
		}
		p, err := s.rt.Store.GetProfile(ctx, l.ProfileID)
		if err != nil {
			return err
		}
		h := held(s.rt.Sandbox, p.Golden.Email, p.Golden.Phone)
		if h["newsletter"] && h["meta_lookalike"] && h["google_ads"] {
			crm, crmRec = p, l.Record
		}
		return nil
	}))
	require.NotEmpty(t, crm.ID, "a HubSpot-only person held by every destination")
	now := time.Now().UTC()
	s.rt.Sandbox.Update(func(ds *sandbox.Dataset) {
		cs := ds.Sources[sandbox.HubSpot].Contacts
		for i := range cs {
			if cs[i].ID == crmRec.ID {
				cs[i].Archived, cs[i].UpdatedAt = true, now
			}
		}
	})
	// L2 leaves the file.
	require.NoError(t, os.WriteFile("legacy.csv", []byte(legacy("L1,lena.stone@fastmail.com,Lena,Stone,yes", "L3,pia.rowe@fastmail.com,Pia,Rowe,yes")), 0o600))
	second := s.refresh(t, "refresh-deletions-2")
	require.Equal(t, summary.StatusCompleted, second.Status, second.Error)
	assert.Equal(t, 1, second.Cleanse.BySource["legacy"].Deleted, "the missing row is a deletion")
	assert.Equal(t, 1, second.Cleanse.BySource["hubspot"].Deleted, "the archived contact is a deletion")
	assert.GreaterOrEqual(t, second.Identity.Removed, 2)
	for who, email := range map[string]string{"archived at HubSpot": crm.Golden.Email, "gone from the file": "omar.field@fastmail.com"} {
		for dest, in := range held(s.rt.Sandbox, email, "") {
			assert.False(t, in, "%s: still in %s at the vendor", who, dest)
		}
	}
	for dest, in := range held(s.rt.Sandbox, "lena.stone@fastmail.com", "") {
		assert.True(t, in, "a row still in the file stays in %s", dest)
	}

	t.Run("an empty snapshot deletes nothing", func(t *testing.T) {
		require.NoError(t, os.WriteFile("legacy.csv", []byte("id,email,first,last,newsletter\n"), 0o600))
		third := s.refresh(t, "refresh-deletions-3")
		require.Equal(t, summary.StatusCompleted, third.Status, third.Error)
		assert.Zero(t, third.Cleanse.BySource["legacy"].Deleted)
		for dest, in := range held(s.rt.Sandbox, "lena.stone@fastmail.com", "") {
			assert.True(t, in, "a failed export must not empty %s", dest)
		}
	})
}
