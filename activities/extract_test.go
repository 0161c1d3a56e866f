package activities

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/connectors/ga4"
	"github.com/cdpflow/cdpflow/connectors/hubspot"
	"github.com/cdpflow/cdpflow/connectors/salesforce"
	"github.com/cdpflow/cdpflow/connectors/shopify"
	"github.com/cdpflow/cdpflow/connectors/square"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

// killAfter wraps a source and fails once it has served n pages, like a worker that dies mid-sync.
// It records every cursor it was asked for.
type killAfter struct {
	connectors.Source
	n       int
	served  int
	cursors []string
}

var errKilled = errors.New("worker killed")

func (k *killAfter) FetchPage(ctx context.Context, req connectors.PageRequest) (connectors.Page, error) {
	if k.n > 0 && k.served >= k.n {
		return connectors.Page{}, errKilled
	}
	k.cursors = append(k.cursors, string(req.Kind)+"|"+req.Cursor)
	k.served++
	return k.Source.FetchPage(ctx, req)
}

func TestExtract_AKilledAttemptResumesFromItsLastHeartbeat(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 900}), Only: []string{sandbox.HubSpot}})
	require.NoError(t, err)
	defer sb.Close()
	hs, err := hubspot.New(hubspot.Config{Name: "hubspot", BaseURL: sb.URLs[sandbox.HubSpot], Token: "t"})
	require.NoError(t, err)
	cfg := testConfig(t)
	st := testStore(t)

	// Attempt 1 dies after 4 pages; the heartbeats it recorded are what Temporal would keep.
	first := &killAfter{Source: hs, n: 4}
	acts := &Activities{Store: st, Config: cfg, Connectors: fakeConnectors{sources: map[string]connectors.Source{"hubspot": first}}}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	var last *Checkpoint
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
		var cp Checkpoint
		require.NoError(t, d.Get(&cp))
		last = &cp
	})
	_, err = env.ExecuteActivity(acts.Extract, ExtractInput{Run: "r1", Source: "hubspot"})
	require.ErrorContains(t, err, "worker killed")
	require.NotNil(t, last)

	// Attempt 2 starts from the last heartbeat.
	second := &killAfter{Source: hs}
	acts.Connectors = fakeConnectors{sources: map[string]connectors.Source{"hubspot": second}}
	env2 := ts.NewTestActivityEnvironment()
	env2.RegisterActivity(acts)
	env2.SetHeartbeatDetails(*last)
	val, err := env2.ExecuteActivity(acts.Extract, ExtractInput{Run: "r1", Source: "hubspot"})
	require.NoError(t, err)
	var res ExtractResult
	require.NoError(t, val.Get(&res))

	refetched := 0
	seen := map[string]bool{}
	for _, c := range first.cursors {
		seen[c] = true
	}
	for _, c := range second.cursors {
		if seen[c] {
			refetched++
		}
	}
	assert.LessOrEqual(t, refetched, 1, "a resumed attempt re-fetches at most one page")
	assert.True(t, res.Resumed)

	ds, release := sb.Data()
	want := len(ds.Sources[sandbox.HubSpot].Contacts)
	release()
	assert.Equal(t, want, res.Extracted, "every record exactly once across both attempts")
	assert.Equal(t, map[string]int{string(record.KindCustomer): want}, res.ByKind)
}

// TestExtract_EveryConnectorResumesAKilledAttempt kills each source's first attempt after two
// pages and resumes from its last heartbeat: at most one page is fetched twice, and the run ends
// with exactly the records an uninterrupted extraction reads.
func TestExtract_EveryConnectorResumesAKilledAttempt(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 1500})})
	require.NoError(t, err)
	defer sb.Close()
	u := sb.URLs
	sb.SetShopifyBucket(1000, 1000) // a Plus-sized bucket: pacing is tested in connectors/shopify
	csvDir, err := filepath.Abs("../connectors/csvfile/testdata")
	require.NoError(t, err)
	cases := map[string]func() (connectors.Source, error){
		"hubspot": func() (connectors.Source, error) {
			return hubspot.New(hubspot.Config{Name: "crm", BaseURL: u[sandbox.HubSpot], Token: "t", PageSize: 100})
		},
		"salesforce": func() (connectors.Source, error) {
			return salesforce.New(salesforce.Config{Name: "crm", BaseURL: u[sandbox.Salesforce], Token: "t", BatchSize: 200})
		},
		"shopify": func() (connectors.Source, error) {
			return shopify.New(shopify.Config{Name: "crm", BaseURL: u[sandbox.Shopify], Token: "t", PageSize: 100, LeakRate: 1000})
		},
		"square": func() (connectors.Source, error) {
			return square.New(square.Config{Name: "crm", BaseURL: u[sandbox.Square], Token: "t", LocationIDs: []string{"L1"}, CustomerPageSize: 50, OrderPageSize: 100})
		},
		"ga4": func() (connectors.Source, error) {
			return ga4.New(ga4.Config{Name: "crm", BaseURL: u[sandbox.GA4], Token: "t", PropertyID: "123456", PageSize: 50})
		},
		"csv": func() (connectors.Source, error) {
			return csvfile.New(csvfile.Config{Name: "crm", Path: filepath.Join(csvDir, "messy.csv"),
				MappingPath: filepath.Join(csvDir, "mapping.yaml"), PageSize: 2})
		},
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Sources = append(cfg.Sources, config.Source{Name: "crm", Type: name, Lookback: time.Hour})
			whole, err := build()
			require.NoError(t, err)
			acts := &Activities{Store: testStore(t), Config: cfg, Connectors: fakeConnectors{sources: map[string]connectors.Source{"crm": whole}}}
			var ts testsuite.WorkflowTestSuite
			env := ts.NewTestActivityEnvironment()
			env.RegisterActivity(acts)
			val, err := env.ExecuteActivity(acts.Extract, ExtractInput{Run: "uninterrupted", Source: "crm"})
			require.NoError(t, err)
			var want ExtractResult
			require.NoError(t, val.Get(&want))
			require.Greater(t, want.Pages, 2, "enough pages to kill the attempt in the middle")

			src, err := build()
			require.NoError(t, err)
			first := &killAfter{Source: src, n: 2}
			acts.Connectors = fakeConnectors{sources: map[string]connectors.Source{"crm": first}}
			env1 := ts.NewTestActivityEnvironment()
			env1.RegisterActivity(acts)
			var last *Checkpoint
			env1.SetOnActivityHeartbeatListener(func(_ *activity.Info, d converter.EncodedValues) {
				var cp Checkpoint
				require.NoError(t, d.Get(&cp))
				last = &cp
			})
			_, err = env1.ExecuteActivity(acts.Extract, ExtractInput{Run: "killed", Source: "crm"})
			require.ErrorContains(t, err, "worker killed")
			require.NotNil(t, last)

			second := &killAfter{Source: src}
			acts.Connectors = fakeConnectors{sources: map[string]connectors.Source{"crm": second}}
			env2 := ts.NewTestActivityEnvironment()
			env2.RegisterActivity(acts)
			env2.SetHeartbeatDetails(*last)
			val, err = env2.ExecuteActivity(acts.Extract, ExtractInput{Run: "killed", Source: "crm"})
			require.NoError(t, err)
			var got ExtractResult
			require.NoError(t, val.Get(&got))

			seen := map[string]bool{}
			for _, c := range first.cursors {
				seen[c] = true
			}
			refetched := 0
			for _, c := range second.cursors {
				if seen[c] {
					refetched++
				}
			}
			assert.LessOrEqual(t, refetched, 1, "at most one page fetched twice")
			assert.Equal(t, want.ByKind, got.ByKind, "the same records as an uninterrupted run")
		})
	}
}

func TestExtract_IncrementalAfterACommittedWatermark(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 300}), Only: []string{sandbox.HubSpot}})
	require.NoError(t, err)
	defer sb.Close()
	cfg := testConfig(t)
	st := testStore(t)
	hs, err := hubspot.New(hubspot.Config{Name: "hubspot", BaseURL: sb.URLs[sandbox.HubSpot], Token: "t"})
	require.NoError(t, err)
	acts := &Activities{Store: st, Config: cfg, Connectors: fakeConnectors{sources: map[string]connectors.Source{"hubspot": hs}}}
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(acts)

	val, err := env.ExecuteActivity(acts.Extract, ExtractInput{Run: "r1", Source: "hubspot"})
	require.NoError(t, err)
	var full ExtractResult
	require.NoError(t, val.Get(&full))
	assert.Equal(t, "full", full.Mode)

	t.Run("no watermark moves until it is committed", func(t *testing.T) {
		val, err := env.ExecuteActivity(acts.Extract, ExtractInput{Run: "r2", Source: "hubspot"})
		require.NoError(t, err)
		var again ExtractResult
		require.NoError(t, val.Get(&again))
		assert.Equal(t, "full", again.Mode)
	})

	_, err = env.ExecuteActivity(acts.CommitWatermarks, CommitWatermarksInput{Run: "r1", Watermarks: full.Watermarks})
	require.NoError(t, err)

	t.Run("after the commit, only records changed since the watermark minus the lookback", func(t *testing.T) {
		val, err := env.ExecuteActivity(acts.Extract, ExtractInput{Run: "r3", Source: "hubspot"})
		require.NoError(t, err)
		var inc ExtractResult
		require.NoError(t, val.Get(&inc))
		assert.Equal(t, "incremental", inc.Mode)
		wm := full.Watermarks[0].Value
		ds, release := sb.Data()
		want := 0
		for _, c := range ds.Sources[sandbox.HubSpot].Contacts {
			if !c.UpdatedAt.Before(wm.Add(-cfg.Sources[0].Lookback)) {
				want++
			}
		}
		release()
		assert.Equal(t, want, inc.Extracted)
		assert.Less(t, inc.Extracted, full.Extracted)
	})

	t.Run("a forced full sync ignores the watermark", func(t *testing.T) {
		val, err := env.ExecuteActivity(acts.Extract, ExtractInput{Run: "r4", Source: "hubspot", Full: true})
		require.NoError(t, err)
		var res ExtractResult
		require.NoError(t, val.Get(&res))
		assert.Equal(t, "full", res.Mode)
		assert.Equal(t, full.Extracted, res.Extracted)
	})
}
