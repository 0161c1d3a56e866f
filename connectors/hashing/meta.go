// This file holds Meta's normalization rules (facebook-python-business-sdk customaudiencemixin):
// surrounding whitespace, NUL, vertical tabs and dots stripped, then lowercased; names, cities and
// states reduced to the letters a-z.
package hashing

import "strings"

// metaTrim is what Meta's SDK strips from both ends of every value.
const metaTrim = " \t\r\n\x00\x0b."

// Email trims and lowercases an email address as Meta (and the legacy Google Ads API) ask. A value
// without exactly one "@" with text on both sides is unusable and yields "".
func Email(s string) string {
	s = strings.ToLower(strings.Trim(s, metaTrim))
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return ""
	}
	return s
}

// Letters keeps only the letters a-z of s, lowercased: Meta's rule for FN, LN, CT, ST and FI.
// Spaces, punctuation, digits and letters outside a-z are all dropped ("Mary Ann" -> "maryann",
// "O'Brien" -> "obrien", "New York" -> "newyork").
func Letters(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.Trim(s, metaTrim)) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MetaState normalizes a state or province: for the US its 2-letter code ("US-CA", "CA" or
// "California" -> "ca"), elsewhere the subdivision part of an ISO-3166-2 code or the name, as
// letters a-z.
func MetaState(region, country string) string {
	r := strings.TrimSpace(region)
	if i := strings.IndexByte(r, '-'); i == 2 {
		r = r[i+1:]
	}
	l := Letters(r)
	if strings.EqualFold(strings.TrimSpace(country), "US") {
		if code, ok := usStates[l]; ok {
			return code
		}
	}
	return l
}

// usStates maps US state and district names (letters only) to their codes.
var usStates = func() map[string]string {
	names := map[string]string{"alabama": "al", "alaska": "ak", "arizona": "az", "arkansas": "ar", "california": "ca",
		"colorado": "co", "connecticut": "ct", "delaware": "de", "districtofcolumbia": "dc", "florida": "fl", "georgia": "ga",
		"hawaii": "hi", "idaho": "id", "illinois": "il", "indiana": "in", "iowa": "ia", "kansas": "ks", "kentucky": "ky",
		"louisiana": "la", "maine": "me", "maryland": "md", "massachusetts": "ma", "michigan": "mi", "minnesota": "mn",
		"mississippi": "ms", "missouri": "mo", "montana": "mt", "nebraska": "ne", "nevada": "nv", "newhampshire": "nh",
		"newjersey": "nj", "newmexico": "nm", "newyork": "ny", "northcarolina": "nc", "northdakota": "nd", "ohio": "oh",
		"oklahoma": "ok", "oregon": "or", "pennsylvania": "pa", "rhodeisland": "ri", "southcarolina": "sc",
		"southdakota": "sd", "tennessee": "tn", "texas": "tx", "utah": "ut", "vermont": "vt", "virginia": "va",
		"washington": "wa", "westvirginia": "wv", "wisconsin": "wi", "wyoming": "wy", "puertorico": "pr"}
	for _, code := range names {
		names[code] = code
	}
	return names
}()

// Postcode normalizes a ZIP or postal code for Meta: lowercase without spaces or punctuation; in
// the US only the first five digits are kept ("94103-1234" -> "94103").
func Postcode(s, country string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.Trim(s, metaTrim)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	p := b.String()
	if !strings.EqualFold(strings.TrimSpace(country), "US") {
		return p
	}
	d := digitsOf(p)
	if len(d) < 5 {
		return ""
	}
	return d[:5]
}
