// honorific.go holds honorific titles and name suffixes: the codes they fold to, and the
// normalizers of the title and suffix fields.

package cleansing

import (
	"maps"
	"strings"
)

// titleCodes maps folded honorifics to their canonical form.
var titleCodes = map[string]string{
	"mr": "mr", "mister": "mr", "mrs": "mrs", "missus": "mrs", "ms": "ms", "miss": "miss",
	"mx": "mx", "dr": "dr", "doctor": "dr", "prof": "prof", "professor": "prof", "rev": "rev",
	"revd": "rev", "reverend": "rev", "sir": "sir", "dame": "dame", "lord": "lord",
	"lady": "lady", "hon": "hon", "honourable": "hon", "honorable": "hon", "herr": "herr",
	"frau": "frau", "mme": "mme", "madame": "mme", "mlle": "mlle", "mademoiselle": "mlle",
	"sr": "sr", "senor": "sr", "sra": "sra", "senora": "sra", "srta": "srta", "senorita": "srta",
	"capt": "capt", "captain": "capt", "col": "col", "colonel": "col", "gen": "gen",
	"sgt": "sgt", "rabbi": "rabbi", "imam": "imam", "fr": "fr", "pastor": "pastor",
	"dott": "dott", "dottssa": "dottssa", "ing": "ing", "mag": "mag", "dipling": "dipl-ing",
}

// peerageCodes are ranks of nobility and office that follow a name after a comma ("Thomas
// Clifford, 1st Baron Clifford of Chudleigh"). They are never read as a leading title, because
// several are first names or surnames too (Earl Thomas, Duke Ellington, Martin Luther King).
var peerageCodes = map[string]string{
	"baron": "baron", "baroness": "baroness", "baronet": "baronet", "viscount": "viscount",
	"viscountess": "viscountess", "earl": "earl", "countess": "countess", "count": "count",
	"marquess": "marquess", "marquis": "marquis", "marchioness": "marchioness", "duke": "duke",
	"duchess": "duchess", "prince": "prince", "princess": "princess", "king": "king",
	"queen": "queen", "emperor": "emperor", "empress": "empress", "lord": "lord", "lady": "lady",
	"bishop": "bishop", "archbishop": "archbishop", "cardinal": "cardinal", "pope": "pope",
	"sultan": "sultan", "elector": "elector", "margrave": "margrave", "landgrave": "landgrave",
	"laird": "laird", "knight": "knight",
}

// suffixCodes maps folded name suffixes to their canonical form.
var suffixCodes = map[string]string{
	"jr": "jr", "jnr": "jr", "junior": "jr", "sr": "sr", "snr": "sr", "senior": "sr",
	"ii": "ii", "iii": "iii", "iv": "iv", "2nd": "ii", "3rd": "iii", "4th": "iv",
	// Regnal numbers (Henry VIII, Louis XIV). V and X are left out: they are initials too.
	"vi": "vi", "vii": "vii", "viii": "viii", "ix": "ix", "xi": "xi", "xii": "xii", "xiii": "xiii",
	"xiv": "xiv", "xv": "xv", "xvi": "xvi", "5th": "v", "6th": "vi", "7th": "vii", "8th": "viii",
	"phd": "phd", "md": "md", "dds": "dds", "dmd": "dmd", "esq": "esq", "esquire": "esq",
	"cpa": "cpa", "mba": "mba", "jd": "jd", "dvm": "dvm", "rn": "rn", "obe": "obe",
	"mbe": "mbe", "cbe": "cbe", "kbe": "kbe", "qc": "qc", "kc": "kc", "msc": "msc",
}

func isTitleWord(w string) bool  { _, ok := titleCodes[foldKey(w)]; return ok }
func isSuffixWord(w string) bool { _, ok := suffixCodes[foldKey(w)]; return ok }

// appendCode appends c unless it is already in list.
func appendCode(list []string, c string) []string {
	for _, x := range list {
		if x == c {
			return list
		}
	}
	return append(list, c)
}

// NormalizeTitle normalizes a title field: each word must be a known honorific ("Dr.",
// "Prof. Dr.", "Mrs", "Herr") or a rank ("Baron"), returned lower case without dots ("dr", "prof dr"). The error is
// an *Error with reason invalid_title.
func NormalizeTitle(raw string) (string, error) {
	return normalizeCodes(raw, titleAndPeerageCodes, "title", ReasonInvalidTitle, "is not a known honorific")
}

// titleAndPeerageCodes are the codes a title field may hold: honorifics and ranks.
var titleAndPeerageCodes = func() map[string]string {
	m := make(map[string]string, len(titleCodes)+len(peerageCodes))
	maps.Copy(m, peerageCodes)
	maps.Copy(m, titleCodes)
	return m
}()

// NormalizeSuffix normalizes a suffix field: each word must be a known suffix ("Jr.", "III",
// "Ph.D."), returned lower case without dots ("jr", "iii", "phd"). The error is an *Error with
// reason invalid_suffix.
func NormalizeSuffix(raw string) (string, error) {
	return normalizeCodes(raw, suffixCodes, "suffix", ReasonInvalidSuffix, "is not a known name suffix")
}

func normalizeCodes(raw string, codes map[string]string, field, reason, msg string) (string, error) {
	s := cleanText(raw)
	if s == "" {
		return "", nil
	}
	if len(s) > maxNameBytes {
		return "", newError(field, reason, raw, msg)
	}
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '/' }) {
		k := foldKey(w)
		if k == "" {
			continue
		}
		c, ok := codes[k]
		if !ok {
			return "", newError(field, reason, raw, msg)
		}
		out = appendCode(out, c)
	}
	if len(out) == 0 {
		return "", newError(field, reason, raw, msg)
	}
	return strings.Join(out, " "), nil
}
