// similarity_test.go tests the string similarity functions.
package identity

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestJaroWinkler(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.9611},
		{"dwayne", "duane", 0.84},
		{"dixon", "dicksonx", 0.8133},
		{"same", "same", 1},
		{"", "", 1},
		{"abc", "", 0},
		{"abc", "xyz", 0},
		{"josé", "jose", 0.8833},
	} {
		t.Run(tc.a+"/"+tc.b, func(t *testing.T) {
			assert.InDelta(t, tc.want, jaroWinkler(tc.a, tc.b), 1e-3)
			assert.InDelta(t, tc.want, jaroWinkler(tc.b, tc.a), 1e-3)
		})
	}
	t.Run("bit-mask and generic versions agree", func(t *testing.T) {
		words := []string{"martha", "marhta", "jacob", "jac ob", "a", "ab", "ba", "christopher", "kristofferson", "aaaa", "aaab",
			"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl", "bbcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijka"}
		for _, a := range words {
			for _, b := range words {
				assert.Equal(t, jaroWinklerOf([]byte(a), []byte(b)), jaroWinklerBits(a, b), "%q %q", a, b)
			}
		}
	})
}

// fullOSA is the textbook optimal-string-alignment distance.
func fullOSA(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func TestOSADistance(t *testing.T) {
	t.Run("examples", func(t *testing.T) {
		assert.Equal(t, 0, osaDistance("4510", "4510", 2))
		assert.Equal(t, 1, osaDistance("4510", "4150", 2))
		assert.Equal(t, 1, osaDistance("4510", "451", 2))
		assert.Equal(t, 2, osaDistance("4510", "5410x", 2))
		assert.Equal(t, 3, osaDistance("1234", "9876", 2))
		assert.Equal(t, 1, osaDistance("1980-02-03", "1980-02-04", 1))
		assert.Equal(t, 1, osaDistance("müller", "muller", 1))
	})
	t.Run("bounded version matches the full one on all short strings", func(t *testing.T) {
		var all []string
		var gen func(p string)
		gen = func(p string) {
			all = append(all, p)
			if len(p) < 5 {
				for _, c := range "abc" {
					gen(p + string(c))
				}
			}
		}
		gen("")
		for _, a := range all {
			for _, b := range all {
				for _, mx := range []int{1, 2, 3} {
					if got, want := osaDistance(a, b, mx), min(fullOSA(a, b), mx+1); got != want {
						t.Fatalf("%q %q max %d: got %d, want %d", a, b, mx, got, want)
					}
				}
			}
		}
	})
}

func TestSoundex(t *testing.T) {
	for in, want := range map[string]string{
		"robert": "R163", "Rupert": "R163", "ashcraft": "A261", "tymczak": "T522",
		"pfister": "P236", "lee": "L000", "": "", "123": "", "o'brien": "O165",
	} {
		t.Run(in, func(t *testing.T) { assert.Equal(t, want, soundex(in)) })
	}
}
