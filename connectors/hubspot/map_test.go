// Tests of the HubSpot contact to canonical customer mapping.
package hubspot

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

func sp(s string) *string { return &s }

func TestToCustomer(t *testing.T) {
	base := func(props map[string]*string) contactObject {
		p := map[string]*string{"hs_object_id": sp("512"), "createdate": sp("2019-10-30T03:30:17.883Z"),
			"lastmodifieddate": sp("2019-12-07T16:50:06.678Z")}
		for k, v := range props {
			p[k] = v
		}
		return contactObject{ID: "512", Properties: p, CreatedAt: "2019-10-30T03:30:17.883Z", UpdatedAt: "2019-12-07T16:50:06.678Z"}
	}
	updated := time.Date(2019, 12, 7, 16, 50, 6, 678e6, time.UTC)
	tests := []struct {
		name string
		in   contactObject
		want func(*record.Customer)
	}{
		{"all fields", base(map[string]*string{"email": sp(" Jane@Example.com "), "firstname": sp("Jane"), "lastname": sp("Doe"),
			"phone": sp("(415) 555-0100"), "date_of_birth": sp("1984-03-07"), "gender": sp("F"), "address": sp("1 Main St"),
			"city": sp("Austin"), "state": sp("TX"), "zip": sp("73301"), "country": sp("US"), "hs_email_optout": sp("false")}),
			func(c *record.Customer) {
				c.Email, c.FirstName, c.LastName, c.Phone = " Jane@Example.com ", "Jane", "Doe", "(415) 555-0100"
				c.BirthDate, c.Gender = "1984-03-07", "F"
				c.Address = record.Address{Line1: "1 Main St", City: "Austin", Region: "TX", Postcode: "73301", Country: "US"}
			}},
		{"opted out", base(map[string]*string{"hs_email_optout": sp("true")}), func(c *record.Customer) {
			c.Consent[record.ChannelEmail] = record.Consent{State: record.ConsentUnsubscribed, Source: ConsentSource}
		}},
		{"opted out uppercase", base(map[string]*string{"hs_email_optout": sp("TRUE")}), func(c *record.Customer) {
			c.Consent[record.ChannelEmail] = record.Consent{State: record.ConsentUnsubscribed, Source: ConsentSource}
		}},
		{"nulls stay empty", base(map[string]*string{"email": nil, "phone": nil, "hs_email_optout": nil}), func(*record.Customer) {}},
		{"mobile only", base(map[string]*string{"mobilephone": sp("+14155550100")}), func(c *record.Customer) { c.Phone = "+14155550100" }},
		{"phone and a different mobile", base(map[string]*string{"phone": sp("+1 1"), "mobilephone": sp("+1 2")}), func(c *record.Customer) {
			c.Phone, c.Attributes = "+1 1", map[string]string{"mobilephone": "+1 2"}
		}},
		{"birth date as epoch ms", base(map[string]*string{"date_of_birth": sp("447465600000")}), func(c *record.Customer) { c.BirthDate = "1984-03-07" }},
		{"epoch ms lastmodifieddate", base(map[string]*string{"lastmodifieddate": sp("1575737406678")}), func(*record.Customer) {}},
		{"top-level updatedAt fallback", func() contactObject {
			o := base(nil)
			delete(o.Properties, "lastmodifieddate")
			return o
		}(), func(*record.Customer) {}},
		{"archived", func() contactObject { o := base(nil); o.Archived = true; return o }(), func(c *record.Customer) { c.Deleted = true }},
		{"extra properties", base(map[string]*string{"company": sp("Acme"), "jobtitle": nil}), func(c *record.Customer) {
			c.Attributes = map[string]string{"company": "Acme"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := record.Customer{Source: "crm", SourceID: "512", UpdatedAt: updated,
				CreatedAt: time.Date(2019, 10, 30, 3, 30, 17, 883e6, time.UTC),
				Consent:   map[record.Channel]record.Consent{record.ChannelEmail: {State: record.ConsentUnknown, Source: ConsentSource}}}
			tt.want(&want)
			got, err := toCustomer("crm", tt.in, []string{"company", "jobtitle"})
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	t.Run("no lastmodifieddate at all", func(t *testing.T) {
		_, err := toCustomer("crm", contactObject{ID: "1", Properties: map[string]*string{}}, nil)
		assert.ErrorContains(t, err, "lastmodifieddate")
	})
	t.Run("bad lastmodifieddate", func(t *testing.T) {
		_, err := toCustomer("crm", contactObject{ID: "1", Properties: map[string]*string{"lastmodifieddate": sp("yesterday")}}, nil)
		assert.ErrorContains(t, err, "unreadable")
	})
}

// TestSource_FetchPage_Mapping checks every synced contact against the dataset it was rendered from.
func TestSource_FetchPage_Mapping(t *testing.T) {
	sb := startSandbox(t, 200)
	src := newSource(t, sb, nil)
	res := syncAll(t, src, time.Time{})
	ds, release := sb.Data()
	defer release()
	byID := map[string]sandbox.Contact{}
	for _, c := range ds.Sources[sandbox.HubSpot].Contacts {
		byID[c.ID] = c
	}
	var unsubscribed int
	for _, got := range res.customers {
		want, ok := byID[got.SourceID]
		require.True(t, ok, got.SourceID)
		assert.Equal(t, "crm", got.Source)
		assert.Equal(t, want.Email, got.Email)
		assert.Equal(t, want.FirstName, got.FirstName)
		assert.Equal(t, want.LastName, got.LastName)
		assert.Equal(t, want.Phone, got.Phone)
		assert.Equal(t, want.BirthDate, got.BirthDate)
		assert.Equal(t, want.Gender, got.Gender)
		assert.True(t, want.UpdatedAt.Equal(got.UpdatedAt), "%s updated %s != %s", got.SourceID, got.UpdatedAt, want.UpdatedAt)
		assert.True(t, want.CreatedAt.Equal(got.CreatedAt))
		wantState := record.ConsentUnknown
		if want.EmailConsent == record.ConsentUnsubscribed {
			wantState = record.ConsentUnsubscribed
			unsubscribed++
		}
		assert.Equal(t, record.Consent{State: wantState, Source: ConsentSource}, got.Consent[record.ChannelEmail], got.SourceID)
	}
	assert.Positive(t, unsubscribed)
}
