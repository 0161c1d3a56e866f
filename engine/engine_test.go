package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/sandbox"
)

func TestConnectors_Env(t *testing.T) {
	sb := &sandbox.Sandbox{URLs: map[string]string{sandbox.HubSpot: "http://127.0.0.1:1"}}
	env := map[string]string{"CRM_TOKEN": "s3cret"}
	getenv := func(k string) string { return env[k] }
	spec, ok := connectors.Lookup("hubspot")
	require.True(t, ok)
	t.Run("a sandbox connector gets the sandbox URL and a stand-in secret", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{}, Sandbox: sb, Getenv: getenv}
		e, err := c.env("crm", config.Sandbox, spec, nil, config.RateLimit{})
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:1", e.BaseURL)
		assert.True(t, e.Sandbox)
		assert.Equal(t, sandboxSecret, e.SecretOf("UNSET_TOKEN"))
	})
	t.Run("in dev mode a missing base_url means the sandbox", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{Dev: true}, Sandbox: sb, Getenv: getenv}
		e, err := c.env("crm", "", spec, nil, config.RateLimit{})
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:1", e.BaseURL)
		assert.Equal(t, "s3cret", e.SecretOf("CRM_TOKEN"), "a set variable wins over the stand-in")
	})
	t.Run("a real connector gets its URL and the secret from its variable", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{}, Getenv: getenv}
		e, err := c.env("crm", "https://api.hubapi.com", spec, nil, config.RateLimit{})
		require.NoError(t, err)
		assert.Equal(t, "https://api.hubapi.com", e.BaseURL)
		assert.False(t, e.Sandbox)
		assert.Equal(t, "s3cret", e.SecretOf("CRM_TOKEN"))
		assert.Empty(t, e.SecretOf("UNSET_TOKEN"))
	})
	t.Run("the sandbox must be running", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{}}
		_, err := c.env("crm", config.Sandbox, spec, nil, config.RateLimit{})
		assert.ErrorContains(t, err, "no sandbox is running")
	})
}

func TestScheduleSpec(t *testing.T) {
	spec, err := ScheduleSpec(config.Schedule{Name: "s", Cron: "@every 90m", Workflow: "sync"})
	require.NoError(t, err)
	require.Len(t, spec.Intervals, 1)
	assert.Equal(t, 90*time.Minute, spec.Intervals[0].Every)
	spec, err = ScheduleSpec(config.Schedule{Name: "s", Cron: "0 2 * * *", Timezone: "Europe/Berlin"})
	require.NoError(t, err)
	assert.Equal(t, []string{"0 2 * * *"}, spec.CronExpressions)
	assert.Equal(t, "Europe/Berlin", spec.TimeZoneName)
}
