package kpi

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/segments"
)

func order(id string, day time.Time, cents int64, cur, status string) record.Order {
	return record.Order{Source: "shop", ID: id, Total: record.Money{Amount: cents, Currency: cur}, CreatedAt: day, Status: status}
}

func TestCompute(t *testing.T) {
	now := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	jan, feb, mar := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	profiles := []segments.Profile{
		{ID: "a", Orders: []record.Order{order("1", jan, 10000, "USD", ""), order("2", mar, 5000, "USD", "")},
			Engagement: map[string]float64{MetricSessions: 10, MetricAddToCart: 4, MetricPurchases: 1}},
		{ID: "b", Orders: []record.Order{order("3", jan, 3000, "USD", ""), order("4", feb, 9900, "USD", "cancelled")}},
		{ID: "c", Orders: []record.Order{order("5", feb, 2000, "EUR", "")}, Engagement: map[string]float64{MetricSessions: 10}},
		{ID: "d"},
		{ID: "gone", Customer: record.Customer{Deleted: true}},
	}
	eng, err := segments.New(nil)
	require.NoError(t, err)
	res, err := eng.Evaluate(profiles, now)
	require.NoError(t, err)
	d := Compute(Input{Profiles: profiles, Facts: res.Facts, Now: now,
		Sources: map[string][]string{"a": {"hubspot", "shop"}, "b": {"shop"}, "c": {"shop"}, "d": {"hubspot"}}})

	assert.Equal(t, 4, d.Customers, "the deleted profile does not count")
	assert.Equal(t, map[string]int{"hubspot": 2, "shop": 3}, d.BySource)
	assert.Equal(t, map[string]int{"hubspot+shop": 1, "shop": 2, "hubspot": 1}, d.Overlap)
	assert.Equal(t, 1, d.MultiSource)
	assert.Equal(t, 3, d.Buyers)
	assert.Equal(t, 1, d.Repeat)
	assert.Equal(t, 2, d.OneTime, "b's cancelled order does not make it a repeat buyer")
	assert.Equal(t, 1, d.Prospects)
	assert.InDelta(t, 1.0/3, d.RepeatRate, 0.0001)
	require.Len(t, d.Currencies, 2)
	assert.Equal(t, Currency{Code: "USD", Revenue: 180, Orders: 3, AOV: 60, Buyers: 2}, d.Currencies[0], "the cancelled order is left out")
	assert.Equal(t, Currency{Code: "EUR", Revenue: 20, Orders: 1, AOV: 20, Buyers: 1}, d.Currencies[1])
	assert.Equal(t, 20.0, d.Web.Sessions)
	assert.InDelta(t, 0.05, d.Web.ConversionRate, 0.0001)
	assert.InDelta(t, 0.75, d.Web.CartAbandonment, 0.0001)
	require.Len(t, d.Cohorts, 2)
	assert.Equal(t, Cohort{Month: "2026-01", Size: 2, Retention: []float64{1, 0, 0.5}}, d.Cohorts[0], "a ordered again in March")
	assert.Equal(t, Cohort{Month: "2026-02", Size: 1, Retention: []float64{1, 0}}, d.Cohorts[1])
	rfm := 0
	for _, row := range d.RFM {
		for _, n := range row {
			rfm += n
		}
	}
	assert.Equal(t, 3, rfm, "every buyer sits in the RFM grid")
	assert.Equal(t, "USD", d.CLV.Currency)
	total := 0
	for _, b := range d.CLV.Bins {
		total += b.Count
	}
	assert.Equal(t, 2, total, "the USD buyers")
}

func TestComputeEmpty(t *testing.T) {
	d := Compute(Input{Now: time.Now()})
	assert.Zero(t, d.Customers)
	assert.Zero(t, d.RepeatRate)
	assert.Empty(t, d.Cohorts)
	assert.Empty(t, d.CLV.Bins)
}
