package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/summary"
)

func TestObserveRun(t *testing.T) {
	m := New()
	changed := 7
	sum := summary.Run{Kind: "refresh", Status: summary.StatusCompleted,
		Sources: map[string]summary.Source{"crm": {Extracted: 10, Throttled: 2}, "shop": {Error: "HTTP 401"}},
		Cleanse: summary.Cleanse{Changed: 7, BySource: map[string]summary.Quality{"crm": {Accepted: 9, Reasons: map[string]int{"invalid_email": 1}}}},
		Destinations: map[string]summary.Destination{"mail": {Added: 3, Removed: 1, InDoubt: 2,
			Approval: &summary.Approval{Status: "rejected", Removes: 40}}},
		Stages: map[string]summary.Stage{"cleanse": {Seconds: 1.5, Changed: &changed}}}
	m.ObserveRun(sum)
	m.ObserveRun(sum)
	assert.Equal(t, 20.0, testutil.ToFloat64(m.extracted.WithLabelValues("crm")), "counters add up over runs")
	assert.Equal(t, 2.0, testutil.ToFloat64(m.inDoubt.WithLabelValues("mail")), "gauges hold the last run's value")
	assert.Equal(t, 80.0, testutil.ToFloat64(m.held.WithLabelValues("mail", "rejected")))
	assert.Equal(t, 2.0, testutil.ToFloat64(m.sourceErrs.WithLabelValues("shop")))
	assert.Equal(t, 2.0, testutil.ToFloat64(m.quarantined.WithLabelValues("crm", "invalid_email")))
	n, err := testutil.GatherAndCount(m.Registry, "cdpflow_stage_duration_seconds")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	err = testutil.GatherAndCompare(m.Registry, strings.NewReader(`
# HELP cdpflow_runs_total Finished runs by kind and status.
# TYPE cdpflow_runs_total counter
cdpflow_runs_total{kind="refresh",status="completed"} 2
`), "cdpflow_runs_total")
	assert.NoError(t, err)
	var nilM *Metrics
	nilM.ObserveRun(sum) // a process without metrics records nothing, and does not panic
}
