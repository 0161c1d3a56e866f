// Tests of the Shopify customer/order mapping, Link parsing, pacing and error parsing.
package shopify

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

// the customer example from the reference, with consent filled in
const refCustomer = `{"id":207119551,"email":"bob.norman@mail.example.com","first_name":"Bob","last_name":"Norman",
 "phone":"+16136120707","state":"disabled","orders_count":1,"total_spent":"199.65","currency":"USD","tags":"Léon, Noël",
 "verified_email":true,"created_at":"2024-07-02T09:23:53-05:00","updated_at":"2024-07-02T09:23:53-05:00",
 "email_marketing_consent":{"state":"subscribed","opt_in_level":"confirmed_opt_in","consent_updated_at":"2024-07-01T10:00:00-05:00"},
 "sms_marketing_consent":{"state":"not_subscribed","opt_in_level":"single_opt_in","consent_updated_at":null,"consent_collected_from":"OTHER"},
 "default_address":{"address1":"Chestnut Street 92","address2":"","city":"Louisville","province":"Ontario","province_code":"ON","country":"Canada","country_code":"CA","zip":"K2H7A8"}}`

func TestToCustomer(t *testing.T) {
	at := time.Date(2024, 7, 2, 14, 23, 53, 0, time.UTC)
	full := record.Customer{Source: "shop", SourceID: "207119551", UpdatedAt: at, CreatedAt: at,
		Email: "bob.norman@mail.example.com", Phone: "+16136120707", FirstName: "Bob", LastName: "Norman",
		Address: record.Address{Line1: "Chestnut Street 92", City: "Louisville", Region: "ON", Postcode: "K2H7A8", Country: "CA"},
		Consent: map[record.Channel]record.Consent{
			record.ChannelEmail: {State: record.ConsentSubscribed, OptInLevel: "confirmed_opt_in", Source: ConsentSourceEmail,
				UpdatedAt: time.Date(2024, 7, 1, 15, 0, 0, 0, time.UTC)},
			record.ChannelSMS: {State: record.ConsentNotSubscribed, OptInLevel: "single_opt_in", Source: ConsentSourceSMS},
		},
		Attributes: map[string]string{"tags": "Léon, Noël", "account_state": "disabled", "verified_email": "true",
			"orders_count": "1", "total_spent": "199.65", "currency": "USD"},
	}
	tests := []struct {
		name  string
		patch string // JSON merged over the reference customer
		want  func(*record.Customer)
	}{
		{"reference customer", `{}`, func(*record.Customer) {}},
		{"null consents record nothing", `{"email_marketing_consent":null,"sms_marketing_consent":null}`, func(c *record.Customer) { c.Consent = nil }},
		{"unsubscribed", `{"email_marketing_consent":{"state":"unsubscribed","opt_in_level":"single_opt_in","consent_updated_at":null}}`,
			func(c *record.Customer) {
				c.Consent[record.ChannelEmail] = record.Consent{State: record.ConsentUnsubscribed, OptInLevel: "single_opt_in", Source: ConsentSourceEmail}
			}},
		{"unknown state", `{"email_marketing_consent":{"state":"invalid"}}`, func(c *record.Customer) {
			c.Consent[record.ChannelEmail] = record.Consent{State: record.ConsentUnknown, Source: ConsentSourceEmail}
		}},
		{"deprecated accepts_marketing", `{"email_marketing_consent":null,"accepts_marketing":true,"accepts_marketing_updated_at":"2020-01-01T00:00:00Z"}`,
			func(c *record.Customer) {
				c.Consent[record.ChannelEmail] = record.Consent{State: record.ConsentSubscribed, UpdatedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), Source: ConsentSourceAcceptsMarketing}
			}},
		{"phone from the address", `{"phone":null,"default_address":{"phone":"+16135550000","country":"Canada"}}`, func(c *record.Customer) {
			c.Phone, c.Address = "+16135550000", record.Address{Country: "Canada"}
		}},
		{"no address", `{"default_address":null}`, func(c *record.Customer) { c.Address = record.Address{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(refCustomer), &m))
			var patch map[string]any
			require.NoError(t, json.Unmarshal([]byte(tt.patch), &patch))
			for k, v := range patch {
				m[k] = v
			}
			raw, _ := json.Marshal(m)
			var c customer
			require.NoError(t, json.Unmarshal(raw, &c))
			want := full
			want.Consent = map[record.Channel]record.Consent{}
			for k, v := range full.Consent {
				want.Consent[k] = v
			}
			tt.want(&want)
			got, err := toCustomer("shop", c)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

const refOrder = `{"id":450789469,"name":"#1001","email":"bob.norman@mail.example.com","contact_email":"bob.norman@mail.example.com",
 "created_at":"2008-01-10T11:00:00-05:00","updated_at":"2008-01-10T11:00:00-05:00","processed_at":"2008-01-10T11:00:00-05:00",
 "closed_at":null,"cancelled_at":null,"currency":"USD","financial_status":"paid","total_price":"598.94",
 "total_price_set":{"shop_money":{"amount":"598.94","currency_code":"USD"},"presentment_money":{"amount":"598.94","currency_code":"USD"}},
 "customer":{"id":207119551,"email":"bob.norman@mail.example.com"},
 "line_items":[{"product_id":632910392,"variant_id":49148385,"title":"IPod Nano - 8GB","quantity":1,"price":"199.00","sku":"IPOD2008RED"},
  {"product_id":null,"title":"Custom engraving","quantity":3,"price":"0.10","sku":null}]}`

func TestToOrder(t *testing.T) {
	at := time.Date(2008, 1, 10, 16, 0, 0, 0, time.UTC)
	base := record.Order{Source: "shop", ID: "450789469", CustomerID: "207119551", Email: "bob.norman@mail.example.com",
		Total: record.Money{Amount: 59894, Currency: "USD"}, CreatedAt: at, UpdatedAt: at, Status: "completed",
		Lines: []record.LineItem{
			{ProductID: "632910392", SKU: "IPOD2008RED", Title: "IPod Nano - 8GB", Quantity: 1, Price: record.Money{Amount: 19900, Currency: "USD"}},
			{Title: "Custom engraving", Quantity: 3, Price: record.Money{Amount: 10, Currency: "USD"}},
		}}
	tests := []struct {
		name  string
		patch string
		want  func(*record.Order)
	}{
		{"reference order", `{}`, func(*record.Order) {}},
		{"cancelled", `{"cancelled_at":"2008-01-11T00:00:00-05:00","financial_status":"voided","closed_at":"2008-01-11T00:00:00-05:00"}`,
			func(o *record.Order) {
				o.Status, o.ClosedAt = "cancelled", time.Date(2008, 1, 11, 5, 0, 0, 0, time.UTC)
			}},
		{"refunded", `{"financial_status":"refunded"}`, func(o *record.Order) { o.Status = "refunded" }},
		{"partially refunded", `{"financial_status":"partially_refunded"}`, func(o *record.Order) { o.Status = "partially_refunded" }},
		{"pending", `{"financial_status":"pending"}`, func(o *record.Order) { o.Status = "open" }},
		{"guest checkout", `{"customer":null}`, func(o *record.Order) { o.CustomerID = "" }},
		{"zero-decimal currency", `{"currency":"JPY","total_price":"5990","total_price_set":null,"line_items":[]}`, func(o *record.Order) {
			o.Total, o.Lines = record.Money{Amount: 5990, Currency: "JPY"}, nil
		}},
		{"three-decimal currency", `{"currency":"KWD","total_price":"12.345","line_items":[]}`, func(o *record.Order) {
			o.Total, o.Lines = record.Money{Amount: 12345, Currency: "KWD"}, nil
		}},
		{"money from the set when total_price is missing", `{"total_price":"","currency":""}`, func(*record.Order) {}},
		{"large amount stays exact", `{"total_price":"92233720368547758.07","line_items":[]}`, func(o *record.Order) {
			o.Total.Amount, o.Lines = 9223372036854775807, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toOrder("shop", decodeOrder(t, tt.patch))
			require.NoError(t, err)
			want := base
			want.Lines = append([]record.LineItem(nil), base.Lines...)
			tt.want(&want)
			assert.Equal(t, want, got)
		})
	}
	for _, bad := range []struct{ name, patch, want string }{
		{"float-ish total", `{"total_price":"1.5e2"}`, "total_price"},
		{"sub-cent total", `{"total_price":"1.005"}`, "total_price"},
		{"bad line price", `{"line_items":[{"title":"x","quantity":1,"price":"abc"}]}`, "line 1 price"},
		{"no created_at", `{"created_at":""}`, "created_at"},
	} {
		t.Run(bad.name, func(t *testing.T) {
			_, err := toOrder("shop", decodeOrder(t, bad.patch))
			assert.ErrorContains(t, err, bad.want)
		})
	}
}

func decodeOrder(t *testing.T, patch string) order {
	t.Helper()
	var m, p map[string]any
	require.NoError(t, json.Unmarshal([]byte(refOrder), &m))
	require.NoError(t, json.Unmarshal([]byte(patch), &p))
	for k, v := range p {
		m[k] = v
	}
	raw, _ := json.Marshal(m)
	var o order
	require.NoError(t, json.Unmarshal(raw, &o))
	return o
}

// TestSource_FetchPage_Mapping checks synced records against the dataset the sandbox rendered.
func TestSource_FetchPage_Mapping(t *testing.T) {
	sb := startSandbox(t, 200)
	src := newSource(t, sb, func(c *Config) { c.PageSize = 250 })
	ds, release := sb.Data()
	defer release()
	sd := ds.Sources[sandbox.Shopify]

	cp, err := src.FetchPage(t.Context(), pageReq(record.KindCustomer))
	require.NoError(t, err)
	require.True(t, cp.Done)
	contacts := map[string]sandbox.Contact{}
	for _, c := range sd.Contacts {
		contacts[c.ID] = c
	}
	states := map[record.ConsentState]int{}
	for _, got := range cp.Customers {
		want := contacts[got.SourceID]
		assert.Equal(t, want.Email, got.Email)
		assert.Equal(t, want.Phone, got.Phone)
		assert.Equal(t, want.FirstName, got.FirstName)
		assert.Equal(t, want.LastName, got.LastName)
		assert.Equal(t, want.Address, got.Address)
		assert.True(t, want.UpdatedAt.Equal(got.UpdatedAt))
		if want.Email != "" {
			assert.Equal(t, want.EmailConsent, got.Consent[record.ChannelEmail].State, got.SourceID)
			assert.Equal(t, ConsentSourceEmail, got.Consent[record.ChannelEmail].Source)
			states[got.Consent[record.ChannelEmail].State]++
		} else {
			assert.NotContains(t, got.Consent, record.ChannelEmail)
		}
		if want.Phone != "" {
			assert.Equal(t, want.SMSConsent, got.Consent[record.ChannelSMS].State)
		}
	}
	assert.Len(t, states, 3, "subscribed, not_subscribed and unsubscribed all occur")

	orders := map[string]sandbox.Order{}
	for _, o := range sd.Orders {
		orders[o.ID] = o
	}
	n := 0
	for cur := ""; ; {
		req := pageReq(record.KindOrder)
		req.Cursor = cur
		op, err := src.FetchPage(t.Context(), req)
		require.NoError(t, err)
		for _, got := range op.Orders {
			n++
			want := orders[got.ID]
			assert.Equal(t, want.Total, got.Total, got.ID)
			assert.Equal(t, want.ContactID, got.CustomerID)
			assert.Equal(t, want.Email, got.Email)
			assert.Equal(t, want.Status, got.Status)
			assert.True(t, want.CreatedAt.Equal(got.CreatedAt))
			assert.True(t, want.ClosedAt.Equal(got.ClosedAt))
			require.Len(t, got.Lines, len(want.Lines))
			var sum int64
			for i, l := range got.Lines {
				assert.Equal(t, strings.TrimPrefix(want.Lines[i].ProductID, "P-"), l.ProductID)
				assert.Equal(t, want.Lines[i].SKU, l.SKU)
				assert.Equal(t, want.Lines[i].Quantity, l.Quantity)
				assert.Equal(t, want.Lines[i].Price, l.Price)
				sum += l.Price.Amount * l.Quantity
			}
			assert.Equal(t, got.Total.Amount, sum)
		}
		if op.Done {
			break
		}
		cur = op.Next
	}
	assert.Equal(t, len(sd.Orders), n)
}

func TestPacer(t *testing.T) {
	p := pacer(2)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"1/40", 0}, {"35/40", 0}, {"36/40", 500 * time.Millisecond}, {"40/40", 2500 * time.Millisecond},
		{"3/10", 0}, {"9/10", 500 * time.Millisecond}, {"", 0}, {"garbage", 0}, {"5/0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			assert.Equal(t, tt.want, p(http.Header{"X-Shopify-Shop-Api-Call-Limit": {tt.header}}))
		})
	}
}

func TestNextPageInfo(t *testing.T) {
	tests := []struct {
		name  string
		links []string
		want  string
	}{
		{"next only", []string{`<https://s.myshopify.com/admin/api/2024-07/customers.json?limit=250&page_info=abc>; rel="next"`}, "abc"},
		{"previous and next", []string{`<https://s/admin/api/2024-07/customers.json?limit=250&page_info=p1>; rel="previous", <https://s/admin/api/2024-07/customers.json?limit=250&page_info=n1>; rel="next"`}, "n1"},
		{"previous only (last page)", []string{`<https://s/x.json?page_info=p1>; rel="previous"`}, ""},
		{"unquoted rel, fields with commas", []string{`<https://s/x.json?fields=id,email&limit=5&page_info=n2>; rel=next`}, "n2"},
		{"separate headers", []string{`<https://s/x.json?page_info=p>; rel="previous"`, `<https://s/x.json?page_info=n>; rel="next"`}, "n"},
		{"none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, nextPageInfo(tt.links)) })
	}
}

func TestParseError(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}`, "[API] Invalid API key or access token (unrecognized login or wrong password)"},
		{`{"errors":{"limit":["must be between 1 and 250"],"email":["is invalid","is taken"]}}`, "email is invalid, is taken; limit must be between 1 and 250"},
		{`{"errors":["a","b"]}`, "a; b"},
		{`{"error":"invalid_request"}`, "invalid_request"},
		{`not json`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			code, msg := parseError(400, []byte(tt.body))
			assert.Empty(t, code)
			assert.Equal(t, tt.want, msg)
		})
	}
}
