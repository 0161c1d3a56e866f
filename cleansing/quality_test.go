package cleansing

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
)

func TestQualityReport(t *testing.T) {
	c := newTestCleanser(t, Options{DefaultRegion: "US"})
	b := NewQualityBuilder("shop")
	for _, r := range []record.Customer{
		{Source: "shop", SourceID: "1", Email: "jane@acme.io", Phone: "415 555 2671", FirstName: "Jane",
			Consent: map[record.Channel]record.Consent{record.ChannelEmail: {State: record.ConsentSubscribed}}},
		{Source: "shop", SourceID: "2", Email: "info@acme.io", Phone: "12", FirstName: "Bob"},
		{Source: "shop", SourceID: "3", Email: "noreply@acme.io", FirstName: "Ann"},
		{Source: "shop", SourceID: "4", Email: "test@example.com"},
	} {
		b.Add(c.Customer(r))
	}
	q := b.Report()
	assert.Equal(t, "shop", q.Source)
	assert.Equal(t, 4, q.Records)
	assert.Equal(t, 2, q.Accepted)
	assert.Equal(t, 2, q.Quarantined)
	assert.Equal(t, map[string]int{ReasonNoIdentifier: 1, ReasonAllJunk: 1}, q.Primary)
	assert.Equal(t, map[string]int{ReasonNoIdentifier: 1, ReasonNoReplyEmail: 1, ReasonAllJunk: 1, ReasonPlaceholderEmail: 1}, q.Reasons)
	assert.Equal(t, map[string]int{ReasonRoleEmail: 1, ReasonInvalidPhone: 1}, q.Flags)
	assert.Equal(t, map[string]int{"phone": 1}, q.Dropped)
	assert.InDelta(t, 1.0, q.FillRate["email"], 1e-9)
	assert.InDelta(t, 0.5, q.FillRate["phone"], 1e-9)
	assert.InDelta(t, 0.5, q.FillRate["consent.email"], 1e-9)
	assert.InDelta(t, 0.0, q.FillRate["birth_date"], 1e-9)
	assert.Len(t, q.FillRate, len(CustomerFields), "every field is reported, unfilled ones at 0")

	b.AddShared(map[record.RecordKey][]Issue{{Source: "shop", ID: "1"}: {{Field: "email", Reason: ReasonSharedEmail}}})
	assert.Equal(t, 1, b.Report().Flags[ReasonSharedEmail])

	_, err := json.Marshal(q)
	require.NoError(t, err)
}

func TestQualityMerge(t *testing.T) {
	c := newTestCleanser(t, Options{})
	a, b := NewQualityBuilder("a"), NewQualityBuilder("b")
	a.Add(c.Customer(record.Customer{Source: "a", SourceID: "1", Email: "x@acme.io", FirstName: "X"}))
	a.Add(c.Customer(record.Customer{Source: "a", SourceID: "2"}))
	b.Add(c.Customer(record.Customer{Source: "b", SourceID: "1", Email: "y@acme.io"}))
	b.Add(c.Customer(record.Customer{Source: "b", SourceID: "2", Email: "z@acme.io"}))

	run := MergeQuality("", a.Report(), b.Report())
	assert.Empty(t, run.Source)
	assert.Equal(t, 4, run.Records)
	assert.Equal(t, 3, run.Accepted)
	assert.Equal(t, 1, run.Quarantined)
	assert.Equal(t, 1, run.Primary[ReasonNoIdentifier])
	assert.InDelta(t, 1.0, run.FillRate["email"], 1e-9)
	assert.InDelta(t, 1.0/3, run.FillRate["first_name"], 1e-9)

	// Merging a report into a builder leaves the merged report untouched.
	ar := a.Report()
	ab := NewQualityBuilder("")
	ab.Merge(ar)
	ab.Merge(ar)
	assert.Equal(t, 2, ar.Records)
	assert.Equal(t, 4, ab.Report().Records)
}

func TestQualityOrders(t *testing.T) {
	c := newTestCleanser(t, Options{})
	b := NewQualityBuilder("shop")
	b.AddOrder(c.Order(record.Order{Source: "shop", ID: "1", Total: record.Money{Amount: 100, Currency: "USD"}, Status: "completed"}))
	b.AddOrder(c.Order(record.Order{Source: "shop", Total: record.Money{Amount: 100, Currency: "USD"}}))
	q := b.Report()
	assert.Equal(t, 1, q.Accepted)
	assert.Equal(t, 1, q.Primary[ReasonMissingID])
	assert.InDelta(t, 1.0, q.FillRate["total.currency"], 1e-9)
	assert.InDelta(t, 0.0, q.FillRate["email"], 1e-9)
	assert.Len(t, q.FillRate, len(OrderFields))
}

func TestQualityZeroBuilder(t *testing.T) {
	var b QualityBuilder
	q := b.Report()
	assert.Equal(t, 0, q.Records)
	assert.NotNil(t, q.FillRate)
}
