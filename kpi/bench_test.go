package kpi

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/segments"
)

// BenchmarkCompute100k: the dashboard's figures over 100k profiles with 0–6 orders each (facts
// from the segment engine computed once, outside the timing).
func BenchmarkCompute100k(b *testing.B) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	ps := make([]segments.Profile, 100_000)
	sources := map[string][]string{}
	for i := range ps {
		id := fmt.Sprintf("p%06d", i)
		ps[i] = segments.Profile{ID: id, Engagement: map[string]float64{MetricSessions: float64(rng.IntN(20)), MetricAddToCart: float64(rng.IntN(4)), MetricPurchases: float64(rng.IntN(2))}}
		for j := range rng.IntN(7) {
			ps[i].Orders = append(ps[i].Orders, record.Order{Source: "shop", ID: fmt.Sprintf("%s-%d", id, j),
				Total: record.Money{Amount: int64(500 + rng.IntN(20000)), Currency: "USD"}, CreatedAt: now.AddDate(0, 0, -rng.IntN(720))})
		}
		sources[id] = []string{"crm", "shop"}[:1+rng.IntN(2)]
	}
	eng, err := segments.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	res, err := eng.Evaluate(ps, now)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d := Compute(Input{Profiles: ps, Facts: res.Facts, Sources: sources, Now: now})
		if d.Customers != len(ps) {
			b.Fatal(d.Customers)
		}
	}
}
