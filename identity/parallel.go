// parallel.go holds the small helpers that spread work over the available cores while
// keeping results in a deterministic order.
package identity

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workers is the number of goroutines used for parallel phases.
func workers() int { return max(1, runtime.GOMAXPROCS(0)) }

// parallelChunks runs fn(chunk) for chunks 0..n-1 on workers() goroutines; each chunk
// writes its own output slot, so results are ordered whatever the scheduling.
func parallelChunks(n int, fn func(chunk int)) {
	w := min(workers(), n)
	if w <= 1 {
		for c := range n {
			fn(c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= n {
					return
				}
				fn(c)
			}
		})
	}
	wg.Wait()
}

// parallelRange splits [0,n) into about chunks equal ranges and runs fn on each in parallel.
func parallelRange(n, chunks int, fn func(chunk, lo, hi int)) {
	chunks = max(1, min(chunks, n))
	parallelChunks(chunks, func(c int) {
		fn(c, c*n/chunks, (c+1)*n/chunks)
	})
}
