// address.go normalizes postal addresses: country to ISO-3166 alpha-2 (data/countries.txt),
// region to its ISO-3166-2 subdivision code (data/subdivisions.txt) and postcode to the
// country's format (data/postcodes.txt).

package cleansing

import (
	"bufio"
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

var (
	//go:embed data/countries.txt
	countriesFile string
	//go:embed data/subdivisions.txt
	subdivisionsFile string
	//go:embed data/postcodes.txt
	postcodesFile string
)

// dataLines yields the non-comment, non-blank lines of an embedded data file.
func dataLines(file string, fn func(line string)) {
	sc := bufio.NewScanner(strings.NewReader(file))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && line[0] != '#' {
			fn(line)
		}
	}
}

// countryByKey maps folded alpha-2, alpha-3 and names to alpha-2; countryNames maps alpha-2 to
// the English short name.
var countryByKey, countryNames = loadCountries(countriesFile)

func loadCountries(file string) (map[string]string, map[string]string) {
	byKey, names := map[string]string{}, map[string]string{}
	add := func(key, code string) {
		if old, ok := byKey[key]; ok && old != code {
			panic(fmt.Sprintf("cleansing: data/countries.txt: %q names both %s and %s", key, old, code))
		}
		byKey[key] = code
	}
	dataLines(file, func(line string) {
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 || len(f[0]) != 2 || len(f[1]) != 3 {
			panic("cleansing: data/countries.txt: bad line " + line)
		}
		code := f[0]
		add(strings.ToLower(code), code)
		add(strings.ToLower(f[1]), code)
		alts := strings.Split(f[2], "|")
		names[code] = alts[0]
		for _, n := range alts {
			for _, k := range foldKeys(n) {
				add(k, code)
			}
		}
	})
	return byKey, names
}

// CountryName returns the English short name of an alpha-2 code ("DE" -> "Germany"), or "".
func CountryName(alpha2 string) string { return countryNames[alpha2] }

// NormalizeCountry returns the ISO-3166 alpha-2 code for a country written as alpha-2,
// alpha-3, its English name or a common other name, ignoring case, accents and punctuation:
// "Deutschland" -> "DE", "U.S.A." -> "US", "GBR" -> "GB", "UK" -> "GB", "Côte d’Ivoire" -> "CI".
// Note that "NA" is Namibia. The error is an *Error with reason invalid_country, or
// placeholder_value for "n/a", "unknown" and the like.
func NormalizeCountry(raw string) (string, error) {
	s := cleanText(raw)
	if s == "" {
		return "", nil
	}
	if len(s) > 100 {
		return "", newError("country", ReasonInvalidCountry, raw, "is too long for a country")
	}
	// "N/A" and "n.a." are placeholders, but a bare two-letter "NA" is Namibia's code.
	if isNullMarker(s) && !(len(s) == 2 && isLettersOnly(strings.ToLower(s))) {
		return "", newError("country", ReasonPlaceholderValue, raw, "is a placeholder for no value")
	}
	k := foldKey(s)
	if c, ok := countryByKey[k]; ok {
		return c, nil
	}
	if c, ok := countryByKey[strings.TrimPrefix(k, "the")]; ok && strings.HasPrefix(k, "the") {
		return c, nil
	}
	return "", newError("country", ReasonInvalidCountry, raw, "is not an ISO-3166 country")
}

// subdivisionSet holds one country's subdivisions.
type subdivisionSet struct {
	byKey   map[string]string // folded code, name or abbreviation -> code
	partial bool              // unknown regions are kept rather than flagged
}

var subdivisions = loadSubdivisions(subdivisionsFile)

func loadSubdivisions(file string) map[string]*subdivisionSet {
	out := map[string]*subdivisionSet{}
	get := func(cc string) *subdivisionSet {
		s := out[cc]
		if s == nil {
			s = &subdivisionSet{byKey: map[string]string{}}
			out[cc] = s
		}
		return s
	}
	dataLines(file, func(line string) {
		if cc, ok := strings.CutPrefix(line, "@partial "); ok {
			get(strings.TrimSpace(cc)).partial = true
			return
		}
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 || len(f[0]) != 2 {
			panic("cleansing: data/subdivisions.txt: bad line " + line)
		}
		set, code := get(f[0]), f[1]
		keys := []string{strings.ToLower(code)}
		for _, n := range strings.Split(f[2], "|") {
			keys = append(keys, foldKeys(n)...)
		}
		for _, k := range keys {
			if old, ok := set.byKey[k]; ok && old != code {
				panic(fmt.Sprintf("cleansing: data/subdivisions.txt: %s %q names both %s and %s", f[0], k, old, code))
			}
			set.byKey[k] = code
		}
	})
	return out
}

// NormalizeRegion returns the subdivision code, without the country prefix, of a region of
// country (alpha-2): "California", "Calif.", "ca" and "US-CA" -> "CA"; "Bayern"/"Bavaria" ->
// "BY"; "Québec"/"PQ" -> "QC". Subdivisions are known for US, CA, AU, DE, GB (nations only),
// NL, CH, BR and MX; for other countries, and when country is "", the region is cleaned and
// kept as typed. The error is an *Error with reason invalid_region (a region that is not a
// subdivision of a country whose list is complete) or placeholder_value.
func NormalizeRegion(raw, country string) (string, error) {
	s := cleanText(raw)
	if s == "" {
		return "", nil
	}
	if len(s) > 100 {
		return "", newError("region", ReasonInvalidRegion, raw, "is too long for a region")
	}
	country = strings.ToUpper(strings.TrimSpace(country))
	if set := subdivisions[country]; set != nil {
		k := foldKey(s)
		if len(s) > 3 && strings.EqualFold(s[:3], country+"-") {
			k = foldKey(s[3:])
		}
		if code, ok := set.byKey[k]; ok {
			return code, nil
		}
		if isNullMarker(s) {
			return "", newError("region", ReasonPlaceholderValue, raw, "is a placeholder for no value")
		}
		if !set.partial {
			return "", newError("region", ReasonInvalidRegion, raw, "is not a subdivision of "+country)
		}
	}
	if isNullMarker(s) {
		return "", newError("region", ReasonPlaceholderValue, raw, "is a placeholder for no value")
	}
	if !hasLetterOrDigit(s) {
		return "", newError("region", ReasonInvalidRegion, raw, "has no letters or digits")
	}
	return s, nil
}

// postcodeRule is one country's postcode format.
type postcodeRule struct {
	re      *regexp.Regexp
	layouts map[int]string // compact length -> layout
}

var postcodeRules = loadPostcodeRules(postcodesFile)

func loadPostcodeRules(file string) map[string]*postcodeRule {
	out := map[string]*postcodeRule{}
	dataLines(file, func(line string) {
		f := strings.Fields(line)
		if len(f) != 3 || len(f[0]) != 2 {
			panic("cleansing: data/postcodes.txt: bad line " + line)
		}
		r := &postcodeRule{re: regexp.MustCompile(f[1]), layouts: map[int]string{}}
		for _, l := range strings.Split(f[2], "|") {
			r.layouts[strings.Count(l, "#")] = l
		}
		out[f[0]] = r
	})
	return out
}

// legacyPostcodePrefixes are the old car-plate country prefixes written before European
// postcodes ("D-10115", "F-75001", "CH-8001"); the alpha-2 code is always tried too.
var legacyPostcodePrefixes = map[string][]string{
	"DE": {"D"}, "FR": {"F"}, "AT": {"A"}, "IT": {"I"}, "BE": {"B"}, "LU": {"L"}, "SE": {"S"},
	"NO": {"N"}, "FI": {"FIN", "SF"}, "PT": {"P"}, "ES": {"E"}, "DK": {"DK"}, "PL": {"PL"},
	"CZ": {"CZ", "CS"}, "HU": {"H"}, "SI": {"SLO"}, "HR": {"HR"},
}

// NormalizePostcode returns the postcode in the canonical layout of country (alpha-2) when its
// format is known ("sw1a1aa" GB -> "SW1A 1AA", "k1a0b1" CA -> "K1A 0B1", "123456789" US ->
// "12345-6789", "D-10115" DE -> "10115"); a US ZIP that lost its leading zero in a spreadsheet
// ("2134") gets it back. For other countries, and when country is "", the postcode is
// upper-cased with its spaces collapsed. Full-width digits are read as ASCII. The error is an
// *Error with reason invalid_postcode or placeholder_value.
func NormalizePostcode(raw, country string) (string, error) {
	s := cleanText(raw)
	if s == "" {
		return "", nil
	}
	invalid := func(msg string) (string, error) {
		return "", newError("postcode", ReasonInvalidPostcode, raw, msg)
	}
	if len(s) > 40 {
		return invalid("is too long for a postcode")
	}
	if isNullMarker(s) {
		return "", newError("postcode", ReasonPlaceholderValue, raw, "is a placeholder for no value")
	}
	s = strings.TrimSpace(strings.TrimPrefix(collapseSpaces(norm.NFKC.String(s)), "〒"))
	s = strings.ToUpper(s)
	var compact strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '-':
		case 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			compact.WriteByte(c)
		default:
			return invalid("may only hold letters, digits, spaces and hyphens")
		}
	}
	c := compact.String()
	if c == "" {
		return invalid("has no letters or digits")
	}
	country = strings.ToUpper(strings.TrimSpace(country))
	rule := postcodeRules[country]
	if rule == nil {
		return collapseSpaces(strings.Trim(s, " -")), nil
	}
	if country == "US" && isDigits(c) && (len(c) == 4 || (len(c) == 8 && strings.IndexByte(s, '-') == 4)) {
		c = "0" + c // Excel ate the leading zero of a New England / New Jersey ZIP
	}
	if !rule.re.MatchString(c) {
		stripped := ""
		for _, p := range append([]string{country}, legacyPostcodePrefixes[country]...) {
			if rest, ok := strings.CutPrefix(c, p); ok && rule.re.MatchString(rest) {
				stripped = rest
				break
			}
		}
		if stripped == "" {
			return invalid("is not a valid " + country + " postcode")
		}
		c = stripped
	}
	layout, ok := rule.layouts[len(c)]
	if !ok {
		return c, nil
	}
	var b strings.Builder
	i := 0
	for _, r := range layout {
		switch r {
		case '#':
			b.WriteByte(c[i])
			i++
		case '_':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}
