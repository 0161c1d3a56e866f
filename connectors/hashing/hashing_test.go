// This file tests identifier normalization and the vendors' published hashing test vectors.
package hashing

import (
	"strings"
	"testing"
)

// The vectors of vendor-apis.md: Meta's from its business SDK, Google's from the Data Manager
// formatting guide.
func TestSHA256_Vectors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"meta email", Email("  Mary@Example.com. "), "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79"},
		{"meta phone", PhoneDigits("+1 (555) 987-6543", ""), "1ef970831d7963307784fa8688e8fce101a15685d62aa765fed23f3a2c576a4e"},
		{"meta phone national", PhoneDigits("(555) 987-6543", "US"), "1ef970831d7963307784fa8688e8fce101a15685d62aa765fed23f3a2c576a4e"},
		{"meta name", Letters("Mary Ann"), "16b3f07f0ec2f9dd127b71dc2e6c791b7d93116a1c3bc99d057eaa7a8a077e73"},
		{"google email", GoogleEmail(" Mary@Example.com"), "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79"},
		{"google phone", PhoneE164("+1 800 555 0101", ""), "61d6c2976b5d92b1ad63073a12fddd26040cd980067d03a93dd1cc50f1a3ac68"},
		{"google given name", GoogleName(" Mary "), "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"},
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
	for in, want := range map[string]string{
		"f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79": "8ZBM8anXOlX6XeCsgjxEA97XGv1MMkjQC9zQhmVSu3k=",
		"61d6c2976b5d92b1ad63073a12fddd26040cd980067d03a93dd1cc50f1a3ac68": "YdbCl2tdkrGtYwc6Ev3dJgQM2YAGfQOpPdHMUPGjrGg=",
	} {
		if got := Base64(in); got != want {
			t.Errorf("Base64(%s) = %s, want %s", in, got, want)
		}
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
		{"email trailing dot and tab", Email, "\tjane@example.com.\n", "jane@example.com"},
		{"email invalid", Email, "john.at.gmail.com", ""},
		{"email two ats", Email, "a@b@c.com", ""},
		{"meta name inner space", Letters, "Mary Ann", "maryann"},
		{"meta name apostrophe", Letters, "  O'Brien-Smith. ", "obriensmith"},
		{"meta name non-ascii dropped", Letters, "Zoë", "zo"},
		{"meta city", Letters, "New York", "newyork"},
		{"google gmail dots and tag", GoogleEmail, "Cloudy.SanFrancisco+shopping@gmail.com", "cloudysanfrancisco@gmail.com"},
		{"google googlemail", GoogleEmail, "a.b+c@googlemail.com", "ab@googlemail.com"},
		{"google other domain keeps dots and plus", GoogleEmail, "jane.doe+x@example.com", "jane.doe+x@example.com"},
		{"google inner whitespace", GoogleEmail, " jane doe@example.com ", "janedoe@example.com"},
		{"google name keeps punctuation", GoogleName, " O'Brien ", "o'brien"},
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

// Every written form of one number hashes alike, for both platforms.
func TestPhoneForms(t *testing.T) {
	tests := []struct{ in, country, want string }{
		{"+15559876543", "", "+15559876543"},
		{"+1 (555) 987-6543", "US", "+15559876543"},
		{"1-555-987-6543", "US", "+15559876543"},
		{"555.987.6543", "US", "+15559876543"},
		{"001 555 987 6543", "GB", "+15559876543"},
		{"0044 20 7946 0958", "US", "+442079460958"},
		{"+44 (0)20 7946 0958", "", "+442079460958"},
		{"020 7946 0958", "GB", "+442079460958"},
		{"+1 415 555 2671 ext. 12", "", "+14155552671"},
		{"+39 06 1234 5678", "", "+390612345678"}, // Italy keeps its leading zero
		{"12345", "US", ""},
		{"", "US", ""},
		{"n/a", "US", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := PhoneE164(tt.in, tt.country); got != tt.want {
				t.Fatalf("PhoneE164(%q, %q) = %q, want %q", tt.in, tt.country, got, tt.want)
			}
			if got, want := PhoneDigits(tt.in, tt.country), strings.TrimPrefix(tt.want, "+"); got != want {
				t.Fatalf("PhoneDigits(%q, %q) = %q, want %q", tt.in, tt.country, got, want)
			}
		})
	}
}

func TestStateAndPostcode(t *testing.T) {
	for _, tt := range []struct{ region, country, want string }{
		{"US-CA", "US", "ca"}, {"California", "US", "ca"}, {"new york", "US", "ny"}, {"NSW", "AU", "nsw"}, {"Île-de-France", "FR", "ledefrance"},
	} {
		if got := MetaState(tt.region, tt.country); got != tt.want {
			t.Errorf("MetaState(%q, %q) = %q, want %q", tt.region, tt.country, got, tt.want)
		}
	}
	for _, tt := range []struct{ in, country, meta, google string }{
		{"94103-1234", "US", "94103", "94103-1234"},
		{"941", "US", "", ""},
		{"SW1A 1AA", "GB", "sw1a1aa", "SW1A 1AA"},
		{"M5V 2T6", "CA", "m5v2t6", "M5V 2T6"},
	} {
		if got := Postcode(tt.in, tt.country); got != tt.meta {
			t.Errorf("Postcode(%q, %q) = %q, want %q", tt.in, tt.country, got, tt.meta)
		}
		if got := GooglePostcode(tt.in, tt.country); got != tt.google {
			t.Errorf("GooglePostcode(%q, %q) = %q, want %q", tt.in, tt.country, got, tt.google)
		}
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
