// fields_test.go tests field paths, their getter and setter.
package record

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCustomer_Fields(t *testing.T) {
	t.Run("every canonical field round-trips", func(t *testing.T) {
		for _, path := range append(Fields, "attributes.tier") {
			var c Customer
			require.NoError(t, c.SetField(path, "v-"+path))
			v, err := c.FieldValue(path)
			require.NoError(t, err)
			assert.Equal(t, "v-"+path, v)
			if path != "attributes.tier" {
				assert.Equal(t, "v-"+path, FieldGetter(path)(&c))
			}
		}
	})
	t.Run("paths land in the right place", func(t *testing.T) {
		var c Customer
		require.NoError(t, c.SetField("address.postcode", "4510"))
		require.NoError(t, c.SetField("attributes.x", "y"))
		assert.Equal(t, "4510", c.Address.Postcode)
		assert.Equal(t, map[string]string{"x": "y"}, c.Attributes)
		v, err := c.FieldValue("attributes.missing")
		require.NoError(t, err)
		assert.Empty(t, v)
	})
	t.Run("consent reads as the channel's state", func(t *testing.T) {
		c := Customer{Consent: map[Channel]Consent{ChannelEmail: {State: ConsentUnsubscribed}}}
		v, err := c.FieldValue("consent.email")
		require.NoError(t, err)
		assert.Equal(t, "unsubscribed", v)
	})
	t.Run("unknown paths are errors", func(t *testing.T) {
		c := Customer{}
		_, err := c.FieldValue("address.street")
		assert.ErrorContains(t, err, `unknown field "address.street"`)
		assert.Error(t, c.SetField("attributes.", "x"))
		assert.False(t, ValidField("attributes."))
		assert.True(t, ValidField("attributes.a"))
		assert.Panics(t, func() { FieldGetter("shoe_size") })
	})
}
