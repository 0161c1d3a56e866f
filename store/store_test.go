package store

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDigestRange_PartsTileTheDigests(t *testing.T) {
	lo, hi := DigestRange(0, 1)
	require.Equal(t, [2]string{"", ""}, [2]string{lo, hi}, "one part is everything")
	lo, hi = DigestRange(0, 2)
	require.Equal(t, [2]string{"", "8000"}, [2]string{lo, hi})
	lo, hi = DigestRange(1, 2)
	require.Equal(t, [2]string{"8000", ""}, [2]string{lo, hi})
	for _, parts := range []int{3, 7, 100, MaxParts} {
		prev := ""
		for part := range parts {
			lo, hi := DigestRange(part, parts)
			require.Equal(t, prev, lo, "part %d of %d starts where the last ended", part, parts)
			if part < parts-1 {
				require.Less(t, lo, hi, "part %d of %d is not empty", part, parts)
			} else {
				require.Empty(t, hi, "the last part is open")
			}
			prev = hi
		}
	}
	// A digest falls in exactly one part.
	for _, d := range []string{"", "0000aa", "7fffff", "8000", "ffffffff"} {
		in := 0
		for part := range 5 {
			lo, hi := DigestRange(part, 5)
			if d >= lo && (hi == "" || d < hi) {
				in++
			}
		}
		require.Equal(t, 1, in, "digest %q", d)
	}
}
