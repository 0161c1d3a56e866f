// phone_fast_test.go holds the phone parser's two shortcuts to the library read plainly: a number
// written with only digits and punctuation is parsed without its punctuation, and a number valid
// in the default region is not looked up across every region of its country code. Both must give
// exactly what the library gives for the number as written.
package cleansing

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseNumberPlain is parseNumber without shortcuts: the library on the text as written.
func parseNumberPlain(s, region string) (*phonenumbers.PhoneNumber, bool, error) {
	num, err := phonenumbers.Parse(s, region)
	if err == nil && phonenumbers.IsValidNumber(num) {
		return num, true, nil
	}
	if t := strings.TrimLeft(s, " (."); strings.HasPrefix(t, "00") {
		if alt, altErr := phonenumbers.Parse("+"+t[2:], region); altErr == nil && phonenumbers.IsValidNumber(alt) {
			return alt, true, nil
		}
	}
	return num, false, err
}

func TestParseNumber_ShortcutsAgreeWithTheLibrary(t *testing.T) {
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.UAN, phonenumbers.PAGER}
	rng := rand.New(rand.NewPCG(3, 4))
	mutate := func(s string) string { // a digit dropped, doubled or changed: often invalid, sometimes another valid number
		idx := []int{}
		for i := range len(s) {
			if s[i] >= '0' && s[i] <= '9' {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			return s
		}
		i := idx[rng.IntN(len(idx))]
		switch rng.IntN(3) {
		case 0:
			return s[:i] + s[i+1:]
		case 1:
			return s[:i] + s[i:i+1] + s[i:]
		}
		return s[:i] + string(rune('0'+rng.IntN(10))) + s[i+1:]
	}
	regions := []string{}
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	checked, valid := 0, 0
	check := func(written, region string) {
		s := cleanText(written)
		want, wantValid, wantErr := parseNumberPlain(s, region)
		got, gotValid, gotErr := parseNumber(s, region)
		checked++
		require.Equal(t, wantErr == nil, gotErr == nil, "%q in %s: error %v, shortcut %v", written, region, wantErr, gotErr)
		if wantErr != nil {
			assert.Equal(t, wantErr.Error(), gotErr.Error(), "%q in %s", written, region)
			return
		}
		require.Equal(t, wantValid, gotValid, "%q in %s: validity", written, region)
		assert.Equal(t, phonenumbers.Format(want, phonenumbers.E164), phonenumbers.Format(got, phonenumbers.E164), "%q in %s", written, region)
		assert.Equal(t, want.GetExtension(), got.GetExtension(), "%q in %s", written, region)
		if !wantValid {
			assert.Equal(t, phonenumbers.IsPossibleNumberWithReason(want), phonenumbers.IsPossibleNumberWithReason(got), "%q in %s", written, region)
		} else {
			valid++
			e164 := phonenumbers.Format(want, phonenumbers.E164)
			assert.Equal(t, readsBack(e164, "ZZ"), readsBack(e164, region), "%s read back, validity looked up in %s first", e164, region)
		}
	}
	for _, region := range regions {
		for _, typ := range types {
			ex := phonenumbers.GetExampleNumberForType(region, typ)
			if ex == nil {
				continue
			}
			intl := phonenumbers.Format(ex, phonenumbers.INTERNATIONAL)
			national := phonenumbers.Format(ex, phonenumbers.NATIONAL)
			for _, written := range []string{intl, national, phonenumbers.Format(ex, phonenumbers.E164),
				strings.ReplaceAll(intl, " ", "-"), strings.ReplaceAll(national, " ", "."), "00" + strings.TrimPrefix(intl, "+"),
				mutate(intl), mutate(national), mutate(mutate(national)), national + " x12", intl + " ext. 7"} {
				for _, def := range []string{region, "US", "GB", "ZZ", regions[rng.IntN(len(regions))]} {
					check(written, def)
				}
			}
		}
	}
	for _, written := range []string{"", "+", "()", "1", "+1", "+1 (816) 613-3397", "(415) 555-2671", "1-800-FLOWERS",
		"+44 (0)20 7946 0958", "0044 20 7946 0958", "00 1 816 613 3397", ". 00 44 20 7946 0958", "+1 816 613 3397 #",
		"+1 816 613 3397 ;ext=5", "816 613 3397, 12", "+49 (0) 30 1234567", "+39 06 6982 1234", "+39 345 123 4567"} {
		for _, def := range []string{"US", "GB", "DE", "IT", "ZZ"} {
			check(written, def)
		}
	}
	t.Logf("%d numbers compared, %d valid", checked, valid)
	assert.Greater(t, valid, 3000, "too few valid numbers for the check to mean anything")
}

func TestCompactPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+1 (816) 613-3397": "+18166133397",
		"020 7946.0958":     "02079460958",
		"1-800-FLOWERS":     "1-800-FLOWERS", // letters: as written
		"+1 816 613 3397 x": "+1 816 613 3397 x",
		"816+613":           "816+613", // a plus inside: as written
		"":                  "",
	} {
		assert.Equal(t, want, compactPhone(in), in)
	}
}

func FuzzParseNumberShortcuts(f *testing.F) {
	for _, s := range []string{"+1 (816) 613-3397", "(415) 555-2671", "0044 20 7946 0958", "+44 (0)20 7946 0958",
		"1-800-FLOWERS", "+1 816 613 3397 x204", "+49 30 1234567", "06 12 34 56 78", "+7 (495) 123-45-67"} {
		f.Add(s, "US")
		f.Add(s, "FR")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		if len(s) > maxPhoneLen {
			return
		}
		s, region = cleanText(s), phoneRegion(region)
		want, wantValid, wantErr := parseNumberPlain(s, region)
		got, gotValid, gotErr := parseNumber(s, region)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%q in %s: error %v, shortcut %v", s, region, wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		if wantValid != gotValid || phonenumbers.Format(want, phonenumbers.E164) != phonenumbers.Format(got, phonenumbers.E164) ||
			want.GetExtension() != got.GetExtension() {
			t.Fatalf("%q in %s: %s valid=%v, shortcut %s valid=%v", s, region,
				phonenumbers.Format(want, phonenumbers.E164), wantValid, phonenumbers.Format(got, phonenumbers.E164), gotValid)
		}
	})
}
