// bench_test.go holds the throughput benchmarks: 100k and 1M generated customers, reporting
// records per second, peak Go heap and peak resident memory of the process while resolving,
// and the pairwise accuracy against the generator's truth.
package identity

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

var (
	genMu    sync.Mutex
	genCache = map[int]generated{}
)

func cachedCustomers(n int) generated {
	genMu.Lock()
	defer genMu.Unlock()
	g, ok := genCache[n]
	if !ok {
		g = generateCustomers(n, 42)
		genCache[n] = g
	}
	return g
}

// heapPeak samples the Go heap (without stopping the world) until stopped and returns the
// peak in bytes.
func heapPeak() (stop func() uint64) {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// residentPeak returns the process's peak resident set (VmHWM) in bytes, 0 if unknown.
func residentPeak() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetResidentPeak restarts VmHWM from the current resident set (Linux).
func resetResidentPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func benchmarkResolve(b *testing.B, n int) {
	g := cachedCustomers(n)
	cfg := DefaultConfig()
	runtime.GC()
	resetResidentPeak()
	cpu0 := cpuTime()
	b.ResetTimer()
	var res Result
	var peak uint64
	for b.Loop() {
		stop := heapPeak()
		var err error
		res, err = Resolve(context.Background(), cfg, g.records, State{})
		if err != nil {
			b.Fatal(err)
		}
		peak = max(peak, stop())
	}
	b.StopTimer()
	perOp := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/perOp, "records/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(residentPeak())/(1<<20), "peak-rss-MB")
	m := EvaluatePairs(res.Links, func(k record.RecordKey) string { return strconv.Itoa(g.person[k]) })
	b.ReportMetric(m.F1(), "F1")
	b.Logf("n=%d profiles=%d compared=%d matched=%d exact=%d refused=%d split=%d precision=%.4f recall=%.4f F1=%.4f rules=%v",
		n, res.Stats.Profiles, res.Stats.PairsCompared, res.Stats.PairsMatched, res.Stats.ExactLinks,
		res.Stats.LinksRefused, res.Stats.ClustersSplit, m.Precision(), m.Recall(), m.F1(), res.Stats.BlockingRules)
	b.Logf("threshold %.3f (chosen %v): estimated precision %.4f recall %.4f", res.Stats.Threshold, res.Stats.ThresholdChosen,
		res.Stats.EstimatedPrecision, res.Stats.EstimatedRecall)
	for _, p := range res.Stats.Phases {
		b.Logf("  %-9s %v", p.Name, p.Duration.Round(time.Millisecond))
	}
}

func BenchmarkResolve100k(b *testing.B) { benchmarkResolve(b, 100_000) }

func BenchmarkResolve1M(b *testing.B) { benchmarkResolve(b, 1_000_000) }

// BenchmarkResolveIncremental100k resolves 1% new or changed records against 100k resolved ones.
func BenchmarkResolveIncremental100k(b *testing.B) { benchmarkResolveIncremental(b, 100_000) }

// BenchmarkResolveIncremental1M resolves 1% new or changed records against 1M resolved ones.
func BenchmarkResolveIncremental1M(b *testing.B) { benchmarkResolveIncremental(b, 1_000_000) }

// benchmarkResolveIncremental resolves n records of which 1% are new (not in the prior state) and
// 0.5% changed, reusing the prior model and keeping unchanged profiles, as a refresh does.
func benchmarkResolveIncremental(b *testing.B, n int) {
	g := cachedCustomers(n)
	cfg := DefaultConfig()
	base := g.records[:n-n/100]
	res, err := Resolve(context.Background(), cfg, base, State{})
	if err != nil {
		b.Fatal(err)
	}
	state := res.NextState(State{})
	state.KeepUnchanged = true
	all := slices.Clone(g.records)
	var changed []record.RecordKey
	for i := 0; i < n/200; i++ {
		all[i*100].LastName += "e"
		changed = append(changed, all[i*100].Key())
	}
	b.ResetTimer()
	var inc Result
	for b.Loop() {
		inc, err = ResolveIncremental(context.Background(), cfg, all, changed, state)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(inc.Stats.PairsCompared), "pairs")
	b.Logf("changed=%d compared=%d (full run: %d) phases=%v", inc.Stats.Changed, inc.Stats.PairsCompared, res.Stats.PairsCompared, inc.Stats.Phases)
}
