// Package hashing normalizes customer identifiers the way each ad platform requires and hashes them
// with SHA-256 (lowercase hex), immediately before a destination connector sends them. The rules
// and test vectors are those of ../shared/reference/vendor-apis.md:
//
//   - Meta (meta.go): email trimmed (spaces, tabs, line breaks, NUL, dots) and lowercased; phone as
//     digits with the country code and no "+"; first and last name, city and state as the letters
//     a-z only ("Mary Ann" -> "maryann"); US states as their 2-letter code; US ZIPs as 5 digits.
//   - Google (google.go): email trimmed, lowercased, without whitespace, and for gmail.com and
//     googlemail.com without the local part's dots and +suffix; phone as E.164 with the "+"; names
//     trimmed and lowercased only ("O'Brien" -> "o'brien"); region and postal code in clear text.
//
// Phones are read with libphonenumber (phone.go) whatever their format, so every platform hashes
// the same number. Every normalizer returns "" for an empty or unusable value, and SHA256("") is
// "", so an absent field is sent as the empty string rather than as the hash of nothing.
package hashing

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// SHA256 returns the lowercase hex SHA-256 of s, or "" when s is "".
func SHA256(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Base64 re-encodes a lowercase hex SHA-256 digest as standard base64 ("" stays "").
func Base64(hexDigest string) string {
	b, err := hex.DecodeString(hexDigest)
	if err != nil || len(b) != sha256.Size {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
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
