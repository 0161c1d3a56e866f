// config_test.go tests the configuration block: defaults, validation messages, overrides.
package identity

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfig_Validate(t *testing.T) {
	t.Run("defaults are valid", func(t *testing.T) {
		require.NoError(t, DefaultConfig().Validate())
		assert.True(t, DefaultConfig().Threshold.Auto(), "the threshold is chosen from the model by default")
		assert.Equal(t, 3, DefaultConfig().Limits.MaxEmailsPerProfile)
	})
	for name, tc := range map[string]struct {
		edit func(*Config)
		want string
	}{
		"unknown compare field": {func(c *Config) { c.Compare[2] = "fist_name" }, `identity.compare[2]: unknown field "fist_name"`},
		"unknown comparator":    {func(c *Config) { c.Compare[0] = "first_name:fuzzy" }, `identity.compare[0]: unknown comparator "fuzzy"`},
		"duplicate field":       {func(c *Config) { c.Compare = append(c.Compare, "first_name") }, "identity.compare[6]: field \"first_name\" is listed twice"},
		"unknown exact field":   {func(c *Config) { c.Exact = []string{"mail"} }, "identity.exact[0]"},
		"threshold":             {func(c *Config) { c.Threshold = 1 }, "identity.threshold: 1 is not a probability"},
		"negative threshold":    {func(c *Config) { c.Threshold = -0.5 }, "use e.g. 0.95, or auto"},
		"target precision":      {func(c *Config) { c.TargetPrecision = 1.2 }, "identity.target_precision: 1.2 is not a precision"},
		"negative limit":        {func(c *Config) { c.Limits.MaxEmailsPerProfile = -1 }, "identity.limits.max_emails_per_profile"},
		"unique field":          {func(c *Config) { c.Limits.Unique = []string{"ssn"} }, "identity.limits.unique[0]"},
		"blocking rule":         {func(c *Config) { c.Blocking = []string{"last_name:metaphone"} }, `identity.blocking[0]: unknown transform "metaphone"`},
		"block size":            {func(c *Config) { c.MaxBlockSize = 1 }, "identity.max_block_size"},
		"survivorship rule":     {func(c *Config) { c.Survivorship = map[string]string{"email": "oldest"} }, `identity.survivorship.email: unknown rule "oldest"`},
		"priority needs ranks":  {func(c *Config) { c.Survivorship = map[string]string{"default": "priority"} }, "needs identity.source_priority"},
		"nothing to compare":    {func(c *Config) { c.Compare, c.Exact = nil, nil }, "nothing to resolve on"},
	} {
		t.Run(name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			assert.ErrorContains(t, c.Validate(), tc.want)
		})
	}
	t.Run("every error is reported", func(t *testing.T) {
		c := DefaultConfig()
		c.Threshold, c.Compare[0] = 2, "nope"
		err := c.Validate()
		assert.ErrorContains(t, err, "identity.threshold")
		assert.ErrorContains(t, err, "identity.compare[0]")
	})
}

func TestConfigOverride_Apply(t *testing.T) {
	th := Threshold(0.8)
	emails := 5
	o := ConfigOverride{Threshold: &th, Compare: &[]string{"first_name"}, Limits: &LimitsOverride{MaxEmailsPerProfile: &emails},
		Survivorship: map[string]string{"email": RuleFrequent}}
	base := DefaultConfig()
	base.Survivorship = map[string]string{"default": RuleComplete}
	c := o.Apply(base)
	assert.Equal(t, Threshold(0.8), c.Threshold)
	assert.Equal(t, []string{"first_name"}, c.Compare)
	assert.Equal(t, 5, c.Limits.MaxEmailsPerProfile)
	assert.Equal(t, base.Exact, c.Exact)
	assert.Equal(t, map[string]string{"default": RuleComplete, "email": RuleFrequent}, c.Survivorship)
	assert.Equal(t, map[string]string{"default": RuleComplete}, base.Survivorship, "the base is not modified")
}

func TestThreshold_UnmarshalText(t *testing.T) {
	var th Threshold
	require.NoError(t, th.UnmarshalText([]byte(" Auto ")))
	assert.True(t, th.Auto())
	assert.Equal(t, "auto", th.String())
	require.NoError(t, th.UnmarshalText([]byte("0.9")))
	assert.Equal(t, Threshold(0.9), th)
	assert.Equal(t, "0.9", th.String())
	assert.ErrorContains(t, th.UnmarshalText([]byte("high")), `"high" is neither a probability nor auto`)
}

func TestCompareMapped(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Compare = []string{FieldFirstName, "last_name:text"}
	got := CompareMapped(cfg, []string{"address.line2", "email", "phone", "last_name", "attributes.street_number", "created_at", "first_name"})
	// Listed fields stay once (a kind suffix included), exact fields and non-fields are left out.
	assert.Equal(t, []string{FieldFirstName, "last_name:text", "address.line2", "attributes.street_number"}, got)
	assert.Equal(t, []string{FieldFirstName, "last_name:text"}, cfg.Compare, "the base list is not changed")
}
