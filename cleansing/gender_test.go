package cleansing

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeGender(t *testing.T) {
	tests := []struct{ name, in, want, reason string }{
		{"M", "M", "m", ""},
		{"Male", " Male ", "m", ""},
		{"female upper", "FEMALE", "f", ""},
		{"german weiblich", "weiblich", "f", ""},
		{"german W", "W", "f", ""},
		{"german männlich", "männlich", "m", ""},
		{"french femme", "Femme", "f", ""},
		{"non-binary", "Non-Binary", "x", ""},
		{"non binary with space", "non binary", "x", ""},
		{"german divers", "divers", "x", ""},
		{"x", "X", "x", ""},
		{"unknown is empty", "Unknown", "", ""},
		{"prefer not to say is empty", "Prefer not to say", "", ""},
		{"n/a is empty", "N/A", "", ""},
		{"numeric code rejected", "1", "", ReasonInvalidGender},
		{"junk", "yes", "", ReasonInvalidGender},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeGender(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.reason, ReasonOf(err))
		})
	}
}

func FuzzNormalizeGender(f *testing.F) {
	for _, s := range []string{"M", "female", "Non-Binary", "weiblich", "?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once, err := NormalizeGender(in)
		if err != nil {
			if ReasonOf(err) == "" {
				t.Fatalf("error without reason: %v", err)
			}
			return
		}
		if once != "" && once != "m" && once != "f" && once != "x" {
			t.Fatalf("%q -> %q: not a canonical code", in, once)
		}
		if twice, err := NormalizeGender(once); err != nil || twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", in, once, twice, err)
		}
	})
}
