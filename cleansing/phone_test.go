package cleansing

import (
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name, in, region, want, reason string
	}{
		{"US national with punctuation", "(415) 555-2671", "US", "+14155552671", ""},
		{"US with country code", "+1 415-555-2671", "DE", "+14155552671", ""},
		{"US dotted with leading 1", "1.415.555.2671", "US", "+14155552671", ""},
		{"UK with country code", "+44 20 7946 0958", "US", "+442079460958", ""},
		{"UK national with trunk 0", "020 7946 0958", "GB", "+442079460958", ""},
		{"UK with 00 prefix read in US", "0044 20 7946 0958", "US", "+442079460958", ""},
		{"UK with (0) in international form", "+44 (0)20 7946 0958", "", "+442079460958", ""},
		{"German mobile national", "0151 23456789", "DE", "+4915123456789", ""},
		{"German with slash", "030/12345678", "DE", "+493012345678", ""},
		{"French spaced pairs", "01 42 68 53 00", "FR", "+33142685300", ""},
		{"tel URI", "tel:+1-415-555-2671", "", "+14155552671", ""},
		{"extension cut off", "415-555-2671 ext. 123", "US", "+14155552671", ""},
		{"full-width digits", "４１５５５５２６７１", "US", "+14155552671", ""},
		{"lower-case region", "(415) 555-2671", "us", "+14155552671", ""},
		{"empty", "  ", "US", "", ""},
		{"too short", "12", "US", "", ReasonInvalidPhone},
		{"national without region", "(415) 555-2671", "", "", ReasonInvalidPhone},
		{"invalid area code", "(099) 555-2671", "US", "", ReasonInvalidPhone},
		{"letters only", "call me", "US", "", ReasonInvalidPhone},
		{"too long", "+1 415 555 2671 2671 2671", "US", "", ReasonInvalidPhone},
		{"all zeros", "0000000000", "US", "", ReasonPlaceholderPhone},
		{"all fives", "555-555-5555", "US", "", ReasonPlaceholderPhone},
		{"counting", "123-456-7890", "US", "", ReasonPlaceholderPhone},
		{"fictional 555-01xx", "(212) 555-0123", "US", "", ReasonPlaceholderPhone},
		{"null marker", "n/a", "US", "", ReasonPlaceholderPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizePhone(tt.in, tt.region)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err), "err: %v", err)
		})
	}
}

func TestNormalizePhoneErrorSaysWhat(t *testing.T) {
	_, err := NormalizePhone("12", "US")
	require.Error(t, err)
	assert.Equal(t, `phone "12": too short for region US`, err.Error())

	_, err = NormalizePhone("(415) 555-2671", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no country code")
}

func TestParsePhoneKeepsExtension(t *testing.T) {
	p, err := parsePhone("+1 415 555 2671 x204", "US")
	require.NoError(t, err)
	assert.Equal(t, "+14155552671", p.e164)
	assert.Equal(t, "204", p.extension)
}

var fuzzRegions = []string{"US", "GB", "DE", "FR", "IN", "BR", "JP", "", "ZZ", "xx"}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"(415) 555-2671", "+44 20 7946 0958", "0044 20 7946 0958", "0000000000",
		"tel:+1-415-555-2671;ext=12", "1-800-FLOWERS", "+49 (0) 30 12345678", "٠١٢٣٤٥٦٧٨٩"} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, in string, r uint8) {
		region := fuzzRegions[int(r)%len(fuzzRegions)]
		once, err := NormalizePhone(in, region)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if once == "" {
			return
		}
		// An E.164 number reads the same in any region.
		for _, r2 := range []string{region, "", "US"} {
			twice, err := NormalizePhone(once, r2)
			if err != nil || twice != once {
				t.Fatalf("not idempotent in %q: %q -> %q -> %q (%v)", r2, in, once, twice, err)
			}
		}
	})
}

// The shortcut that skips reading a number back must never accept what reading back refuses:
// every region's example numbers of every type, written in international form with the
// punctuation people use, are checked both ways.
func TestWrittenAsE164AgreesWithReadingBack(t *testing.T) {
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.UAN, phonenumbers.PAGER}
	checked := 0
	for region := range phonenumbers.GetSupportedRegions() {
		for _, typ := range types {
			ex := phonenumbers.GetExampleNumberForType(region, typ)
			if ex == nil {
				continue
			}
			intl := phonenumbers.Format(ex, phonenumbers.INTERNATIONAL)
			for _, written := range []string{intl, strings.ReplaceAll(intl, " ", "-"), strings.ReplaceAll(intl, " ", ""), strings.ReplaceAll(intl, " ", ".")} {
				s := cleanText(written)
				num, valid, err := parseNumber(s, region)
				if err != nil || !valid {
					continue
				}
				e164 := phonenumbers.Format(num, phonenumbers.E164)
				if writtenAsE164(s, phonenumbers.NormalizeDigitsOnly(s), e164) {
					checked++
					assert.True(t, readsBack(e164, "ZZ"), "%s (%s): the shortcut accepts %s, which does not read back", written, region, e164)
				}
			}
		}
	}
	assert.Greater(t, checked, 500, "too few numbers took the shortcut for the check to mean anything")

	for _, tt := range []struct{ s, e164 string }{
		{"+44 (0)20 7946 0958", "+442079460958"}, // the (0) is a digit the number drops
		{"0044 20 7946 0958", "+442079460958"},   // no plus
		{"+1 800 FLOWERS", "+18003569377"},       // letters
		{"+1 415 555 2671 x204", "+14155552671"}, // extension
	} {
		assert.False(t, writtenAsE164(tt.s, phonenumbers.NormalizeDigitsOnly(tt.s), tt.e164), tt.s)
	}
	assert.True(t, writtenAsE164("+1 (816) 613-3397", "18166133397", "+18166133397"))
}

func BenchmarkNormalizePhone(b *testing.B) {
	for _, in := range []string{"(415) 555-2671", "+1 816 613 3397", "+44 20 7946 0958"} {
		b.Run(in, func(b *testing.B) {
			for b.Loop() {
				if _, err := NormalizePhone(in, "US"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
