// phone.go normalizes phone numbers to E.164 with github.com/nyaruka/phonenumbers, reading
// national numbers in the record's country or the configured default region.

package cleansing

import (
	"errors"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneLen bounds the input; nothing longer is a phone number, however it is written.
const maxPhoneLen = 64

// NormalizePhone returns the number in E.164 ("+14155552671"). A number without a country code
// is read as a national number of region (ISO-3166 alpha-2, e.g. "US"); with region "" only
// numbers with a country code ("+44 20 7946 0958", "0044 20 7946 0958") are accepted.
// Extensions are cut off (E.164 has none). The error is an *Error with reason invalid_phone
// (`phone "12": too short for region US`) or placeholder_phone (0000000000, 1234567890,
// the fictional 555-01XX range, "n/a").
func NormalizePhone(raw, region string) (string, error) {
	p, err := parsePhone(raw, region)
	return p.e164, err
}

// parsedPhone is a normalized phone number and what was cut off it.
type parsedPhone struct {
	e164      string
	extension string
}

func parsePhone(raw, region string) (parsedPhone, error) {
	s := cleanText(raw)
	if s == "" {
		return parsedPhone{}, nil
	}
	placeholder := func(msg string) (parsedPhone, error) {
		return parsedPhone{}, newError("phone", ReasonPlaceholderPhone, raw, msg)
	}
	invalid := func(msg string) (parsedPhone, error) {
		return parsedPhone{}, newError("phone", ReasonInvalidPhone, raw, msg)
	}
	if isNullMarker(s) {
		return placeholder("is a placeholder for no value")
	}
	if len(s) > maxPhoneLen {
		return invalid("longer than 64 characters")
	}
	region = phoneRegion(region)
	digits := phonenumbers.NormalizeDigitsOnly(s)
	if isPlaceholderDigits(digits) {
		return placeholder("is filler digits, not a number")
	}
	num, valid, err := parseNumber(s, region)
	if err != nil {
		return invalid(parseErrorMsg(err, region, digits))
	}
	if !valid {
		return invalid(validityMsg(num))
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	if isPlaceholderDigits(nsn) {
		return placeholder("is filler digits, not a number")
	}
	if num.GetCountryCode() == 1 && len(nsn) == 10 && nsn[3:6] == "555" && nsn[6:8] == "01" {
		return placeholder("is in the fictional 555-0100..555-0199 range")
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	// Only accept a result that reads back as itself, so normalizing twice changes nothing.
	if !writtenAsE164(s, digits, e164) && !readsBack(e164, region) {
		return invalid("does not read back as the same number")
	}
	return parsedPhone{e164: e164, extension: num.GetExtension()}, nil
}

// readsBack reports whether e164 parses, without a region, as a valid number formatted as
// itself. region is only where validity is looked up first (see validNumber).
func readsBack(e164, region string) bool {
	again, err := phonenumbers.Parse(e164, "ZZ")
	return err == nil && validNumber(again, region) && phonenumbers.Format(again, phonenumbers.E164) == e164
}

// writtenAsE164 reports whether s was already e164 but for punctuation ("+1 (816) 613-3397"):
// a plus, then exactly the same digits. The parser reads only the digits of such a number (the
// default region plays no part after a plus), so it was just parsed and validated as e164 would
// be, and reading it back is the same work again: it is a third of the cost of cleansing a phone.
// Letters (vanity numbers), extensions and "00" prefixes fail the digit test and are read back.
func writtenAsE164(s, digits, e164 string) bool {
	if len(s) == 0 || s[0] != '+' || len(e164) != len(digits)+1 || e164[1:] != digits {
		return false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ' ', c == '-', c == '.', c == '(', c == ')':
		default:
			return false
		}
	}
	return true
}

// parseNumber parses s in region and reports whether the number is valid. When it is not and
// s starts with the common international prefix 00 that the region does not use, it retries
// s as +... Two shortcuts give what the library gives for s as written, in half the time: a
// number written with digits and punctuation only is parsed without the punctuation (the
// library's extension search is a third of its cost and is slowest on spaces), and a number is
// first checked against region's own ranges (the library looks up which of the regions sharing
// the country code it belongs to, trying each: 25 of them for +1).
func parseNumber(s, region string) (num *phonenumbers.PhoneNumber, valid bool, err error) {
	num, err = phonenumbers.Parse(compactPhone(s), region)
	if err == nil && validNumber(num, region) {
		return num, true, nil
	}
	if t := strings.TrimLeft(s, " (."); strings.HasPrefix(t, "00") {
		if alt, altErr := phonenumbers.Parse("+"+compactPhone(t[2:]), region); altErr == nil && validNumber(alt, region) {
			return alt, true, nil
		}
	}
	return num, false, err
}

// compactPhone drops the spaces, dashes, dots and parentheses of a number written with nothing
// else besides digits and a leading plus; anything else (letters, an extension mark, a plus
// further on) is returned as written for the library to read.
func compactPhone(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			n++
		case c == '+' && i == 0:
			n++
		case c == ' ', c == '-', c == '.', c == '(', c == ')':
		default:
			return s
		}
	}
	if n == len(s) {
		return s
	}
	b := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c >= '0' && c <= '9') || c == '+' {
			b = append(b, c)
		}
	}
	return string(b)
}

// validNumber is phonenumbers.IsValidNumber, trying region's own ranges first: a number valid
// there is valid (the library would find region among those of its country code, or another
// whose ranges also hold it).
func validNumber(num *phonenumbers.PhoneNumber, region string) bool {
	if region != "ZZ" && int(num.GetCountryCode()) == phonenumbers.GetCountryCodeForRegion(region) &&
		phonenumbers.IsValidNumberForRegion(num, region) {
		return true
	}
	return phonenumbers.IsValidNumber(num)
}

// phoneRegion returns region upper-cased when phonenumbers knows it, otherwise "ZZ" (unknown).
func phoneRegion(region string) string {
	region = strings.ToUpper(strings.TrimSpace(region))
	if len(region) == 2 && phonenumbers.GetCountryCodeForRegion(region) != 0 {
		return region
	}
	return "ZZ"
}

func regionWords(region string) string {
	if region == "ZZ" || region == "" {
		return "without a country code or default region"
	}
	return "for region " + region
}

func parseErrorMsg(err error, region, digits string) string {
	switch {
	case digits == "":
		return "has no digits"
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		if region == "ZZ" {
			return "has no country code and no region to read it in"
		}
		return "has an unknown country code"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "too short " + regionWords(region)
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "too long " + regionWords(region)
	case errors.Is(err, phonenumbers.ErrNotANumber):
		if len(digits) < 3 {
			return "too short " + regionWords(region)
		}
		return "is not a phone number"
	}
	return "cannot be read as a phone number"
}

func validityMsg(num *phonenumbers.PhoneNumber) string {
	region := phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode()))
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.TOO_SHORT:
		return "too short " + regionWords(region)
	case phonenumbers.TOO_LONG:
		return "too long " + regionWords(region)
	case phonenumbers.INVALID_LENGTH:
		return "has the wrong number of digits " + regionWords(region)
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "has an unknown country code"
	}
	return "is not a valid number " + regionWords(region)
}
