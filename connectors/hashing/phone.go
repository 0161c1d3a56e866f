// This file holds phone normalization for hashing: any written form read with libphonenumber
// (github.com/nyaruka/phonenumbers) in the member's country, then written as E.164 (Google) or
// as E.164 digits without the "+" (Meta).
package hashing

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// PhoneE164 returns the number as E.164 with the leading "+" ("+18005550101"), the form Google
// hashes. Numbers without a country code are read in country (ISO-3166 alpha-2); "(0)" trunk
// prefixes, "00" international prefixes and extensions are handled as libphonenumber reads
// them. A value that is not a possible number yields "".
func PhoneE164(s, country string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	region := strings.ToUpper(strings.TrimSpace(country))
	if len(region) != 2 || phonenumbers.GetCountryCodeForRegion(region) == 0 {
		region = "ZZ"
	}
	num, err := phonenumbers.Parse(s, region)
	valid := err == nil && phonenumbers.IsValidNumber(num)
	if t := strings.TrimLeft(s, " (."); !valid && strings.HasPrefix(t, "00") {
		// the common international prefix 00 where the region dials another one
		if alt, altErr := phonenumbers.Parse("+"+t[2:], region); altErr == nil && phonenumbers.IsValidNumber(alt) {
			num, err, valid = alt, nil, true
		}
	}
	if !valid && (err != nil || !phonenumbers.IsPossibleNumber(num)) {
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// PhoneDigits returns the number as Meta hashes it: E.164 digits with the country code, no "+"
// and no leading zeros ("+1 (555) 987-6543" -> "15559876543").
func PhoneDigits(s, country string) string {
	return strings.TrimPrefix(PhoneE164(s, country), "+")
}
