// codec_test.go checks the batching of profile and link writes.
package profiles

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestInBatches_EncodesAheadInOrderAndStopsAtTheFirstError(t *testing.T) {
	before := runtime.NumGoroutine()
	n := 3*writeBatch + 17
	idx := make([]int, n)
	for i := range idx {
		idx[i] = n - i // any order: batches follow idx
	}
	encode := func(i int) (int, error) { return 10 * i, nil }

	var got []int
	var sizes []int
	require.NoError(t, inBatches(idx, encode, func(b []int) error {
		got = append(got, b...) // add must not keep b: inBatches reuses it
		sizes = append(sizes, len(b))
		return nil
	}))
	require.Equal(t, []int{writeBatch, writeBatch, writeBatch, 17}, sizes)
	for i, v := range got {
		require.Equal(t, 10*idx[i], v, "row %d", i)
	}

	small := 0
	require.NoError(t, inBatches(idx[:3], encode, func(b []int) error { small += len(b); return nil }))
	require.Equal(t, 3, small)
	require.NoError(t, inBatches(nil, encode, func([]int) error { t.Fatal("add called for nothing"); return nil }))

	// An encoding error in the third batch: the first two are written, the error is returned.
	bad := errors.New("bad row")
	calls := 0
	err := inBatches(idx, func(i int) (int, error) {
		if i == idx[2*writeBatch+5] {
			return 0, bad
		}
		return i, nil
	}, func([]int) error { calls++; return nil })
	require.ErrorIs(t, err, bad)
	require.Equal(t, 2, calls)

	// A write error stops the encoder too.
	full := errors.New("disk full")
	calls = 0
	err = inBatches(idx, encode, func([]int) error { calls++; return full })
	require.ErrorIs(t, err, full)
	require.Equal(t, 1, calls)
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "the encoding goroutine outlived its call")
}
