// This file tests identifier normalization and the vendors' published hashing test vectors.
package hashing

import (
	"strings"
	"testing"
)

func TestSHA256_Vectors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"meta email", Email("  Mary@Example.com "), "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79"},
		{"meta phone", PhoneDigits("+1 (555) 987-6543"), "1ef970831d7963307784fa8688e8fce101a15685d62aa765fed23f3a2c576a4e"},
		{"google phone", PhoneE164("+1 800 555 0101"), "61d6c2976b5d92b1ad63073a12fddd26040cd980067d03a93dd1cc50f1a3ac68"},
		{"empty stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SHA256(tt.in)
			if got != tt.want {
				t.Fatalf("SHA256(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if got != "" && !IsSHA256(got) {
				t.Fatalf("IsSHA256(%s) = false", got)
			}
		})
	}
}

func TestNormalize_Fields(t *testing.T) {
	tests := []struct {
		name string
		f    func(string) string
		in   string
		want string
	}{
		{"email trim lower", Email, " Jane.Doe@Example.COM ", "jane.doe@example.com"},
		{"email invalid", Email, "john.at.gmail.com", ""},
		{"email two ats", Email, "a@b@c.com", ""},
		{"phone e164", PhoneDigits, "+15559876543", "15559876543"},
		{"phone 00 prefix", PhoneDigits, "0044 20 7946 0958", "442079460958"},
		{"phone too short", PhoneDigits, "12345", ""},
		{"phone google", PhoneE164, "0015559876543", "+15559876543"},
		{"phone google empty", PhoneE164, "", ""},
		{"name punctuation", Name, "  O'Brien-Smith. ", "obriensmith"},
		{"name utf8", Name, "Zoë  Ann", "zoë ann"},
		{"city", City, "San Francisco", "sanfrancisco"},
		{"region iso", Region, "US-CA", "ca"},
		{"region plain", Region, "NSW", "nsw"},
		{"country", Country, " GB ", "gb"},
		{"country bad", Country, "GBR", ""},
		{"gender x", Gender, "x", ""},
		{"gender female", Gender, "Female", "f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f(tt.in); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPostcode(t *testing.T) {
	tests := []struct{ in, country, want string }{
		{"94103-1234", "US", "94103"},
		{"941", "US", ""},
		{"SW1A 1AA", "GB", "sw1a1aa"},
		{"M5V 2T6", "CA", "m5v2t6"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Postcode(tt.in, tt.country); got != tt.want {
				t.Fatalf("Postcode(%q, %q) = %q, want %q", tt.in, tt.country, got, tt.want)
			}
		})
	}
}

func TestBirthParts(t *testing.T) {
	tests := []struct{ in, y, m, d string }{
		{"1984-03-07", "1984", "03", "07"},
		{"0000-03-07", "", "03", "07"},
		{"03/07/1984", "", "", ""},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			y, m, d := BirthParts(tt.in)
			if y != tt.y || m != tt.m || d != tt.d {
				t.Fatalf("BirthParts(%q) = %q %q %q", tt.in, y, m, d)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	h := Handle{Email: SHA256("mary@example.com"), Phone: SHA256("15559876543")}
	got, err := ParseHandle(h.String())
	if err != nil || got != h {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if _, err := ParseHandle("email=mary@example.com"); err == nil || strings.Contains(err.Error(), "mary") {
		t.Fatalf("a clear identifier is refused without being echoed: %v", err)
	}
	if e, _ := ParseHandle(""); !e.Empty() {
		t.Fatal("empty handle")
	}
}
