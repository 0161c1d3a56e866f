// similarity.go holds the string similarity functions the comparators use: Jaro-Winkler,
// the optimal-string-alignment (Damerau-Levenshtein) distance and Soundex. They work on bytes
// for ASCII input and on runes otherwise, and allocate nothing for short strings.
package identity

import (
	"math/bits"
	"unsafe"
)

// jaroWinkler returns the Jaro-Winkler similarity of a and b in [0,1].
func jaroWinkler(a, b string) float64 { return jaroWinklerASCII(a, b, isASCII(a) && isASCII(b)) }

// jaroWinklerASCII is jaroWinkler when the caller knows whether both strings are ASCII.
func jaroWinklerASCII(a, b string, ascii bool) float64 {
	if ascii {
		if len(a) <= 64 && len(b) <= 64 {
			return jaroWinklerBits(a, b)
		}
		return jaroWinklerOf(bytesOf(a), bytesOf(b))
	}
	return jaroWinklerOf([]rune(a), []rune(b))
}

// osaDistance returns the optimal-string-alignment distance of a and b, or max+1 when it
// exceeds max (the computation stops early then).
func osaDistance(a, b string, max int) int {
	return osaDistanceASCII(a, b, max, isASCII(a) && isASCII(b))
}

// osaDistanceASCII is osaDistance when the caller knows whether both strings are ASCII.
func osaDistanceASCII(a, b string, max int, ascii bool) int {
	if ascii {
		return osaDistanceOf(bytesOf(a), bytesOf(b), max)
	}
	return osaDistanceOf([]rune(a), []rune(b), max)
}

// bytesOf views a string's bytes without copying; the result must not be modified.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

const shortLen = 64

// jaroWinklerBits is Jaro-Winkler for byte strings of at most 64 bytes, with the matched
// positions kept in bit masks: linear time, no allocation.
func jaroWinklerBits(a, b string) float64 {
	if len(a) == 0 || len(b) == 0 {
		if len(a) == len(b) {
			return 1
		}
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	window := max(len(b)/2-1, 0)
	var pos [256]uint64 // byte -> positions in b
	for j := 0; j < len(b); j++ {
		pos[b[j]] |= 1 << j
	}
	var matchedA, matchedB uint64
	matches := 0
	for i := 0; i < len(a); i++ {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		span := (uint64(1)<<(hi-lo) - 1) << lo
		if hi-lo == 64 {
			span = ^uint64(0)
		}
		if cand := pos[a[i]] & span &^ matchedB; cand != 0 {
			matchedB |= cand & -cand
			matchedA |= 1 << i
			matches++
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions := 0
	ma, mb := matchedA, matchedB
	for ma != 0 {
		i, j := bits.TrailingZeros64(ma), bits.TrailingZeros64(mb)
		if a[i] != b[j] {
			transpositions++
		}
		ma &= ma - 1
		mb &= mb - 1
	}
	m := float64(matches)
	jaro := (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions/2))/m) / 3
	if jaro <= 0.7 {
		return jaro
	}
	prefix := 0
	for prefix < 4 && prefix < len(a) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

func jaroWinklerOf[E byte | rune](a, b []E) float64 {
	if len(a) == 0 || len(b) == 0 {
		if len(a) == len(b) {
			return 1
		}
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	window := len(b)/2 - 1
	if window < 0 {
		window = 0
	}
	var fa, fb [shortLen]bool
	matchedA, matchedB := fa[:], fb[:]
	if len(b) > shortLen {
		matchedA, matchedB = make([]bool, len(a)), make([]bool, len(b))
	}
	matches := 0
	for i := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for j := lo; j < hi; j++ {
			if !matchedB[j] && a[i] == b[j] {
				matchedA[i], matchedB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, j := 0, 0
	for i := range a {
		if !matchedA[i] {
			continue
		}
		for !matchedB[j] {
			j++
		}
		if a[i] != b[j] {
			transpositions++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions/2))/m) / 3
	if jaro <= 0.7 {
		return jaro
	}
	prefix := 0
	for prefix < 4 && prefix < len(a) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

func osaDistanceOf[E byte | rune](a, b []E, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	// Strip the common prefix and suffix: edits only happen in between.
	for len(a) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) == 0 {
		return min(len(b), max+1)
	}
	if max == 1 {
		// One edit: a substitution, an insertion or an adjacent transposition.
		switch {
		case len(a) == len(b) && len(a) == 1:
			return 1
		case len(a) == len(b) && len(a) == 2 && a[0] == b[1] && a[1] == b[0]:
			return 1
		case len(a) == 0 && len(b) == 1:
			return 1
		}
		return 2
	}
	// Banded dynamic programming: only cells within max of the diagonal can stay under max.
	const inf = 1 << 30
	var buf [3 * (shortLen + 1)]int
	n := len(a) + 1
	var prev2, prev, cur []int
	if n <= shortLen+1 {
		prev2, prev, cur = buf[:n], buf[n:2*n], buf[2*n:3*n]
	} else {
		prev2, prev, cur = make([]int, n), make([]int, n), make([]int, n)
	}
	for i := range prev {
		prev[i] = i
		prev2[i] = inf
	}
	for j := 1; j <= len(b); j++ {
		lo, hi := j-max, j+max
		for i := range cur {
			cur[i] = inf
		}
		if lo <= 0 {
			cur[0] = j
		}
		rowMin := inf
		if cur[0] < rowMin {
			rowMin = cur[0]
		}
		for i := max0(lo, 1); i <= len(a) && i <= hi; i++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[i]+1, cur[i-1]+1, prev[i-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[i-2]+1)
			}
			cur[i] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if d := prev[len(a)]; d <= max {
		return d
	}
	return max + 1
}

func max0(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// soundex returns the American Soundex code of the letters of s ("" when s has none).
func soundex(s string) string {
	const codes = "01230120022455012623010202" // a..z
	var out [4]byte
	n := 0
	var last byte
	for i := 0; i < len(s) && n < 4; i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c < 'a' || c > 'z' {
			continue
		}
		code := codes[c-'a']
		if n == 0 {
			out[0] = c - 'a' + 'A'
			n = 1
			last = code
			continue
		}
		switch {
		case c == 'h' || c == 'w':
			// h and w do not separate letters with the same code
		case code == '0':
			last = 0
		case code != last:
			out[n] = code
			n++
			last = code
		}
	}
	if n == 0 {
		return ""
	}
	for n < 4 {
		out[n] = '0'
		n++
	}
	return string(out[:])
}
