package activities

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/ga4"
	"github.com/cdpflow/cdpflow/sandbox"
)

func TestExtract_QuotaExhaustionHandsBackACheckpointToResumeFrom(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 600}), Only: []string{sandbox.GA4}})
	require.NoError(t, err)
	defer sb.Close()
	now := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	src, err := ga4.New(ga4.Config{Name: "web", BaseURL: sb.URLs[sandbox.GA4], Token: "t", PropertyID: "123456", PageSize: 50,
		Now: func() time.Time { return now }})
	require.NoError(t, err)
	acts := &Activities{Store: testStore(t), Config: testConfig(t), Now: func() time.Time { return now },
		Connectors: fakeConnectors{sources: map[string]connectors.Source{"web": src}}}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(acts)

	sandbox.GA4Quota(sb, 3) // the hourly quota runs out after three pages
	_, err = env.ExecuteActivity(acts.Extract, ExtractInput{Run: "r1", Source: "web"})
	var ae *temporal.ApplicationError
	require.True(t, errors.As(err, &ae), "got %v", err)
	assert.Equal(t, ErrTypeQuotaExhausted, ae.Type())
	assert.True(t, ae.NonRetryable(), "the workflow waits on a durable timer instead of the retry policy")
	var wait QuotaWait
	require.NoError(t, ae.Details(&wait))
	assert.Equal(t, time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC), wait.ResumeAt, "the top of the next hour")
	assert.Equal(t, 3, wait.Checkpoint.Pages)
	assert.NotEmpty(t, wait.Checkpoint.Cursor)

	sandbox.GA4ResetQuota(sb) // the hour has turned
	val, err := env.ExecuteActivity(acts.Extract, ExtractInput{Run: "r1", Source: "web", Resume: &wait.Checkpoint})
	require.NoError(t, err)
	var res ExtractResult
	require.NoError(t, val.Get(&res))
	ds, release := sb.Data()
	want := len(ds.Sources[sandbox.GA4].Engagements)
	release()
	assert.Equal(t, want, res.Extracted, "every row once, across the wait")
	assert.Equal(t, 1, res.QuotaWaits)
	assert.True(t, res.Resumed)
}
