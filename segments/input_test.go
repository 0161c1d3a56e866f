package segments

import (
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullGolden is a golden record with every field set, including the ones segments never read.
func fullGolden() record.Customer {
	return record.Customer{
		Source: "crm", SourceID: "42", UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		CreatedAt: time.Date(2019, 5, 6, 7, 8, 9, 123456789, time.UTC),
		Email:     "ann@example.com", Phone: "+14155552671", Title: "dr", FirstName: "ann", LastName: "lee",
		Suffix: "jr", BirthDate: "1980-02-03", Gender: "f",
		Address: record.Address{Line1: "1 Market St", Line2: "apt 2", City: "san francisco", Region: "CA",
			Postcode: "94103", Country: "US"},
		Consent: map[record.Channel]record.Consent{
			record.ChannelEmail: {State: record.ConsentSubscribed, UpdatedAt: time.Now(), OptInLevel: "confirmed_opt_in", Source: "crm"},
			record.ChannelSMS:   {State: record.ConsentUnsubscribed},
			record.ChannelAds:   {State: record.ConsentSubscribed},
		},
		Attributes: map[string]string{"plan": "gold", "tags": "vip,beta", "": "empty key", "note": "a\x00b"},
		Shared:     []string{"phone"},
	}
}

func TestEncodeCustomerRoundTripsWhatSegmentsRead(t *testing.T) {
	for name, c := range map[string]record.Customer{
		"every field": fullGolden(),
		"empty":       {},
		"deleted":     {Deleted: true, Email: "gone@example.com"},
		"ancient":     {CreatedAt: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeCustomer(EncodeCustomer(nil, c))
			require.NoError(t, err)
			assert.Equal(t, SlimCustomer(c), got)
		})
	}
}

func TestDecodeCustomerRefusesDamage(t *testing.T) {
	b := EncodeCustomer(nil, fullGolden())
	for i := range len(b) - 1 {
		_, err := DecodeCustomer(b[:i])
		assert.Error(t, err, "truncated to %d bytes", i)
	}
	_, err := DecodeCustomer(append(append([]byte(nil), b...), 0))
	assert.ErrorContains(t, err, "trailing")
	other := append([]byte(nil), b...)
	other[0] = 9
	_, err = DecodeCustomer(other)
	assert.ErrorIs(t, err, ErrInputVersion)
}

// The slim form exists to make evaluation cheaper, never different: every fact and every
// membership must be the same whether the engine sees whole golden records or decoded inputs.
func TestEvaluatingDecodedInputsEqualsEvaluatingGoldenRecords(t *testing.T) {
	full := synthProfiles(3000, 7)
	for i := range full {
		g := fullGolden()
		g.Email, g.Address.Country = full[i].Customer.Email, full[i].Customer.Address.Country
		g.Consent[record.ChannelEmail] = full[i].Customer.Consent[record.ChannelEmail]
		if i%5 == 0 {
			g.Attributes = nil
		}
		if i%7 == 0 {
			g.CreatedAt = time.Time{}
		}
		full[i].Customer = g
	}
	slim := make([]Profile, len(full))
	for i, p := range full {
		c, err := DecodeCustomer(EncodeCustomer(nil, p.Customer))
		require.NoError(t, err)
		slim[i] = Profile{ID: p.ID, Customer: c, Orders: p.Orders, Engagement: p.Engagement}
	}
	eng, err := New([]Definition{
		{Name: "gold", Rule: `customer.attributes["plan"] == "gold" && consent.email == "subscribed"`},
		{Name: "sms_out", Rule: `consent.sms == "unsubscribed" && customer.city == "san francisco"`},
		{Name: "old_accounts", Rule: `customer.created_at < now - duration("8760h")`},
	})
	require.NoError(t, err)
	want, err := eng.Evaluate(full, asOf)
	require.NoError(t, err)
	got, err := eng.Evaluate(slim, asOf)
	require.NoError(t, err)
	assert.Equal(t, want.Members, got.Members)
	assert.Equal(t, want.Facts, got.Facts)
	assert.Equal(t, want.CLV, got.CLV)
	assert.NotEmpty(t, want.Members["gold"])
	assert.NotEmpty(t, want.Members["sms_out"])
	assert.NotEmpty(t, want.Members["old_accounts"])
}
