package cleansing

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ name, in, want, reason string }{
		{"all caps", "JOHN", "John", ""},
		{"all lower", "mary ann", "Mary Ann", ""},
		{"mixed case kept", "DeShawn", "DeShawn", ""},
		{"Mc prefix", "MCDONALD", "McDonald", ""},
		{"O' prefix", "o'brien", "O'Brien", ""},
		{"curly apostrophe", "O’NEIL", "O'Neil", ""},
		{"apostrophe inside word", "NG'ANG'A", "Ng'ang'a", ""},
		{"hyphenated", "ANNE-MARIE", "Anne-Marie", ""},
		{"particles", "VAN DER BERG", "Van der Berg", ""},
		{"de la", "maria de la cruz", "Maria de la Cruz", ""},
		{"accents", "JOSÉ ÑÚÑEZ", "José Ñúñez", ""},
		{"per word", "JOHN smith", "John Smith", ""},
		{"initial", "j.", "J.", ""},
		{"whitespace", "  Jean \t  Luc\u00a0 ", "Jean Luc", ""},
		{"wrapping quotes", `"Bob"`, "Bob", ""},
		{"decomposed accents composed", "Rene\u0301e", "Renée", ""},
		{"caseless script kept", "山田", "山田", ""},
		{"cyrillic", "ИВАНОВ", "Иванов", ""},
		{"empty", " ", "", ""},
		{"digits", "John2", "", ReasonInvalidName},
		{"email in name", "john@acme.com", "", ReasonInvalidName},
		{"phone in name", "555-1234", "", ReasonInvalidName},
		{"symbols only", "***", "", ReasonInvalidName},
		{"emoji", "Jane 😀", "", ReasonInvalidName},
		{"placeholder test", "TEST", "", ReasonPlaceholderName},
		{"placeholder unknown", "Unknown", "", ReasonPlaceholderName},
		{"placeholder n/a", "N/A", "", ReasonPlaceholderName},
		{"keyboard mash", "asdf", "", ReasonPlaceholderName},
		{"repeated letter", "xxxx", "", ReasonPlaceholderName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeName(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err), "err: %v", err)
		})
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct {
		name, first, last string
		want              Name
	}{
		{"full name with title and suffix in one field", "MR. JOHN SMITH JR.", "",
			Name{Title: "mr", First: "JOHN", Last: "SMITH", Suffix: "jr"}},
		{"title in first, suffix in last", "Dr. Jane", "Doe III", Name{Title: "dr", First: "Jane", Last: "Doe", Suffix: "iii"}},
		{"several titles", "Prof. Dr. Hans", "Müller", Name{Title: "prof dr", First: "Hans", Last: "Müller"}},
		{"several suffixes", "John", "Smith Jr. Ph.D.", Name{First: "John", Last: "Smith", Suffix: "jr phd"}},
		{"last, first", "Smith, John", "", Name{First: "John", Last: "Smith"}},
		{"last, first in last field", "", "Smith, John", Name{First: "John", Last: "Smith"}},
		{"name, suffix", "John Smith, Jr.", "", Name{First: "John", Last: "Smith", Suffix: "jr"}},
		{"last, first, suffix", "Smith, John, Jr.", "", Name{First: "John", Last: "Smith", Suffix: "jr"}},
		{"middle name stays first", "Mary Ann Smith", "", Name{First: "Mary Ann", Last: "Smith"}},
		{"particle starts last name", "Ludwig van Beethoven", "", Name{First: "Ludwig", Last: "van Beethoven"}},
		{"de la", "Maria de la Cruz", "", Name{First: "Maria", Last: "de la Cruz"}},
		{"single word stays first", "Madonna", "", Name{First: "Madonna"}},
		{"title only", "Mrs.", "Smith", Name{Title: "mrs", Last: "Smith"}},
		{"spanish title", "Sra. Ana", "García", Name{Title: "sra", First: "Ana", Last: "García"}},
		{"sr at end is senior", "John", "Smith Sr.", Name{First: "John", Last: "Smith", Suffix: "sr"}},
		{"ordinal suffix", "Henry", "Ford 2nd", Name{First: "Henry", Last: "Ford", Suffix: "ii"}},
		{"nickname quotes trimmed", `John "Jack"`, "Kennedy", Name{First: "John Jack", Last: "Kennedy"}},
		{"last name not moved", "", "Smith", Name{Last: "Smith"}},
		{"two fields kept", "Mary Ann", "Smith Jones", Name{First: "Mary Ann", Last: "Smith Jones"}},
		// Historical persons: peerages after a comma, regnal numbers, "of" designations.
		{"peerage after a comma", "Thomas Clifford, 1st Baron Clifford of Chudleigh", "", Name{Title: "baron", First: "Thomas", Last: "Clifford"}},
		{"peerage without an ordinal", "Arthur Wellesley, Duke of Wellington", "", Name{Title: "duke", First: "Arthur", Last: "Wellesley"}},
		{"peerage with middle names", "George Gordon Byron, 6th Baron Byron", "", Name{Title: "baron", First: "George Gordon", Last: "Byron"}},
		{"of designation", "Thomas of Chudleigh", "", Name{First: "Thomas", Last: "of Chudleigh"}},
		{"of designation and peerage", "John of Gaunt, 1st Duke of Lancaster", "", Name{Title: "duke", First: "John", Last: "of Gaunt"}},
		{"regnal number", "Henry VIII", "", Name{First: "Henry", Suffix: "viii"}},
		{"regnal number xiv", "Louis XIV", "", Name{First: "Louis", Suffix: "xiv"}},
		{"regnal number ii", "Elizabeth II", "", Name{First: "Elizabeth", Suffix: "ii"}},
		{"a rank word leading a name is a first name", "Earl Thomas", "", Name{First: "Earl", Last: "Thomas"}},
		{"a rank word as a surname", "Martin Luther King", "", Name{First: "Martin Luther", Last: "King"}},
		{"peerage in the last-name field", "", "Byron, 6th Baron Byron", Name{Title: "baron", Last: "Byron"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, SplitName(tt.first, tt.last))
		})
	}
}

func TestNormalizeTitleAndSuffix(t *testing.T) {
	tests := []struct{ name, in, want, reason string }{
		{"dr", "Dr.", "dr", ""},
		{"prof dr", "Prof. Dr.", "prof dr", ""},
		{"spelled out", "Doctor", "dr", ""},
		{"german", "Herr", "herr", ""},
		{"dipl-ing", "Dipl.-Ing.", "dipl-ing", ""},
		{"job title is not an honorific", "Chief Executive", "", ReasonInvalidTitle},
		{"a peerage rank", "Baroness", "baroness", ""},
	}
	for _, tt := range tests {
		t.Run("title/"+tt.name, func(t *testing.T) {
			got, err := NormalizeTitle(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err))
		})
	}
	suffixes := []struct{ name, in, want, reason string }{
		{"jr", "Jr.", "jr", ""},
		{"roman", "III", "iii", ""},
		{"phd", "Ph.D.", "phd", ""},
		{"junior", "Junior", "jr", ""},
		{"two", "Jr., M.D.", "jr md", ""},
		{"nonsense", "the great", "", ReasonInvalidSuffix},
	}
	for _, tt := range suffixes {
		t.Run("suffix/"+tt.name, func(t *testing.T) {
			got, err := NormalizeSuffix(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err))
		})
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"MR. JOHN SMITH JR.", "o'brien", "MCDONALD", "VAN DER BERG", "ǆemal", "ıSTANBUL",
		"İIİ", "Rene\u0301e", "ß", "a'b'c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once, err := NormalizeName(in)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		twice, err := NormalizeName(once)
		if err != nil || twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, once, twice, err)
		}
	})
}

func FuzzSplitName(f *testing.F) {
	f.Add("MR. JOHN SMITH JR.", "")
	f.Add("Smith, John, Jr.", "")
	f.Add("Dr", "Dr Smith")
	f.Add("Ludwig van Beethoven", "")
	f.Add(`John "Jack"`, "Kennedy")
	f.Fuzz(func(t *testing.T, first, last string) {
		once := SplitName(first, last)
		twice := SplitName(once.First, once.Last)
		if twice.First != once.First || twice.Last != once.Last || twice.Title != "" || twice.Suffix != "" {
			t.Fatalf("not idempotent: (%q, %q) -> %+v -> %+v", first, last, once, twice)
		}
		for _, s := range []string{once.Title} {
			if s == "" {
				continue
			}
			if got, err := NormalizeTitle(s); err != nil || got != s {
				t.Fatalf("title %q does not normalize to itself: %q %v", s, got, err)
			}
		}
		if once.Suffix != "" {
			if got, err := NormalizeSuffix(once.Suffix); err != nil || got != once.Suffix {
				t.Fatalf("suffix %q does not normalize to itself: %q %v", once.Suffix, got, err)
			}
		}
	})
}

func FuzzNormalizeTitle(f *testing.F) {
	for _, s := range []string{"Dr.", "Prof. Dr.", "Dipl.-Ing.", "mr mr", "Jr."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, fn := range []func(string) (string, error){NormalizeTitle, NormalizeSuffix} {
			once, err := fn(in)
			if err != nil {
				continue
			}
			if twice, err := fn(once); err != nil || twice != once {
				t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, once, twice, err)
			}
		}
	})
}
