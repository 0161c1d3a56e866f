// Package hashing normalizes customer identifiers the way ad platforms require and hashes them with
// SHA-256 (lowercase hex), immediately before a destination connector sends them.
//
// Meta and Google Ads differ in one visible place: Meta hashes phone numbers as digits only with the
// country code ("15559876543"), Google Ads as E.164 with the leading plus ("+15559876543").
// Every normalizer returns "" for an empty or unusable value, and SHA256("") is "", so an absent
// field is sent as the empty string rather than as the hash of nothing.
package hashing

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// SHA256 returns the lowercase hex SHA-256 of s, or "" when s is "".
func SHA256(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// IsSHA256 reports whether s looks like a lowercase hex SHA-256 digest.
func IsSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Email trims and lowercases an email address. A value without exactly one "@" with text on both
// sides is unusable and yields "".
func Email(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return ""
	}
	return s
}

// digits keeps the ASCII digits of s and drops leading zeros (an international "00" prefix or a
// trunk zero written before the country code).
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return strings.TrimLeft(b.String(), "0")
}

// PhoneDigits normalizes a phone number for Meta: digits only, with the country code, no "+", no
// leading zeros ("+1 (555) 987-6543" -> "15559876543"). The input should already be E.164; a
// national number without its country code cannot be repaired here.
func PhoneDigits(s string) string {
	d := digits(s)
	if len(d) < 7 {
		return ""
	}
	return d
}

// PhoneE164 normalizes a phone number for Google Ads: E.164 with the leading "+"
// ("+1 800 555 0101" -> "+18005550101").
func PhoneE164(s string) string {
	d := PhoneDigits(s)
	if d == "" {
		return ""
	}
	return "+" + d
}

// Name normalizes a first or last name: lowercase, punctuation and symbols removed, surrounding
// whitespace trimmed and inner runs of whitespace collapsed to one space. Letters outside a-z are
// kept (UTF-8), as Meta asks.
func Name(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case unicode.IsSpace(r):
			space = true
		}
	}
	return b.String()
}

// compact lowercases s and keeps only letters and digits (no spaces, punctuation or symbols).
func compact(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// City normalizes a city: lowercase, no spaces, no punctuation ("San Francisco" -> "sanfrancisco").
func City(s string) string { return compact(s) }

// Region normalizes a state or province: the subdivision part of an ISO-3166-2 code ("US-CA" -> "ca"),
// lowercase, no spaces or punctuation.
func Region(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '-'); i == 2 {
		s = s[i+1:]
	}
	return compact(s)
}

// Postcode normalizes a postal code for the given ISO-2 country: lowercase without spaces or
// dashes; in the US only the first five digits are kept.
func Postcode(s, country string) string {
	p := compact(s)
	if strings.EqualFold(strings.TrimSpace(country), "US") {
		d := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, p)
		if len(d) < 5 {
			return ""
		}
		return d[:5]
	}
	return p
}

// Country normalizes an ISO-3166 alpha-2 country code to lowercase; anything else yields "".
func Country(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z' {
		return ""
	}
	return s
}

// Gender normalizes to "m" or "f"; other values (including "x") yield "" because the platforms
// accept only those two.
func Gender(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "m", "male":
		return "m"
	case "f", "female":
		return "f"
	}
	return ""
}

// BirthParts splits a YYYY-MM-DD birth date into year (YYYY), month (MM) and day (DD). Unknown
// parts (a "0000" year, a malformed date) are returned as "".
func BirthParts(date string) (year, month, day string) {
	date = strings.TrimSpace(date)
	if len(date) != 10 || date[4] != '-' || date[7] != '-' {
		return "", "", ""
	}
	year, month, day = date[:4], date[5:7], date[8:]
	num := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return true
	}
	if !num(year) || year == "0000" {
		year = ""
	}
	if !num(month) || month == "00" || month > "12" {
		month = ""
	}
	if !num(day) || day == "00" || day > "31" {
		day = ""
	}
	return year, month, day
}
