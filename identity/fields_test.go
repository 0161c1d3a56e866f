// fields_test.go tests field paths, their getter and setter, and light normalization.
package identity

import (
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFieldValue(t *testing.T) {
	t.Run("every canonical field round-trips", func(t *testing.T) {
		for _, path := range append(Fields, "attributes.tier") {
			var c record.Customer
			require.NoError(t, SetFieldValue(&c, path, "v-"+path))
			v, err := FieldValue(c, path)
			require.NoError(t, err)
			assert.Equal(t, "v-"+path, v)
		}
	})
	t.Run("paths land in the right place", func(t *testing.T) {
		var c record.Customer
		require.NoError(t, SetFieldValue(&c, "address.postcode", "4510"))
		require.NoError(t, SetFieldValue(&c, "attributes.x", "y"))
		assert.Equal(t, "4510", c.Address.Postcode)
		assert.Equal(t, map[string]string{"x": "y"}, c.Attributes)
		v, err := FieldValue(c, "attributes.missing")
		require.NoError(t, err)
		assert.Empty(t, v)
	})
	t.Run("unknown paths are errors", func(t *testing.T) {
		_, err := FieldValue(record.Customer{}, "address.street")
		assert.ErrorContains(t, err, `unknown field "address.street"`)
		assert.Error(t, SetFieldValue(&record.Customer{}, "attributes.", "x"))
		assert.False(t, ValidField("attributes."))
		assert.True(t, ValidField("attributes.a"))
	})
}

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
