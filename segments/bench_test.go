// bench_test.go holds the Evaluate benchmarks (ns/profile on 100k synthetic profiles).

package segments

import (
	"testing"
	"time"
)

// benchRules are typical user segments: an RFM/CLV combination, a plain count, and a
// customer/consent/engagement filter.
var benchRules = []Definition{
	{Name: "winback", Rule: `rfm.segment in ["at_risk", "cant_lose"] && clv.predicted_12m > 200`},
	{Name: "one-timers", Rule: `orders.count == 1`},
	{Name: "engaged-us", Rule: `customer.country == "US" && consent.email == "subscribed" && engagement.sessions > 3`},
}

func benchmarkEvaluate(b *testing.B, run func(*Engine, []Profile, time.Time) (Result, error)) {
	const n = 100_000
	profiles := synthProfiles(n, 1)
	e := mustEngine(b, benchRules...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := run(e, profiles, asOf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/profile")
}

// BenchmarkEvaluate100k evaluates 100,000 synthetic profiles (40% prospects) with the
// built-ins and three user rules, reporting the cost per profile.
func BenchmarkEvaluate100k(b *testing.B) { benchmarkEvaluate(b, (*Engine).Evaluate) }

// BenchmarkEvaluateMembers100k is the same without building Result.Facts.
func BenchmarkEvaluateMembers100k(b *testing.B) { benchmarkEvaluate(b, (*Engine).EvaluateMembers) }

// BenchmarkDecodeCustomer decodes one profile's stored segment input, as the segment stage does
// for every profile of a run.
func BenchmarkDecodeCustomer(b *testing.B) {
	in := EncodeCustomer(nil, fullGolden())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeCustomer(in); err != nil {
			b.Fatal(err)
		}
	}
}
