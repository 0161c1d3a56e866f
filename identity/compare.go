// compare.go holds the field comparators: for each kind of field, its comparison levels
// (null, else, fuzzy levels, exact) and the function placing a pair of values in a level.
package identity

import (
	"fmt"
	"slices"
	"strings"
)

// Kind selects a field's comparator.
type Kind string

// Comparator kinds.
const (
	KindName     Kind = "name"     // person names: exact, Jaro-Winkler ≥ 0.92, ≥ 0.80, token subset, nickname, initial
	KindText     Kind = "text"     // free text such as street or city: exact, Jaro-Winkler ≥ 0.92, ≥ 0.80
	KindDate     Kind = "date"     // YYYY-MM-DD: exact, day and month transposed, one edit
	KindCode     Kind = "code"     // identifiers and postcodes: exact, one edit, two edits
	KindCategory Kind = "category" // a few values (gender, country): exact or not
	KindEmail    Kind = "email"    // exact, same local part, Jaro-Winkler ≥ 0.92
)

// Level numbers: 0 is always null (a side is empty), 1 is always "else" (disagreement),
// higher levels are closer agreement and the highest is the exact match.
const (
	levelNull uint8 = 0
	levelElse uint8 = 1
)

// levelLabels names the levels of each kind, index = level number.
var levelLabels = map[Kind][]string{
	KindName:     {"null", "else", "initial", "nickname", "token subset", "jaro-winkler>=0.80", "jaro-winkler>=0.92", "exact"},
	KindText:     {"null", "else", "jaro-winkler>=0.80", "jaro-winkler>=0.92", "exact"},
	KindDate:     {"null", "else", "one edit", "day/month transposed", "exact"},
	KindCode:     {"null", "else", "two edits", "one edit", "exact"},
	KindCategory: {"null", "else", "exact"},
	KindEmail:    {"null", "else", "jaro-winkler>=0.92", "same local part", "exact"},
}

// parseCompareEntry splits "path[:kind]" and checks both parts.
func parseCompareEntry(entry string) (path string, kind Kind, err error) {
	path, k, _ := strings.Cut(strings.TrimSpace(entry), ":")
	if !ValidField(path) {
		return "", "", fmt.Errorf("unknown field %q: use one of %s or attributes.<name>", path, strings.Join(Fields, ", "))
	}
	kind = Kind(k)
	if k != "" {
		if _, ok := levelLabels[kind]; !ok {
			return "", "", fmt.Errorf("unknown comparator %q in %q: use name, text, date, code, category or email", k, entry)
		}
	}
	return path, kind, nil
}

// CompareMapped returns cfg.Compare plus every path in mapped that the model can compare and
// that is neither listed already nor matched exactly (cfg.Exact). A file whose mapping names
// columns but no compare list gets each mapped column compared with its kind's built-in
// comparator, instead of only the built-in six fields.
func CompareMapped(cfg Config, mapped []string) []string {
	out := slices.Clone(cfg.Compare)
	have := map[string]bool{}
	for _, entry := range cfg.Compare {
		path, _, _ := strings.Cut(strings.TrimSpace(entry), ":")
		have[path] = true
	}
	for _, f := range cfg.Exact {
		have[f] = true
	}
	for _, path := range mapped {
		if have[path] || !ValidField(path) {
			continue
		}
		have[path] = true
		out = append(out, path)
	}
	return out
}

// defaultKind is the comparator of a field when the configuration names none; "" means
// "infer from the values" (attributes).
func defaultKind(path string) Kind {
	switch path {
	case FieldFirstName, FieldLastName, FieldTitle, FieldSuffix:
		return KindName
	case FieldBirthDate:
		return KindDate
	case FieldAddressPostcode, FieldPhone:
		return KindCode
	case FieldEmail:
		return KindEmail
	case FieldGender, FieldAddressCountry, FieldAddressRegion:
		return KindCategory
	case FieldAddressLine1, FieldAddressLine2, FieldAddressCity:
		return KindText
	}
	return ""
}

// inferKind picks code for mostly-numeric values, category for very few distinct values
// and text otherwise.
func inferKind(dict []string, counts []uint32) Kind {
	var numeric, total uint64
	for id := 1; id < len(dict); id++ {
		total += uint64(counts[id])
		if looksNumeric(dict[id]) {
			numeric += uint64(counts[id])
		}
	}
	switch {
	case total == 0:
		return KindText
	case numeric*10 >= total*8:
		return KindCode
	case len(dict)-1 <= 12 && total >= 100:
		return KindCategory
	}
	return KindText
}

func looksNumeric(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '+':
		default:
			return false
		}
	}
	return digits > 0
}

// compareValues returns the level of two different, non-empty values of a field.
// Equal and empty values are handled by the caller (exact and null levels).
func compareValues(kind Kind, a, b string, ascii bool, da, db date) uint8 {
	switch kind {
	case KindName:
		switch s := jaroWinklerASCII(a, b, ascii); {
		case s >= 0.92:
			return nameJW92
		case s >= 0.80:
			return nameJW80
		}
		if tokenSubset(a, b) {
			return nameTokens
		}
		if nicknames(a, b) {
			return nameNickname
		}
		if initialOf(a, b) || initialOf(b, a) {
			return nameInitial
		}
	case KindText:
		switch s := jaroWinklerASCII(a, b, ascii); {
		case s >= 0.92:
			return 3
		case s >= 0.80:
			return 2
		}
	case KindDate:
		if da.valid() && db.valid() && da.y == db.y && da.m == db.d && da.d == db.m {
			return 3
		}
		if osaDistanceASCII(a, b, 1, ascii) <= 1 {
			return 2
		}
	case KindCode:
		switch osaDistanceASCII(a, b, 2, ascii) {
		case 1:
			return 3
		case 2:
			return 2
		}
	case KindEmail:
		la, _, _ := strings.Cut(a, "@")
		lb, _, _ := strings.Cut(b, "@")
		if la == lb {
			return 3
		}
		if jaroWinklerASCII(a, b, ascii) >= 0.92 {
			return 2
		}
	}
	return levelElse
}

// Levels of KindName between else and exact.
const (
	nameInitial  uint8 = 2 // "j" / "john"
	nameNickname uint8 = 3 // "bill" / "william" (nicknames.go)
	nameTokens   uint8 = 4 // every word of one in the other: "ann" / "mary ann", "cruz" / "de la cruz"
	nameJW80     uint8 = 5
	nameJW92     uint8 = 6
)

// tokenSubset reports whether the words of one name all appear, as words, in the other (in
// any order), the two differing: "ann" / "mary ann", "smith jones" / "jones smith". Words of
// one letter are initials, not words.
func tokenSubset(a, b string) bool {
	if !strings.ContainsAny(a, " -") && !strings.ContainsAny(b, " -") {
		return false // one word each, and they differ
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	words := 0
	for w := range strings.FieldsFuncSeq(a, isNameSeparator) {
		if len(w) < 2 || !containsWord(b, w) {
			return false
		}
		words++
	}
	return words > 0
}

func isNameSeparator(r rune) bool { return r == ' ' || r == '-' }

// containsWord reports whether w appears in s as a whole word.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || isNameSeparator(rune(s[start-1]))) && (end == len(s) || isNameSeparator(rune(s[end]))) {
			return true
		}
		i = start + 1
	}
}

// initialOf reports whether a is an initial ("j" or "j.") of the longer name b.
func initialOf(a, b string) bool {
	a = strings.TrimSuffix(a, ".")
	if len(a) != 1 || len(b) < 2 {
		return false
	}
	return a[0] == b[0]
}

// date is a parsed YYYY-MM-DD value (zero when the value is not such a date).
type date struct{ y, m, d uint16 }

func (d date) valid() bool { return d.y != 0 }

func parseDate(s string) date {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !allDigits(s[:4]) || !allDigits(s[5:7]) || !allDigits(s[8:]) {
		return date{}
	}
	num := func(s string) uint16 {
		var n uint16
		for i := 0; i < len(s); i++ {
			n = n*10 + uint16(s[i]-'0')
		}
		return n
	}
	return date{y: num(s[:4]), m: num(s[5:7]), d: num(s[8:])}
}
