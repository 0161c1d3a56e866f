// conformance_test.go runs the connector contracts of connectors/connectortest against every
// registered connector type, built through its spec the way the engine builds it; a type
// registered without a case here fails.
package all_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	_ "github.com/cdpflow/cdpflow/connectors/all"
	"github.com/cdpflow/cdpflow/connectors/connectortest"
	"github.com/cdpflow/cdpflow/connectors/hashing"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

// build decodes an entry's vendor keys through the spec and points the connector at the sandbox.
func build(t testing.TB, typ string, vendor map[string]any, sb *sandbox.Sandbox, secret string) connectors.Env {
	t.Helper()
	spec, ok := connectors.Lookup(typ)
	require.True(t, ok, typ)
	settings, err := config.DecodeSettings(typ, spec, vendor)
	require.NoError(t, err)
	e := connectors.Env{Name: "conf-" + typ, Settings: settings, Secret: func(string) string { return secret }}
	if sb != nil {
		e.BaseURL, e.Sandbox = sb.URLs[spec.Sandbox], true
	}
	return e
}

func source(typ string, vendor map[string]any) func(testing.TB, *sandbox.Sandbox, string) connectors.Source {
	return func(t testing.TB, sb *sandbox.Sandbox, secret string) connectors.Source {
		spec, _ := connectors.Lookup(typ)
		src, err := spec.NewSource(build(t, typ, vendor, sb, secret))
		require.NoError(t, err)
		return src
	}
}

func destination(typ string, vendor map[string]any) func(testing.TB, *sandbox.Sandbox, string) connectors.Destination {
	return func(t testing.TB, sb *sandbox.Sandbox, secret string) connectors.Destination {
		spec, _ := connectors.Lookup(typ)
		d, err := spec.NewDestination(build(t, typ, vendor, sb, secret))
		require.NoError(t, err)
		return d
	}
}

// contacts and orders are the usual expectations of a CRM or shop imitation.
func contactsAndOrders(vendor string) func(*sandbox.Sandbox, record.Kind, time.Time) []string {
	return func(sb *sandbox.Sandbox, kind record.Kind, since time.Time) []string {
		if kind == record.KindOrder {
			return connectortest.Orders(sb, vendor, since)
		}
		return connectortest.LiveContacts(sb, vendor, since)
	}
}

// withDeletions expects the live contacts plus the archived ones (as deletions): in every sync, or
// (full false) only in incremental ones.
func withDeletions(vendor string, full bool) func(*sandbox.Sandbox, record.Kind, time.Time) []string {
	return func(sb *sandbox.Sandbox, _ record.Kind, since time.Time) []string {
		if since.IsZero() && !full {
			return connectortest.LiveContacts(sb, vendor, since)
		}
		return connectortest.AllContacts(sb, vendor, since)
	}
}

// deleteSome deletes (archives) every 20th contact, the deletion stamped one minute after its last
// change, so some fall before an incremental starting point and some after.
func deleteSome(vendor string) func(*sandbox.Sandbox) {
	return func(sb *sandbox.Sandbox) {
		sb.Update(func(ds *sandbox.Dataset) {
			cs := ds.Sources[vendor].Contacts
			for i := 0; i < len(cs); i += 20 {
				cs[i].Archived = true
				cs[i].UpdatedAt = cs[i].UpdatedAt.Add(time.Minute)
			}
		})
	}
}

func midpoint(vendor string) func(*sandbox.Sandbox, record.Kind) time.Time {
	return func(sb *sandbox.Sandbox, kind record.Kind) time.Time { return connectortest.Midpoint(sb, vendor, kind) }
}

func sourceCases(t *testing.T) map[string]connectortest.SourceCase {
	csvPath, mappingPath := writeCSV(t, 250)
	return map[string]connectortest.SourceCase{
		// HubSpot reads the archived list after the live contacts: archived ones come as deletions.
		"hubspot": {New: source("hubspot", nil), Vendor: sandbox.HubSpot, Want: withDeletions(sandbox.HubSpot, true), Prepare: deleteSome(sandbox.HubSpot),
			Since: midpoint(sandbox.HubSpot), CredentialEnv: "HUBSPOT_TOKEN"},
		// Salesforce's incremental syncs use queryAll: deleted Contacts come as deletions.
		"salesforce": {New: source("salesforce", map[string]any{"batch_size": 200}), Vendor: sandbox.Salesforce, Want: withDeletions(sandbox.Salesforce, false),
			Prepare: deleteSome(sandbox.Salesforce),
			Since:   midpoint(sandbox.Salesforce), CredentialEnv: "SALESFORCE_TOKEN"},
		"shopify": {New: source("shopify", nil), Vendor: sandbox.Shopify, Want: contactsAndOrders(sandbox.Shopify),
			Since: midpoint(sandbox.Shopify), CredentialEnv: "SHOPIFY_TOKEN"},
		"square": {New: source("square", map[string]any{"location_ids": []any{"L1"}, "page_size": 50}), Vendor: sandbox.Square,
			Want: contactsAndOrders(sandbox.Square), Since: midpoint(sandbox.Square), CredentialEnv: "SQUARE_TOKEN"},
		"ga4": {New: source("ga4", map[string]any{"property_id": "123456", "page_size": 40}), Vendor: sandbox.GA4, CredentialEnv: "GA4_TOKEN",
			Want: func(sb *sandbox.Sandbox, _ record.Kind, _ time.Time) []string {
				ds, release := sb.Data()
				defer release()
				var out []string
				for _, e := range ds.Sources[sandbox.GA4].Engagements {
					out = append(out, e.CustomerRef)
				}
				return sortStrings(out)
			}},
		"csv": {New: source("csv", map[string]any{"path": csvPath, "mapping": mappingPath, "page_size": 40}),
			Want: func(*sandbox.Sandbox, record.Kind, time.Time) []string {
				var out []string
				for i := range 250 {
					out = append(out, csvID(i))
				}
				return sortStrings(out)
			}},
	}
}

func csvID(i int) string { return fmt.Sprintf("c%04d", i) }

func writeCSV(t *testing.T, n int) (string, string) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,email,first\n")
	for i := range n {
		b.WriteString(csvID(i) + "," + csvID(i) + "@example.org,Ann\n")
	}
	csvPath, mappingPath := filepath.Join(dir, "people.csv"), filepath.Join(dir, "people.mapping.yaml")
	require.NoError(t, os.WriteFile(csvPath, []byte(b.String()), 0o600))
	require.NoError(t, os.WriteFile(mappingPath, []byte("id: id\nfields:\n  email: email\n  first_name: first\n"), 0o600))
	return csvPath, mappingPath
}

func destinationCases() map[string]connectortest.DestinationCase {
	return map[string]connectortest.DestinationCase{
		"mailchimp": {New: destination("mailchimp", map[string]any{"list_id": "conf-list"}), Vendor: sandbox.Mailchimp,
			CredentialEnv: "MAILCHIMP_API_KEY", Holds: func(sb *sandbox.Sandbox, m connectors.Member) bool {
				mm, ok := sb.MailchimpMembers("conf-list")[strings.ToLower(m.Email)]
				return ok && !mm.Archived && mm.Status == "subscribed"
			}},
		"mandrill": {New: destination("mandrill", map[string]any{"template": "winback-offer", "from_email": "hello@acme.example"}),
			Vendor: sandbox.Mandrill, CredentialEnv: "MANDRILL_API_KEY", Holds: func(sb *sandbox.Sandbox, m connectors.Member) bool {
				return sb.MandrillSent()[strings.ToLower(m.Email)] > 0
			}},
		"meta": {New: destination("meta", map[string]any{"audience_id": "23851234567890"}), Vendor: sandbox.Meta, Hashed: true,
			CredentialEnv: "META_TOKEN", Holds: func(sb *sandbox.Sandbox, m connectors.Member) bool {
				aud := sb.MetaAudience("23851234567890")
				return aud[hashing.SHA256(hashing.Email(m.Email))] || aud[hashing.SHA256(hashing.PhoneDigits(m.Phone, ""))]
			}},
		"google_ads": {New: destination("google_ads", map[string]any{"customer_id": "1234567890", "user_list": "customers/1234567890/userLists/555"}),
			Vendor: sandbox.GoogleAds, Hashed: true, CredentialEnv: "GOOGLE_ADS_TOKEN", Holds: func(sb *sandbox.Sandbox, m connectors.Member) bool {
				l := sb.GoogleAdsUserList("customers/1234567890/userLists/555")
				return l[hashing.SHA256(hashing.GoogleEmail(m.Email))] || l[hashing.SHA256(hashing.PhoneE164(m.Phone, ""))]
			}},
	}
}

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}

func TestConformance(t *testing.T) {
	sources, dests := sourceCases(t), destinationCases()
	for _, spec := range connectors.Specs() {
		t.Run(spec.Type, func(t *testing.T) {
			if spec.IsSource() {
				c, ok := sources[spec.Type]
				require.True(t, ok, "source type %s is registered but has no conformance case", spec.Type)
				connectortest.RunSource(t, c)
				return
			}
			c, ok := dests[spec.Type]
			require.True(t, ok, "destination type %s is registered but has no conformance case", spec.Type)
			connectortest.RunDestination(t, c)
		})
	}
}
