// fields_test.go tests light normalization.
package identity

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeText(t *testing.T) {
	for in, want := range map[string]string{
		"  Sarah ":        "sarah",
		"JAC   OB":        "jac ob",
		"a\tb\r\nc":       "a b c",
		"Élodie  MÜLLER ": "élodie müller",
		"already ok":      "already ok",
		"":                "",
	} {
		assert.Equal(t, want, NormalizeText(in), in)
	}
}

func TestNormalizeDate(t *testing.T) {
	for in, want := range map[string]string{
		"19300213":     "1930-02-13",
		"1930-02-13":   "1930-02-13",
		"1930/02/13":   "1930-02-13",
		" 1930.02.13 ": "1930-02-13",
		"13/02/1930":   "13/02/1930",
		"1930-2-13":    "1930-2-13",
		"":             "",
	} {
		assert.Equal(t, want, NormalizeDate(in), in)
	}
}
