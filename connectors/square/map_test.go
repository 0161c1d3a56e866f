// This file tests the mapping of Square wire records to canonical records.
package square

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
)

func TestMapCustomer(t *testing.T) {
	tests := []struct {
		name string
		wire string
		want record.Customer
	}{
		{
			name: "full record",
			wire: `{"id":"C1","created_at":"2024-01-02T03:04:05.678Z","updated_at":"2024-02-02T03:04:05Z","given_name":"Jane","family_name":"Doe",
				"company_name":"Acme","email_address":"jane@example.com","phone_number":"+14155550100","birthday":"1984-03-07","reference_id":"CRM-7",
				"address":{"address_line_1":"1 Main St","address_line_2":"Apt 2","locality":"Toronto","administrative_district_level_1":"ON","postal_code":"M5V 2T6","country":"CA"},
				"preferences":{"email_unsubscribed":true},"creation_source":"THIRD_PARTY","version":3}`,
			want: record.Customer{Source: "sq", SourceID: "C1",
				CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 678000000, time.UTC), UpdatedAt: time.Date(2024, 2, 2, 3, 4, 5, 0, time.UTC),
				Email: "jane@example.com", Phone: "+14155550100", FirstName: "Jane", LastName: "Doe", BirthDate: "1984-03-07",
				Address:    record.Address{Line1: "1 Main St", Line2: "Apt 2", City: "Toronto", Region: "ON", Postcode: "M5V 2T6", Country: "CA"},
				Consent:    map[record.Channel]record.Consent{record.ChannelEmail: {State: record.ConsentUnsubscribed, Source: ConsentSource}},
				Attributes: map[string]string{"company": "Acme", "reference_id": "CRM-7", "creation_source": "THIRD_PARTY"}},
		},
		{
			name: "year-less birthday, no opt-out, unknown country",
			wire: `{"id":"C2","created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05Z","birthday":"0000-09-21",
				"address":{"locality":"Nowhere","country":"ZZ"},"preferences":{"email_unsubscribed":false}}`,
			want: record.Customer{Source: "sq", SourceID: "C2",
				CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), UpdatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
				Address:    record.Address{City: "Nowhere"},
				Consent:    map[record.Channel]record.Consent{record.ChannelEmail: {State: record.ConsentNotSubscribed, Source: ConsentSource}},
				Attributes: map[string]string{"birthday_month_day": "09-21"}},
		},
		{
			name: "no preferences records no consent",
			wire: `{"id":"C3","created_at":"2024-01-02T03:04:05Z","updated_at":"2024-01-02T03:04:05-05:00"}`,
			want: record.Customer{Source: "sq", SourceID: "C3",
				CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), UpdatedAt: time.Date(2024, 1, 2, 8, 4, 5, 0, time.UTC)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c customer
			require.NoError(t, json.Unmarshal([]byte(tt.wire), &c))
			got, err := mapCustomer("sq", c)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("bad timestamp", func(t *testing.T) {
		_, err := mapCustomer("sq", customer{ID: "C4", UpdatedAt: "yesterday"})
		assert.ErrorContains(t, err, "updated_at")
	})
}

func TestMapOrder(t *testing.T) {
	wire := `{"id":"O1","location_id":"L1","customer_id":"C1","state":"CANCELED","version":2,
		"total_money":{"amount":4398,"currency":"USD"},
		"line_items":[
			{"uid":"a","catalog_object_id":"P-100","name":"Cotton T-Shirt","quantity":"2","base_price_money":{"amount":1999,"currency":"USD"},"gross_sales_money":{"amount":3998,"currency":"USD"}},
			{"uid":"b","catalog_object_id":"P-900","name":"Coffee beans","quantity":"0.250","base_price_money":{"amount":1600,"currency":"USD"},"gross_sales_money":{"amount":400,"currency":"USD"}}],
		"created_at":"2024-05-01T10:00:00Z","updated_at":"2024-05-01T11:00:00.000Z","closed_at":"2024-05-01T10:30:00Z"}`
	var o order
	require.NoError(t, json.Unmarshal([]byte(wire), &o))
	got, err := mapOrder("sq", o)
	require.NoError(t, err)
	assert.Equal(t, record.Order{Source: "sq", ID: "O1", CustomerID: "C1", Status: "cancelled",
		Total:     record.Money{Amount: 4398, Currency: "USD"},
		CreatedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2024, 5, 1, 11, 0, 0, 0, time.UTC),
		ClosedAt: time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC),
		Lines: []record.LineItem{
			{ProductID: "P-100", Title: "Cotton T-Shirt", Quantity: 2, Price: record.Money{Amount: 1999, Currency: "USD"}},
			{ProductID: "P-900", Title: "Coffee beans (quantity 0.250)", Quantity: 1, Price: record.Money{Amount: 400, Currency: "USD"}},
		}}, got)
	var sum int64
	for _, l := range got.Lines {
		sum += l.Price.Amount * l.Quantity
	}
	assert.Equal(t, got.Total.Amount, sum)
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in    string
		qty   int64
		whole bool
		err   bool
	}{
		{"2", 2, true, false}, {"1.000", 1, true, false}, {"1.5", 1, false, false}, {".5", 0, false, false},
		{"", 1, true, false}, {"two", 0, false, true}, {"1.x", 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			qty, whole, err := parseQuantity(tt.in)
			if tt.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.qty, qty)
			assert.Equal(t, tt.whole, whole)
		})
	}
}

func TestParseError(t *testing.T) {
	code, msg := parseError(400, []byte(`{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"VALUE_TOO_HIGH","detail":"limit too high","field":"limit"}]}`))
	assert.Equal(t, "VALUE_TOO_HIGH", code)
	assert.Equal(t, "limit too high (field limit)", msg)
	code, msg = parseError(500, []byte(`{"status":"error","message":"boom"}`))
	assert.Equal(t, "", code)
	assert.Equal(t, "boom", msg)
	code, msg = parseError(502, []byte(`<html>bad gateway</html>`))
	assert.Empty(t, code+msg)
}
