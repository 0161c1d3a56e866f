// This file holds Google's Customer Match normalization rules (Data Manager formatting guide and
// the Google Ads client examples): email without whitespace and, for Gmail, without the local
// part's dots and +suffix; names trimmed and lowercased only; region and postal code in clear text.
package hashing

import (
	"strings"
	"unicode"
)

// GoogleEmail normalizes an email address for Customer Match: trimmed, lowercased, every
// whitespace removed, and for gmail.com and googlemail.com addresses the dots and "+suffix" of
// the local part removed ("cloudy.sanfrancisco+shopping@gmail.com" -> "cloudysanfrancisco@gmail.com").
// Other domains keep their dots and plus signs. Unusable values yield "".
func GoogleEmail(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return ""
	}
	local, domain := s[:at], s[at+1:]
	if domain == "gmail.com" || domain == "googlemail.com" {
		if i := strings.IndexByte(local, '+'); i >= 0 {
			local = local[:i]
		}
		local = strings.ReplaceAll(local, ".", "")
		if local == "" {
			return ""
		}
	}
	return local + "@" + domain
}

// GoogleName normalizes a given or family name: trimmed and lowercased, punctuation kept
// ("O'Brien" -> "o'brien").
func GoogleName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// GoogleRegion is the ISO-3166-1 alpha-2 country code in upper case ("" when not one).
func GoogleRegion(country string) string { return strings.ToUpper(Country(country)) }

// GooglePostcode is the postal code in clear text: for the US 5 digits or 5+4 ("94043",
// "94043-1234"), elsewhere trimmed as written.
func GooglePostcode(s, country string) string {
	s = strings.TrimSpace(s)
	if !strings.EqualFold(strings.TrimSpace(country), "US") {
		return s
	}
	switch d := digitsOf(s); len(d) {
	case 5:
		return d
	case 9:
		return d[:5] + "-" + d[5:]
	}
	return ""
}

// digitsOf keeps the ASCII digits of s.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
