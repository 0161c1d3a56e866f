// normalize.go holds the light normalization applied to raw input (the CSV path, Febrl):
// trim, lowercase, collapse inner whitespace, and dates to YYYY-MM-DD.
package identity

import (
	"strings"
	"unicode"

	"github.com/cdpflow/cdpflow/cleansing"
)

// NormalizeText trims s, lowercases it and collapses runs of whitespace into one space.
func NormalizeText(s string) string {
	if isNormalizedASCII(s) {
		return s
	}
	ascii := isASCII(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
				space = b.Len() > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		}
		return b.String()
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isNormalizedASCII reports whether s is ASCII, lowercase, without surrounding or doubled
// whitespace: already in the form NormalizeText produces.
func isNormalizedASCII(s string) bool {
	if len(s) == 0 {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if notNormalized[c] {
			return false
		}
		space := c == ' '
		if space && prevSpace {
			return false
		}
		prevSpace = space
	}
	return true
}

// notNormalized marks the bytes NormalizeText would change: non-ASCII, uppercase and
// whitespace other than a single space.
var notNormalized = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 0x80 || c >= 'A' && c <= 'Z' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
	}
	return t
}()

// NormalizeDate rewrites the common unambiguous date layouts YYYYMMDD, YYYY-MM-DD,
// YYYY/MM/DD and YYYY.MM.DD to YYYY-MM-DD; anything else is returned normalized as text.
func NormalizeDate(s string) string {
	s = NormalizeText(s)
	switch {
	case len(s) == 8 && allDigits(s):
		return s[:4] + "-" + s[4:6] + "-" + s[6:]
	case len(s) == 10 && isDateSep(s[4]) && s[7] == s[4] && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:]):
		return s[:4] + "-" + s[5:7] + "-" + s[8:]
	}
	return s
}

func isDateSep(c byte) bool { return c == '-' || c == '/' || c == '.' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// normalizeField applies the normalization suited to the field at path. Emails are compared by
// their matching key (cleansing.EmailMatchKey: one Gmail mailbox whatever its dots and +tags).
func normalizeField(path, v string) string {
	switch path {
	case FieldBirthDate:
		return NormalizeDate(v)
	case FieldPhone:
		return normalizePhone(v)
	case FieldEmail:
		if k := cleansing.EmailMatchKey(v); k != "" {
			return k
		}
	}
	return NormalizeText(v)
}

// normalizePhone keeps a leading '+' and the digits of a phone number.
func normalizePhone(s string) string {
	if isPhone(s) {
		return s
	}
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c == '+' && b.Len() == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// isPhone reports whether s is already '+' or a digit followed by digits only.
func isPhone(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c != '+' || i > 0) {
			return false
		}
	}
	return true
}
