// name.go normalizes person names: whitespace, casing of ALL-CAPS and all-lower-case names,
// honorific titles and suffixes split off, a full name in one field split into first and last.

package cleansing

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Name is a person's name split into its parts.
type Name struct {
	Title  string // honorifics, lower case, no dots, space-separated: "dr", "prof dr"
	First  string
	Last   string
	Suffix string // lower case, no dots, space-separated: "jr", "iii", "jr phd"
}

// nameParticles start a family name: "Ludwig van Beethoven", "Maria de la Cruz".
var nameParticles = map[string]bool{
	"van": true, "von": true, "de": true, "del": true, "della": true, "der": true, "den": true,
	"di": true, "da": true, "du": true, "dos": true, "das": true, "la": true, "le": true,
	"ter": true, "ten": true, "bin": true, "ibn": true, "st": true, "of": true,
}

// lowerParticles stay lower case inside a recased name: "VAN DER BERG" -> "Van der Berg".
var lowerParticles = map[string]bool{
	"van": true, "von": true, "de": true, "del": true, "della": true, "der": true, "den": true,
	"di": true, "da": true, "du": true, "dos": true, "das": true, "la": true, "le": true,
	"ter": true, "ten": true, "bin": true, "ibn": true, "y": true, "e": true, "of": true,
}

// placeholderNames are folded values typed into name fields instead of a name.
var placeholderNames = map[string]bool{
	"test": true, "testing": true, "tester": true, "testuser": true, "testtest": true,
	"testperson": true, "testkunde": true, "asdf": true, "asdfg": true, "asdfgh": true,
	"asdfasdf": true, "qwerty": true, "qwer": true, "unknown": true, "none": true, "null": true,
	"nil": true, "na": true, "nn": true, "noname": true, "name": true, "firstname": true,
	"lastname": true, "first": true, "last": true, "fname": true, "lname": true,
	"surname": true, "firstlast": true, "firstnamelastname": true, "customer": true,
	"guest": true, "anonymous": true, "anon": true, "user": true, "dummy": true, "fake": true,
	"sample": true, "example": true, "tbd": true, "notprovided": true, "notavailable": true,
	"nobody": true, "noone": true, "someone": true, "blank": true, "empty": true,
	"undefined": true, "vorname": true, "nachname": true, "nom": true, "prenom": true,
	"nombre": true, "apellido": true, "abc": true, "xyz": true, "unbekannt": true,
	"nv": true, "ka": true, "keineangabe": true, "guestuser": true, "testcustomer": true,
}

// maxNameBytes bounds one name part; longer values are junk (notes pasted into a name field).
const maxNameBytes = 200

// NormalizeName normalizes one name part (a first or a last name): whitespace collapsed, NFC,
// apostrophe variants (’ ` ´) written ', wrapping quotes and commas trimmed, and each ALL-CAPS
// or all-lower-case word recased ("MCDONALD" -> "McDonald", "o'brien" -> "O'Brien",
// "VAN DER BERG" -> "Van der Berg"); words already in mixed case ("DeShawn") are kept.
// It does not split titles or suffixes (see SplitName). The error is an *Error with reason
// invalid_name (digits, @, symbols, no letters, too long) or placeholder_name (test, unknown,
// n/a, asdf ...).
func NormalizeName(raw string) (string, error) {
	s := cleanName(raw)
	if s == "" {
		if strings.TrimSpace(raw) != "" {
			return "", newError("name", ReasonInvalidName, raw, "has no letters")
		}
		return "", nil
	}
	if isPlaceholderName(s) {
		return "", newError("name", ReasonPlaceholderName, raw, "is a placeholder, not a name")
	}
	if msg := checkNameChars(s); msg != "" {
		return "", newError("name", ReasonInvalidName, raw, msg)
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		words[i] = recaseWord(w, i == 0)
	}
	return norm.NFC.String(strings.Join(words, " ")), nil
}

// apostrophes writes apostrophe look-alikes as ASCII '.
var apostrophes = strings.NewReplacer("’", "'", "‘", "'", "`", "'", "´", "'", "ʼ", "'")

// nameTrim are characters trimmed from both ends of a name.
const nameTrim = " \"'“”„«»,;:*_"

// cleanName cleans whitespace and apostrophes and trims wrapping punctuation.
func cleanName(raw string) string {
	s := apostrophes.Replace(cleanText(raw))
	s = strings.Trim(s, nameTrim)
	return collapseSpaces(strings.ReplaceAll(s, ",", " "))
}

// checkNameChars returns why s cannot be a name, or "".
func checkNameChars(s string) string {
	if len(s) > maxNameBytes {
		return "is too long for a name"
	}
	letters := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters = true
		case unicode.IsNumber(r):
			return "contains digits"
		case r == '@':
			return "contains an email address"
		case strings.ContainsRune(`/\<>{}[]=_#$%^*|~+;:?!`, r) || unicode.IsSymbol(r):
			return "contains the symbol " + quoteRune(r)
		}
	}
	if !letters {
		return "has no letters"
	}
	return ""
}

// isPlaceholderName reports whether a cleaned name is a typed-in placeholder.
func isPlaceholderName(s string) bool {
	k := foldKey(s)
	return placeholderNames[k] || isRepeatedRune(k, 3) || isNullMarker(s)
}

// isRepeatedRune reports whether s is one rune repeated at least min times.
func isRepeatedRune(s string, min int) bool {
	first, n := utf8.DecodeRuneInString(s)
	count := 0
	for _, r := range s {
		if r != first {
			return false
		}
		count++
	}
	return n > 0 && count >= min
}

// recaseWord recases a word written all in one case; words in mixed case are kept as typed.
func recaseWord(w string, first bool) string {
	upper, lower := false, false
	for _, r := range w {
		upper = upper || unicode.IsUpper(r)
		lower = lower || unicode.IsLower(r)
	}
	if upper == lower { // mixed case, or no cased letters at all
		return w
	}
	low := strings.ToLower(w)
	if !first && lowerParticles[low] {
		return low
	}
	var b strings.Builder
	b.Grow(len(low))
	boundary, letters := true, 0
	for _, r := range low {
		if boundary && unicode.IsLetter(r) {
			b.WriteRune(unicode.ToTitle(r))
			boundary = false
			letters++
			continue
		}
		b.WriteRune(r)
		switch {
		case r == '-' || r == '.':
			boundary, letters = true, 0
		case r == '\'':
			boundary = letters == 1 // O'Brien, D'Angelo, but Ng'ang'a
			letters = 0
		case unicode.IsLetter(r):
			letters++
		}
	}
	out := b.String()
	if strings.HasPrefix(out, "Mc") && utf8.RuneCountInString(out) > 3 {
		rest := out[2:]
		r, n := utf8.DecodeRuneInString(rest)
		if unicode.IsLower(r) {
			out = "Mc" + string(unicode.ToTitle(r)) + rest[n:]
		}
	}
	return out
}

// SplitName splits a person's name into title, first name, last name and suffix.
//   - Leading honorifics become Title ("MR. JOHN" -> "mr"), trailing suffixes become Suffix
//     ("SMITH JR." -> "jr"), from either field.
//   - "Smith, John" in one field with the other empty is read as last name, first name;
//     "John Smith, Jr." as a name followed by a suffix.
//   - A full name in the first-name field with the last name empty is split: the last word is
//     the last name, or from a particle on ("Ludwig van Beethoven" -> "Ludwig" / "van Beethoven").
//     A last name is never moved into the first name.
//
// First and Last are cleaned (whitespace, apostrophes) but not recased or validated: pass each
// through NormalizeName.
//
// Splitting can bring a title or suffix to where it is recognised ("0 Jr 0": the split leaves
// "Jr" at the end of the first name), so the split is repeated on its own result until it
// settles, bounded by the number of words; titles and suffixes of every round are kept.
func SplitName(first, last string) Name {
	n := splitNameOnce(first, last)
	for rounds := len(strings.Fields(first + " " + last)); rounds > 0; rounds-- {
		next := splitNameOnce(n.First, n.Last)
		if next.First == n.First && next.Last == n.Last && next.Title == "" && next.Suffix == "" {
			break
		}
		n = Name{Title: joinCodes(n.Title, next.Title), First: next.First, Last: next.Last, Suffix: joinCodes(next.Suffix, n.Suffix)}
	}
	return n
}

// splitNameOnce is one round of SplitName.
func splitNameOnce(first, last string) Name {
	f, l := cleanNameKeepCommas(first), cleanNameKeepCommas(last)
	var extraSuffix, titles []string
	switch {
	case l == "" && strings.Contains(f, ","):
		if head, rank, ok := splitPeerage(f); ok {
			f, titles = head, appendCode(titles, rank)
		} else {
			f, l, extraSuffix = splitComma(f)
		}
	case f == "" && strings.Contains(l, ","):
		if head, rank, ok := splitPeerage(l); ok {
			l, titles = head, appendCode(titles, rank)
		} else {
			f, l, extraSuffix = splitComma(l)
		}
	}
	ft, lt := nameWords(f), nameWords(l)

	for {
		switch {
		case len(ft) > 0 && isTitleWord(ft[0]):
			titles = appendCode(titles, titleCodes[foldKey(ft[0])])
			ft = ft[1:]
			continue
		case len(lt) > 1 && isTitleWord(lt[0]):
			titles = appendCode(titles, titleCodes[foldKey(lt[0])])
			lt = lt[1:]
			continue
		}
		break
	}

	var suffixes []string // collected back to front
	for {
		switch {
		case len(lt) > 0 && isSuffixWord(lt[len(lt)-1]) && (len(lt) > 1 || len(ft) > 0):
			suffixes = append(suffixes, suffixCodes[foldKey(lt[len(lt)-1])])
			lt = lt[:len(lt)-1]
			continue
		case len(ft) > 1 && isSuffixWord(ft[len(ft)-1]):
			suffixes = append(suffixes, suffixCodes[foldKey(ft[len(ft)-1])])
			ft = ft[:len(ft)-1]
			continue
		}
		break
	}
	var sfx []string
	for i := len(suffixes) - 1; i >= 0; i-- {
		sfx = appendCode(sfx, suffixes[i])
	}
	for _, s := range extraSuffix {
		sfx = appendCode(sfx, s)
	}

	if len(lt) == 0 && len(ft) > 1 {
		cut := len(ft) - 1
		for i := 1; i < len(ft)-1; i++ {
			if nameParticles[foldKey(ft[i])] {
				cut = i
				break
			}
		}
		ft, lt = ft[:cut], ft[cut:]
	}
	return Name{
		Title:  strings.Join(titles, " "),
		First:  strings.Join(ft, " "),
		Last:   strings.Join(lt, " "),
		Suffix: strings.Join(sfx, " "),
	}
}

// nameWords splits s into words, each trimmed of wrapping punctuation.
func nameWords(s string) []string {
	var out []string
	for _, w := range strings.Fields(strings.ReplaceAll(s, ",", " ")) {
		if w = strings.Trim(w, nameTrim); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// cleanNameKeepCommas is cleanName without turning commas into spaces.
func cleanNameKeepCommas(raw string) string {
	return collapseSpaces(strings.Trim(apostrophes.Replace(cleanText(raw)), nameTrim))
}

// splitPeerage reads "Thomas Clifford, 1st Baron Clifford of Chudleigh": a name followed by a
// peerage (an optional ordinal, then a rank such as baron or duke). It returns the name and the
// rank's code; the territorial designation after the rank is not part of the person's name.
func splitPeerage(s string) (head, rank string, ok bool) {
	head, rest, found := strings.Cut(s, ",")
	if !found {
		return "", "", false
	}
	words := strings.Fields(rest)
	if len(words) > 0 && isOrdinal(words[0]) {
		words = words[1:]
	}
	if len(words) == 0 {
		return "", "", false
	}
	code, isRank := peerageCodes[foldKey(words[0])]
	if !isRank {
		return "", "", false
	}
	return strings.TrimSpace(head), code, true
}

// isOrdinal reports whether w is a numeric ordinal: 1st, 2nd, 3rd, 4th ... 21st.
func isOrdinal(w string) bool {
	w = strings.ToLower(strings.TrimRight(w, "."))
	if len(w) < 3 {
		return false
	}
	num, end := w[:len(w)-2], w[len(w)-2:]
	for _, r := range num {
		if r < '0' || r > '9' {
			return false
		}
	}
	return end == "st" || end == "nd" || end == "rd" || end == "th"
}

// splitComma reads "Smith, John" as last, first and "John Smith, Jr., PhD" as a name and
// suffixes.
func splitComma(s string) (first, last string, suffixes []string) {
	parts := strings.Split(s, ",")
	head := strings.TrimSpace(parts[0])
	var rest []string
	for _, p := range parts[1:] {
		for _, w := range strings.Fields(p) {
			if isSuffixWord(w) && len(rest) == 0 {
				suffixes = append(suffixes, suffixCodes[foldKey(w)])
				continue
			}
			rest = append(rest, w)
		}
	}
	if len(rest) == 0 {
		return head, "", suffixes
	}
	return strings.Join(rest, " "), head, suffixes
}
