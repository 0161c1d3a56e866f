// text.go holds the text helpers every normalizer shares: whitespace and control-character
// cleanup, lookup keys that ignore case, accents and punctuation, and null-marker detection.

package cleansing

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cleanText drops invalid UTF-8, control and invisible format characters (keeping ZWJ/ZWNJ,
// which some scripts need), turns every kind of whitespace into one ASCII space, trims and
// composes to NFC. It is idempotent.
func cleanText(s string) string {
	if isPlainASCII(s) {
		return collapseSpaces(s)
	}
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\u200c' || r == '\u200d':
			return r
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || r == '\u2028' || r == '\u2029':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	s = norm.NFC.String(s)
	return collapseSpaces(s)
}

// isPlainASCII reports whether s is printable ASCII apart from ordinary whitespace.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x7f || (c < 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') {
			return false
		}
	}
	return true
}

// collapseSpaces trims s and replaces every run of whitespace with one space.
func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncateUTF8 cuts s to at most n bytes without splitting a rune.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// foldSpecial spells out letters that do not decompose into a base letter plus accent.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i",
}

// foldKey is a lookup key: lower case, accents removed, only letters and digits kept.
// "Baden-Württemberg" and "baden wurttemberg" share the key "badenwurttemberg".
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if sp, ok := foldSpecial[r]; ok {
			b.WriteString(sp)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// germanFold spells umlauts the German way before folding: "Thüringen" -> "thueringen".
var germanFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue")

// foldKeys returns the lookup keys a data-file name is reachable by: the plain fold and, for names
// with umlauts, the German transliteration too.
func foldKeys(s string) []string {
	k := foldKey(s)
	if g := foldKey(germanFold.Replace(s)); g != k {
		return []string{k, g}
	}
	return []string{k}
}

// nullMarkers are values people and exports type for "no value".
var nullMarkers = map[string]bool{
	"null": true, "nil": true, "none": true, "n/a": true, "n.a.": true, "n.a": true, "na": true,
	"#n/a": true, "nan": true, "undefined": true, "unknown": true, "unk": true, "-": true,
	"--": true, "---": true, "?": true, "??": true, "???": true, ".": true, "..": true,
	"...": true, "tbd": true, "tba": true, "not available": true, "not provided": true,
	"not applicable": true, "not specified": true, "no data": true, "empty": true, "blank": true,
	"xxx": true, "xxxx": true, "nv": true, "k.a.": true, "keine angabe": true, "(none)": true,
	"(null)": true, "<null>": true, "(blank)": true, "n.v.": true,
}

// isNullMarker reports whether a cleaned value is a "no value" marker such as "N/A" or "null".
func isNullMarker(cleaned string) bool {
	if len(cleaned) > 16 {
		return false
	}
	// Fold full-width and compatibility forms first ("ＮA" is "NA"): a later pass sees the folded
	// value, so the first must judge it too.
	return nullMarkers[strings.ToLower(norm.NFKC.String(cleaned))]
}

// hasLetterOrDigit reports whether s contains at least one letter or digit.
func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
