// facts_test.go tests the per-profile base facts: counted orders, dates, dominant currency, consent.

package segments

import (
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCountable(t *testing.T) {
	tests := []struct {
		name  string
		order record.Order
		want  bool
	}{
		{"completed", ord(1, 100), true},
		{"open", withStatus(ord(1, 100), "open"), true},
		{"no status", withStatus(ord(1, 100), ""), true},
		{"partially refunded still a purchase", withStatus(ord(1, 100), "partially_refunded"), true},
		{"cancelled", withStatus(ord(1, 100), "cancelled"), false},
		{"canceled (US)", withStatus(ord(1, 100), "canceled"), false},
		{"refunded any case", withStatus(ord(1, 100), " Refunded "), false},
		{"voided", withStatus(ord(1, 100), "VOIDED"), false},
		{"void", withStatus(ord(1, 100), "void"), false},
		{"placed exactly now", ord(0, 100), true},
		{"after now", record.Order{CreatedAt: asOf.Add(time.Second), Status: "completed"}, false},
		{"undated", record.Order{Status: "completed"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, countable(&tt.order, asOf))
		})
	}
}

func base(p Profile) (Facts, stats) {
	var f Facts
	var st stats
	baseFacts(&p, asOf, &f, &st, &scratch{})
	return f, st
}

func TestBaseFactsOrders(t *testing.T) {
	f, st := base(prof("p",
		ord(100, 1000),
		ord(10, 3000),
		withStatus(ord(1, 99999), "refunded"), // ignored: not the last order either
		ord(40, 2000),
	))
	o := f.Orders
	assert.Equal(t, 3, o.Count)
	assert.Equal(t, 60.0, o.Total)
	assert.Equal(t, 20.0, o.Avg)
	assert.Equal(t, "USD", o.Currency)
	assert.Equal(t, 3, o.CountInCurrency)
	assert.Equal(t, daysAgo(100), o.FirstAt)
	assert.Equal(t, daysAgo(10), o.LastAt)
	assert.Equal(t, 10, f.DaysSinceLastOrder)
	assert.Equal(t, 100, f.DaysSinceFirstOrder)
	assert.True(t, f.RepeatBuyer)
	assert.False(t, f.OneTimeBuyer)
	assert.False(t, f.Prospect)
	assert.Equal(t, int64(6000), st.totalMinor)
	assert.InDelta(t, 90.0, st.spanDays, 1e-9)
	assert.Equal(t, 60.0, f.CLV.Historical)
	assert.Equal(t, 20.0, f.CLV.AOV)
}

func TestBaseFactsProspect(t *testing.T) {
	f, st := base(prof("p", withStatus(ord(3, 500), "cancelled")))
	assert.Equal(t, 0, f.Orders.Count)
	assert.True(t, f.Prospect)
	assert.Equal(t, -1, f.DaysSinceLastOrder)
	assert.Equal(t, -1, f.DaysSinceFirstOrder)
	assert.Empty(t, f.Orders.Currency)
	assert.True(t, f.Orders.FirstAt.IsZero())
	assert.Equal(t, int32(-1), st.cohort)
	assert.Equal(t, int8(-1), st.rfm)
}

func TestDaysSinceAreWholeDays(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want int
	}{
		{"an hour ago", asOf.Add(-time.Hour), 0},
		{"23h59m ago", asOf.Add(-24*time.Hour + time.Minute), 0},
		{"exactly a day", asOf.Add(-24 * time.Hour), 1},
		{"47 hours", asOf.Add(-47 * time.Hour), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := base(prof("p", record.Order{CreatedAt: tt.at, Total: record.Money{Amount: 1, Currency: "USD"}}))
			assert.Equal(t, tt.want, f.DaysSinceLastOrder)
		})
	}
}

func TestDominantCurrency(t *testing.T) {
	tests := []struct {
		name      string
		orders    []record.Order
		currency  string
		count     int
		inCur     int
		total     float64
		avg       float64
		totalMinr int64
	}{
		{
			name:     "most orders wins, other currency ignored for money",
			orders:   []record.Order{withCurrency(ord(5, 1000), "EUR"), withCurrency(ord(6, 3000), "EUR"), ord(1, 99900)},
			currency: "EUR", count: 3, inCur: 2, total: 40, avg: 20, totalMinr: 4000,
		},
		{
			name:     "tie goes to the most recent order's currency",
			orders:   []record.Order{withCurrency(ord(5, 1000), "EUR"), ord(2, 500)},
			currency: "USD", count: 2, inCur: 1, total: 5, avg: 5, totalMinr: 500,
		},
		{
			name:     "full tie goes to the first code",
			orders:   []record.Order{withCurrency(ord(5, 1000), "GBP"), withCurrency(ord(5, 700), "CHF")},
			currency: "CHF", count: 2, inCur: 1, total: 7, avg: 7, totalMinr: 700,
		},
		{
			name:     "codes are normalised",
			orders:   []record.Order{withCurrency(ord(5, 1000), "eur"), withCurrency(ord(6, 1000), " EUR"), ord(1, 5)},
			currency: "EUR", count: 3, inCur: 2, total: 20, avg: 10, totalMinr: 2000,
		},
		{
			name:     "yen in whole units",
			orders:   []record.Order{withCurrency(ord(5, 1500), "JPY"), withCurrency(ord(9, 1000), "JPY")},
			currency: "JPY", count: 2, inCur: 2, total: 2500, avg: 1250, totalMinr: 2500,
		},
		{
			name:     "kuwaiti dinar in thousandths",
			orders:   []record.Order{withCurrency(ord(5, 1500), "KWD"), withCurrency(ord(9, 1000), "KWD")},
			currency: "KWD", count: 2, inCur: 2, total: 2.5, avg: 1.25, totalMinr: 2500,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, st := base(prof("p", tt.orders...))
			assert.Equal(t, tt.currency, f.Orders.Currency)
			assert.Equal(t, tt.count, f.Orders.Count)
			assert.Equal(t, tt.inCur, f.Orders.CountInCurrency)
			assert.InDelta(t, tt.total, f.Orders.Total, 1e-9)
			assert.InDelta(t, tt.avg, f.Orders.Avg, 1e-9)
			assert.Equal(t, tt.totalMinr, st.totalMinor)
		})
	}
}

func TestBaseFactsCustomerConsentEngagement(t *testing.T) {
	p := Profile{
		ID: "p",
		Customer: record.Customer{
			Email: "a@example.com", FirstName: "Ada", Address: record.Address{City: "Austin", Country: "US"},
			Consent: map[record.Channel]record.Consent{
				record.ChannelEmail: {State: record.ConsentSubscribed},
				record.ChannelSMS:   {State: ""},
			},
			Attributes: map[string]string{"tags": "vip"},
		},
		Engagement: map[string]float64{"sessions": 4},
	}
	f, _ := base(p)
	assert.Equal(t, "a@example.com", f.Customer.Email)
	assert.Equal(t, "Ada", f.Customer.FirstName)
	assert.Equal(t, "Austin", f.Customer.City)
	assert.Equal(t, "US", f.Customer.Country)
	assert.Equal(t, "vip", f.Customer.Attributes["tags"])
	assert.Equal(t, "subscribed", f.Consent.Email)
	assert.Equal(t, "unknown", f.Consent.SMS, "blank state reads as unknown")
	assert.Equal(t, 4.0, f.Engagement["sessions"])
	assert.Equal(t, asOf, f.Now)

	f, _ = base(Profile{ID: "q"})
	assert.Equal(t, "unknown", f.Consent.Email, "no consent recorded")
}

func TestBaseFactsReusesScratchWithoutLeaking(t *testing.T) {
	sc := &scratch{}
	var f Facts
	var st stats
	p1 := prof("a", withCurrency(ord(1, 100), "EUR"), withCurrency(ord(2, 100), "EUR"))
	p2 := prof("b", ord(3, 100))
	baseFacts(&p1, asOf, &f, &st, sc)
	require.Equal(t, "EUR", f.Orders.Currency)
	baseFacts(&p2, asOf, &f, &st, sc)
	assert.Equal(t, "USD", f.Orders.Currency)
	assert.Equal(t, 1, f.Orders.CountInCurrency)
}
