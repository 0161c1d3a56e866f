package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
)

func TestApplySchedules_CreatesUpdatesAndTriggers(t *testing.T) {
	cl := startDevServer(t)
	ctx := context.Background()
	cfg := &config.Config{Temporal: config.Temporal{TaskQueue: taskQueue}, Schedules: []config.Schedule{
		{Name: "nightly-refresh", Cron: "0 2 * * *", Timezone: "Europe/Berlin", Workflow: "refresh"},
		{Name: "hourly-shop-sync", Cron: "@every 1h", Workflow: "sync", Source: "shop"},
	}}
	var msgs []string
	report := func(m string) { msgs = append(msgs, m) }
	require.NoError(t, engine.ApplySchedules(ctx, cl.ScheduleClient(), cfg, true, report))
	require.NoError(t, engine.ApplySchedules(ctx, cl.ScheduleClient(), cfg, true, report), "applying twice updates in place")
	assert.Equal(t, []string{"created schedule nightly-refresh (refresh 0 2 * * *)", "created schedule hourly-shop-sync (sync @every 1h)",
		"updated schedule nightly-refresh (refresh 0 2 * * *)", "updated schedule hourly-shop-sync (sync @every 1h)"}, msgs)

	desc, err := cl.ScheduleClient().GetHandle(ctx, "nightly-refresh").Describe(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Europe/Berlin", desc.Schedule.Spec.TimeZoneName)
	next := desc.Info.NextActionTimes[0].In(time.FixedZone("", 0))
	loc, _ := time.LoadLocation("Europe/Berlin")
	assert.Equal(t, 2, next.In(loc).Hour(), "next run at 02:00 Berlin time")

	sync, err := cl.ScheduleClient().GetHandle(ctx, "hourly-shop-sync").Describe(ctx)
	require.NoError(t, err)
	require.Len(t, sync.Schedule.Spec.Intervals, 1)
	assert.Equal(t, time.Hour, sync.Schedule.Spec.Intervals[0].Every)
	action, ok := sync.Schedule.Action.(*client.ScheduleWorkflowAction)
	require.True(t, ok)
	assert.Equal(t, "SourceSync", action.Workflow)
}
