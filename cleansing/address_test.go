package cleansing

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeCountry(t *testing.T) {
	tests := []struct{ name, in, want, reason string }{
		{"alpha-2", "de", "DE", ""},
		{"alpha-3", "GBR", "GB", ""},
		{"native name", "Deutschland", "DE", ""},
		{"english name any case", "  united states of america ", "US", ""},
		{"dotted abbreviation", "U.S.A.", "US", ""},
		{"UK", "UK", "GB", ""},
		{"England", "England", "GB", ""},
		{"accents ignored", "Cote d'Ivoire", "CI", ""},
		{"curly apostrophe and accent", "Côte d’Ivoire", "CI", ""},
		{"leading the", "The Bahamas", "BS", ""},
		{"leading the not in data", "the Philippines", "PH", ""},
		{"Holland", "holland", "NL", ""},
		{"Türkiye", "Türkiye", "TR", ""},
		{"Turkey", "TURKEY", "TR", ""},
		{"umlaut spelled out", "Oesterreich", "AT", ""},
		{"Schweiz", "Schweiz", "CH", ""},
		{"España", "España", "ES", ""},
		{"Korea", "South Korea", "KR", ""},
		{"non-latin", "日本", "JP", ""},
		{"NA is Namibia", "NA", "NA", ""},
		{"Kosovo", "Kosovo", "XK", ""},
		{"empty", "", "", ""},
		{"unknown country", "Narnia", "", ReasonInvalidCountry},
		{"typo", "Germny", "", ReasonInvalidCountry},
		{"city instead of country", "London", "", ReasonInvalidCountry},
		{"placeholder", "n/a", "", ReasonPlaceholderValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeCountry(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err), "err: %v", err)
		})
	}
}

func TestCountryData(t *testing.T) {
	assert.Len(t, countryNames, 250, "249 ISO-3166-1 countries plus XK")
	assert.Equal(t, "Germany", CountryName("DE"))
	for code := range countryNames {
		got, err := NormalizeCountry(code)
		assert.NoError(t, err)
		assert.Equal(t, code, got)
	}
}

func TestNormalizeRegion(t *testing.T) {
	tests := []struct{ name, in, country, want, reason string }{
		{"US code", "ca", "US", "CA", ""},
		{"US name", "California", "US", "CA", ""},
		{"US abbreviation", "calif.", "US", "CA", ""},
		{"US prefixed code", "US-CA", "US", "CA", ""},
		{"US two words", "new york", "US", "NY", ""},
		{"US dotted", "N.Y.", "US", "NY", ""},
		{"DC", "Washington, D.C.", "US", "DC", ""},
		{"military", "AE", "US", "AE", ""},
		{"Canada french", "Québec", "CA", "QC", ""},
		{"Canada old code", "PQ", "CA", "QC", ""},
		{"Australia", "New South Wales", "AU", "NSW", ""},
		{"Germany native", "Bayern", "DE", "BY", ""},
		{"Germany english", "Bavaria", "DE", "BY", ""},
		{"Germany umlaut spelled out", "Baden-Wuerttemberg", "DE", "BW", ""},
		{"Germany umlaut dropped", "Thuringen", "DE", "TH", ""},
		{"GB nation", "Scotland", "GB", "SCT", ""},
		{"GB county kept (partial list)", "Kent", "GB", "Kent", ""},
		{"Switzerland", "Zürich", "CH", "ZH", ""},
		{"Mexico", "CDMX", "MX", "CMX", ""},
		{"Brazil", "São Paulo", "BR", "SP", ""},
		{"unvalidated country kept", "  Île-de-France ", "FR", "Île-de-France", ""},
		{"no country kept", "Some Province", "", "Some Province", ""},
		{"misspelled US state", "Calfornia", "US", "", ReasonInvalidRegion},
		{"wrong country's state", "Ontario", "US", "", ReasonInvalidRegion},
		{"placeholder", "N/A", "US", "", ReasonPlaceholderValue},
		{"punctuation only", "--?--", "FR", "", ReasonInvalidRegion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeRegion(tt.in, tt.country)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err), "err: %v", err)
		})
	}
}

func TestSubdivisionData(t *testing.T) {
	for cc, want := range map[string]int{"US": 60, "CA": 13, "AU": 8, "DE": 16, "GB": 4, "NL": 15, "CH": 26, "BR": 27, "MX": 32} {
		codes := map[string]bool{}
		for _, c := range subdivisions[cc].byKey {
			codes[c] = true
		}
		assert.Len(t, codes, want, cc)
		assert.NotNil(t, countryNames[cc], cc)
	}
}

func TestNormalizePostcode(t *testing.T) {
	tests := []struct{ name, in, country, want, reason string }{
		{"US zip", "94103", "US", "94103", ""},
		{"US zip+4 without hyphen", "941031234", "US", "94103-1234", ""},
		{"US zip+4 with space", "94103 1234", "US", "94103-1234", ""},
		{"US zip lost its leading zero", "2134", "US", "02134", ""},
		{"US zip+4 lost its leading zero", "2134-1234", "US", "02134-1234", ""},
		{"US too short", "941", "US", "", ReasonInvalidPostcode},
		{"US letters", "9410A", "US", "", ReasonInvalidPostcode},
		{"UK compact lower", "sw1a1aa", "GB", "SW1A 1AA", ""},
		{"UK spaced", " EC1A  1BB ", "GB", "EC1A 1BB", ""},
		{"UK short", "m11ae", "GB", "M1 1AE", ""},
		{"UK invalid", "SW1A 1A", "GB", "", ReasonInvalidPostcode},
		{"Canada", "k1a0b1", "CA", "K1A 0B1", ""},
		{"Canada invalid letter", "D1A 0B1", "CA", "", ReasonInvalidPostcode},
		{"Germany", "10115", "DE", "10115", ""},
		{"Germany old D- prefix", "D-10115", "DE", "10115", ""},
		{"Germany 4 digits", "1011", "DE", "", ReasonInvalidPostcode},
		{"Netherlands", "1234ab", "NL", "1234 AB", ""},
		{"Japan", "1000001", "JP", "100-0001", ""},
		{"Japan full-width with mark", "〒１００－０００１", "JP", "100-0001", ""},
		{"Brazil", "01310100", "BR", "01310-100", ""},
		{"Poland", "00950", "PL", "00-950", ""},
		{"Sweden", "11455", "SE", "114 55", ""},
		{"Ireland eircode", "d02x285", "IE", "D02 X285", ""},
		{"Latvia", "1010", "LV", "LV-1010", ""},
		{"Latvia prefixed", "LV-1010", "LV", "LV-1010", ""},
		{"India with space", "110 001", "IN", "110001", ""},
		{"Austria old A- prefix", "A-1010", "AT", "1010", ""},
		{"unknown format upper-cased", "ab-12 3", "KE", "AB-12 3", ""},
		{"no country", "sw1a 1aa", "", "SW1A 1AA", ""},
		{"symbols", "12#45", "DE", "", ReasonInvalidPostcode},
		{"placeholder", "N/A", "US", "", ReasonPlaceholderValue},
		{"empty", " ", "US", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePostcode(tt.in, tt.country)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err), "err: %v", err)
		})
	}
}

func TestPostcodeLayoutsFitRegexps(t *testing.T) {
	for cc, r := range postcodeRules {
		assert.NotEmpty(t, countryNames[cc], "%s is not a country", cc)
		for n, layout := range r.layouts {
			assert.Positive(t, n, "%s layout %q has no #", cc, layout)
		}
	}
}

var fuzzCountries = []string{"US", "GB", "CA", "DE", "NL", "JP", "BR", "LV", "IE", "FR", "", "KE", "XX", "us"}

func FuzzNormalizeCountry(f *testing.F) {
	for _, s := range []string{"Deutschland", "U.S.A.", "gbr", "Côte d’Ivoire", "the Bahamas", "n/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once, err := NormalizeCountry(in)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if once == "" {
			return
		}
		if twice, err := NormalizeCountry(once); err != nil || twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, once, twice, err)
		}
	})
}

func FuzzNormalizeRegion(f *testing.F) {
	for _, s := range []string{"calif.", "US-CA", "Bayern", "Québec", "Kent", "N/A"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, in string, c uint8) {
		country := fuzzCountries[int(c)%len(fuzzCountries)]
		once, err := NormalizeRegion(in, country)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if twice, err := NormalizeRegion(once, country); err != nil || twice != once {
			t.Fatalf("not idempotent (%s): %q -> %q -> %q (%v)", country, in, once, twice, err)
		}
	})
}

func FuzzNormalizePostcode(f *testing.F) {
	for _, s := range []string{"sw1a1aa", "941031234", "2134", "D-10115", "〒１００－０００１", "LV-1010", "k1a0b1"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, in string, c uint8) {
		country := fuzzCountries[int(c)%len(fuzzCountries)]
		once, err := NormalizePostcode(in, country)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if twice, err := NormalizePostcode(once, country); err != nil || twice != once {
			t.Fatalf("not idempotent (%s): %q -> %q -> %q (%v)", country, in, once, twice, err)
		}
	})
}
