// Tests of the Salesforce Contact mapping and transport hooks.
package salesforce

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

func TestToCustomer(t *testing.T) {
	const base = `{"attributes":{"type":"Contact","url":"/services/data/v61.0/sobjects/Contact/003A"},"Id":"003A",
		"CreatedDate":"2013-05-20T20:49:32.000+0000","LastModifiedDate":"2014-01-01T00:00:00.000+0000",
		"SystemModstamp":"2014-01-02T03:04:05.678+0000"`
	updated := time.Date(2014, 1, 2, 3, 4, 5, 678e6, time.UTC)
	tests := []struct {
		name string
		json string
		want func(*record.Customer)
	}{
		{"all fields", base + `,"FirstName":"Jane","LastName":"Doe","Email":"Jane@Example.com","Phone":"(415) 555-0100",
			"MobilePhone":null,"Birthdate":"1984-03-07","HasOptedOutOfEmail":false,"DoNotCall":false,"IsDeleted":false}`,
			func(c *record.Customer) {
				c.FirstName, c.LastName, c.Email, c.Phone, c.BirthDate = "Jane", "Doe", "Jane@Example.com", "(415) 555-0100", "1984-03-07"
			}},
		{"opted out", base + `,"HasOptedOutOfEmail":true}`, func(c *record.Customer) {
			c.Consent[record.ChannelEmail] = record.Consent{State: record.ConsentUnsubscribed, Source: ConsentSource}
		}},
		{"mobile only", base + `,"Phone":null,"MobilePhone":"+14155550100"}`, func(c *record.Customer) { c.Phone = "+14155550100" }},
		{"phone and mobile", base + `,"Phone":"+1 1","MobilePhone":"+1 2"}`, func(c *record.Customer) {
			c.Phone, c.Attributes = "+1 1", map[string]string{"mobile_phone": "+1 2"}
		}},
		{"do not call", base + `,"DoNotCall":true}`, func(c *record.Customer) { c.Attributes = map[string]string{"do_not_call": "true"} }},
		{"deleted", base + `,"IsDeleted":true}`, func(c *record.Customer) { c.Deleted = true }},
		{"RFC 3339 datetimes", `{"Id":"003A","CreatedDate":"2013-05-20T20:49:32Z","SystemModstamp":"2014-01-02T03:04:05.678Z"}`, func(*record.Customer) {}},
		{"LastModifiedDate fallback", `{"Id":"003A","CreatedDate":"2013-05-20T20:49:32Z","LastModifiedDate":"2014-01-02T03:04:05.678+0000"}`, func(*record.Customer) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r contact
			require.NoError(t, json.Unmarshal([]byte(tt.json), &r))
			want := record.Customer{Source: "sfdc", SourceID: "003A", UpdatedAt: updated, CreatedAt: time.Date(2013, 5, 20, 20, 49, 32, 0, time.UTC),
				Consent: map[record.Channel]record.Consent{record.ChannelEmail: {State: record.ConsentUnknown, Source: ConsentSource}}}
			tt.want(&want)
			got, err := toCustomer("sfdc", r)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	t.Run("no modstamp", func(t *testing.T) {
		_, err := toCustomer("sfdc", contact{ID: "003A"})
		assert.ErrorContains(t, err, "SystemModstamp")
	})
}

func TestSource_FetchPage_Mapping(t *testing.T) {
	sb := startSandbox(t, 600)
	res := syncAll(t, newSource(t, sb, nil), time.Time{}, nil)
	ds, release := sb.Data()
	defer release()
	byID := map[string]sandbox.Contact{}
	for _, c := range ds.Sources[sandbox.Salesforce].Contacts {
		byID[c.ID] = c
	}
	opted := 0
	for _, got := range res.customers {
		want, ok := byID[got.SourceID]
		require.True(t, ok)
		assert.Equal(t, "sfdc", got.Source)
		assert.Equal(t, want.Email, got.Email)
		assert.Equal(t, want.FirstName, got.FirstName)
		assert.Equal(t, want.LastName, got.LastName)
		assert.Equal(t, want.Phone, got.Phone, got.SourceID)
		assert.Equal(t, want.BirthDate, got.BirthDate)
		assert.True(t, want.UpdatedAt.Equal(got.UpdatedAt))
		assert.True(t, want.CreatedAt.Equal(got.CreatedAt))
		state := record.ConsentUnknown
		if want.EmailConsent == record.ConsentUnsubscribed {
			state = record.ConsentUnsubscribed
			opted++
		}
		assert.Equal(t, state, got.Consent[record.ChannelEmail].State)
	}
	assert.Positive(t, opted)
}

func TestParseError(t *testing.T) {
	tests := []struct{ name, body, code, msg string }{
		{"array", `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, "INVALID_SESSION_ID", "Session expired or invalid"},
		{"limit", `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."},
		{"object", `{"message":"boom","errorCode":"UNKNOWN_EXCEPTION"}`, "UNKNOWN_EXCEPTION", "boom"},
		{"oauth", `{"error":"invalid_grant","error_description":"expired access/refresh token"}`, "invalid_grant", "expired access/refresh token"},
		{"html", `<html>503</html>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := parseError(400, []byte(tt.body))
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.msg, msg)
		})
	}
}

func TestVendorHooks(t *testing.T) {
	v := vendorHooks(time.Minute)
	limit := []byte(`[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
	t.Run("403 limit is a throttle", func(t *testing.T) {
		assert.True(t, v.Throttled(http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", nil))
		assert.False(t, v.Throttled(http.StatusForbidden, "INSUFFICIENT_ACCESS", nil))
		assert.Equal(t, time.Minute, v.RetryDelay(http.Header{}, limit))
	})
	t.Run("Retry-After wins if ever sent", func(t *testing.T) {
		assert.Equal(t, 5*time.Second, v.RetryDelay(http.Header{"Retry-After": {"5"}}, limit))
	})
	t.Run("other errors carry no wait", func(t *testing.T) {
		assert.Zero(t, v.RetryDelay(http.Header{}, []byte(`[{"errorCode":"MALFORMED_QUERY"}]`)))
	})
}
