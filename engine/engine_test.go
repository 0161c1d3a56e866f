package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/sandbox"
)

func TestConnectors_Endpoint(t *testing.T) {
	sb := &sandbox.Sandbox{URLs: map[string]string{sandbox.HubSpot: "http://127.0.0.1:1"}}
	t.Setenv("CRM_TOKEN", "s3cret")
	t.Run("a sandbox connector gets the sandbox URL and a stand-in secret", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{}, Sandbox: sb}
		u, secret, err := c.endpoint("hubspot", config.Sandbox, "UNSET_TOKEN")
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:1", u)
		assert.Equal(t, sandboxSecret, secret)
	})
	t.Run("in dev mode a missing base_url means the sandbox", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{Dev: true}, Sandbox: sb}
		u, _, err := c.endpoint("hubspot", "", "CRM_TOKEN")
		require.NoError(t, err)
		assert.Equal(t, "http://127.0.0.1:1", u)
	})
	t.Run("a real connector gets its URL and the secret from its variable", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{}}
		u, secret, err := c.endpoint("hubspot", "https://api.hubapi.com", "CRM_TOKEN")
		require.NoError(t, err)
		assert.Equal(t, "https://api.hubapi.com", u)
		assert.Equal(t, "s3cret", secret)
	})
	t.Run("the sandbox must be running", func(t *testing.T) {
		c := &Connectors{Config: &config.Config{}}
		_, _, err := c.endpoint("hubspot", config.Sandbox, "CRM_TOKEN")
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
