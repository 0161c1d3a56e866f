// gender.go normalizes gender values to the canonical codes m, f and x.

package cleansing

// genderCodes maps folded input values (see foldKey) to m, f or x; "" marks a value that says
// "not given" (unknown, prefer not to say), which normalizes to an empty field without an issue.
var genderCodes = map[string]string{
	// male
	"m": "m", "male": "m", "man": "m", "boy": "m", "mr": "m", "masculine": "m", "masculino": "m",
	"masculin": "m", "maschio": "m", "mannlich": "m", "maennlich": "m", "herr": "m", "hombre": "m",
	"homme": "m", "h": "m", "cismale": "m", "cisman": "m", "transman": "m", "transmale": "m",
	// female
	"f": "f", "female": "f", "woman": "f", "girl": "f", "mrs": "f", "ms": "f", "miss": "f",
	"feminine": "f", "femenino": "f", "feminin": "f", "femmina": "f", "weiblich": "f", "w": "f",
	"frau": "f", "mujer": "f", "femme": "f", "cisfemale": "f", "ciswoman": "f",
	"transwoman": "f", "transfemale": "f",
	// anything else the person chose to state
	"x": "x", "nonbinary": "x", "nb": "x", "enby": "x", "other": "x", "diverse": "x",
	"divers": "x", "d": "x", "genderqueer": "x", "genderfluid": "x", "agender": "x",
	"intersex": "x", "thirdgender": "x", "andere": "x", "autre": "x", "otro": "x",
	// not given
	"u": "", "unknown": "", "unspecified": "", "notspecified": "", "notknown": "",
	"prefernottosay": "", "prefernottoanswer": "", "prefernottodisclose": "",
	"declined": "", "declinetoanswer": "", "notstated": "", "notprovided": "", "na": "",
	"none": "", "null": "", "unbekannt": "", "keineangabe": "", "ka": "", "inconnu": "",
	"desconocido": "", "nd": "", "notdisclosed": "", "undisclosed": "", "undefined": "",
}

// NormalizeGender returns "m", "f" or "x" for the common spellings in English, German, French,
// Spanish and Italian ("Male", "W", "weiblich", "non-binary", "divers"), and "" without an
// error for "not given" values ("unknown", "prefer not to say", "n/a"). Numeric codes are not
// accepted: systems disagree on whether 1 means male or female. The error is an *Error with
// reason invalid_gender.
func NormalizeGender(raw string) (string, error) {
	s := cleanText(raw)
	if s == "" {
		return "", nil
	}
	code, ok := genderCodes[foldKey(s)]
	if !ok {
		if isNullMarker(s) {
			return "", nil
		}
		return "", newError("gender", ReasonInvalidGender, raw, "is not a known gender value")
	}
	return code, nil
}
