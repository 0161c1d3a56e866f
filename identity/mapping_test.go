// mapping_test.go tests mapping files.
package identity

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMapping(t *testing.T) {
	t.Run("valid with an identity override", func(t *testing.T) {
		m, err := ParseMapping([]byte(`
id: customer_id
fields:
  first_name: given_name
  address.postcode: postcode
  attributes.loyalty: loyalty_no
identity:
  compare: [first_name, address.postcode, attributes.loyalty]
  threshold: 0.9
  limits:
    max_phones_per_profile: 2
`))
		require.NoError(t, err)
		assert.Equal(t, "customer_id", m.ID)
		assert.Equal(t, "given_name", m.Fields["first_name"])
		cfg := m.Config(DefaultConfig())
		assert.Equal(t, []string{"first_name", "address.postcode", "attributes.loyalty"}, cfg.Compare)
		assert.Equal(t, 0.9, cfg.Threshold)
		assert.Equal(t, 3, cfg.Limits.MaxEmailsPerProfile, "keys not overridden keep their value")
		assert.Equal(t, 2, cfg.Limits.MaxPhonesPerProfile)
		assert.Equal(t, DefaultConfig().Exact, cfg.Exact)
	})
	t.Run("errors", func(t *testing.T) {
		for name, tc := range map[string]struct{ yaml, want string }{
			"unknown key":      {"id: x\nfields: {first_name: a}\nfeilds: {}", "field feilds not found"},
			"unknown field":    {"id: x\nfields: {fist_name: a}", "fields.fist_name"},
			"missing id":       {"fields: {first_name: a}", "id: missing"},
			"bad override":     {"id: x\nfields: {first_name: a}\nidentity: {threshold: 2}", "identity.threshold"},
			"bad compare kind": {"id: x\nfields: {first_name: a}\nidentity: {compare: [first_name:fuzzy]}", "identity.compare[0]"},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := ParseMapping([]byte(tc.yaml))
				assert.ErrorContains(t, err, tc.want)
			})
		}
	})
}

func TestLoadMapping(t *testing.T) {
	m, err := LoadMapping("testdata/febrl.mapping.yaml")
	require.NoError(t, err)
	assert.Equal(t, "rec_id", m.ID)
	assert.Equal(t, "febrl", m.Source)
	_, err = LoadMapping("testdata/missing.yaml")
	assert.Error(t, err)
}
