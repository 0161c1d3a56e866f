package cleansing

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cdpflow/cdpflow/record"
)

func TestFindSharedIdentifiers(t *testing.T) {
	cust := func(id, email, phone, first, last string) record.Customer {
		return record.Customer{Source: "crm", SourceID: id, Email: email, Phone: phone, FirstName: first, LastName: last}
	}
	tests := []struct {
		name string
		recs []record.Customer
		want map[string][]string // record id -> reasons
	}{
		{"family sharing one mailbox", []record.Customer{
			cust("1", "smiths@gmail.com", "", "John", "Smith"),
			cust("2", "smiths@gmail.com", "", "Jane", "Smith"),
			cust("3", "other@gmail.com", "", "Jane", "Smith"),
		}, map[string][]string{"1": {ReasonSharedEmail}, "2": {ReasonSharedEmail}}},
		{"same person twice is not shared", []record.Customer{
			cust("1", "john@acme.io", "+14155552671", "John", "Smith"),
			cust("2", "john@acme.io", "+14155552671", "JOHN", "SMITH"),
		}, nil},
		{"initial and nickname prefix fit", []record.Customer{
			cust("1", "chris@acme.io", "", "Christopher", "Lee"),
			cust("2", "chris@acme.io", "", "Chris", "Lee"),
			cust("3", "chris@acme.io", "", "C.", "Lee"),
		}, nil},
		{"swapped first and last fit", []record.Customer{
			cust("1", "wei@acme.io", "", "Wei", "Zhang"),
			cust("2", "wei@acme.io", "", "Zhang", "Wei"),
		}, nil},
		{"unnamed record cannot tell", []record.Customer{
			cust("1", "x@acme.io", "", "", ""),
			cust("2", "x@acme.io", "", "Ann", "Lee"),
		}, nil},
		{"unnamed record flagged when named ones differ", []record.Customer{
			cust("1", "x@acme.io", "", "", ""),
			cust("2", "x@acme.io", "", "Ann", "Lee"),
			cust("3", "x@acme.io", "", "Bob", "Lee"),
		}, map[string][]string{"1": {ReasonSharedEmail}, "2": {ReasonSharedEmail}, "3": {ReasonSharedEmail}}},
		{"gmail dots and tags are the same mailbox", []record.Customer{
			cust("1", "john.smith@gmail.com", "", "John", "Smith"),
			cust("2", "johnsmith+shop@gmail.com", "", "Mary", "Jones"),
		}, map[string][]string{"1": {ReasonSharedEmail}, "2": {ReasonSharedEmail}}},
		{"shared phone, different emails", []record.Customer{
			cust("1", "a@acme.io", "+14155552671", "Ann", "Lee"),
			cust("2", "b@acme.io", "+14155552671", "Bob", "Kim"),
		}, map[string][]string{"1": {ReasonSharedPhone}, "2": {ReasonSharedPhone}}},
		{"both shared", []record.Customer{
			cust("1", "a@acme.io", "+14155552671", "Ann", "Lee"),
			cust("2", "a@acme.io", "+14155552671", "Bob", "Kim"),
		}, map[string][]string{"1": {ReasonSharedEmail, ReasonSharedPhone}, "2": {ReasonSharedEmail, ReasonSharedPhone}}},
		{"different sources are not compared", []record.Customer{
			cust("1", "a@acme.io", "", "Ann", "Lee"),
			{Source: "shop", SourceID: "1", Email: "a@acme.io", FirstName: "Bob", LastName: "Kim"},
		}, nil},
		{"deleted records ignored", []record.Customer{
			cust("1", "a@acme.io", "", "Ann", "Lee"),
			{Source: "crm", SourceID: "2", Email: "a@acme.io", FirstName: "Bob", LastName: "Kim", Deleted: true},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindSharedIdentifiers(tt.recs)
			reasons := map[string][]string{}
			for k, issues := range got {
				for _, is := range issues {
					assert.False(t, is.Dropped)
					assert.NotEmpty(t, is.Value)
					reasons[k.ID] = append(reasons[k.ID], is.Reason)
				}
			}
			if tt.want == nil {
				tt.want = map[string][]string{}
			}
			assert.Equal(t, tt.want, reasons)
		})
	}
}

func TestFindSharedIdentifiersManyNames(t *testing.T) {
	var recs []record.Customer
	for i := range 200 {
		recs = append(recs, record.Customer{Source: "pos", SourceID: string(rune('a'+i%26)) + string(rune('0'+i/26)),
			Email: "frontdesk@hotel.com", FirstName: "Guest" + string(rune('A'+i%26)), LastName: string(rune('A' + i/26))})
	}
	got := FindSharedIdentifiers(recs)
	assert.Len(t, got, 200)
}
