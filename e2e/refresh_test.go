package e2e

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

const taskQueue = "cdpflow-e2e"

// stackEnviron is the environment the stack's configuration reads (none but what a test sets).
var stackEnviron = []string{}

// stack is a dev server, a worker and the runtime it uses (store, sandbox).
type stack struct {
	client client.Client
	rt     *engine.Runtime
}

func newStack(t *testing.T) *stack { return newStackWith(t, "", nil) }

// newStackWith runs the stack in a new working directory holding files (name -> content), on a
// configuration file with yamlBody ("" = the built-in configuration).
func newStackWith(t *testing.T, yamlBody string, files map[string]string) *stack {
	return newStackFlags(t, yamlBody, files, nil)
}

// newStackFlags is newStackWith with configuration overrides (key -> value).
func newStackFlags(t *testing.T, yamlBody string, files map[string]string, flags map[string]string) *stack {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
	}
	file := ""
	if yamlBody != "" {
		file = filepath.Join(dir, "cdpflow.yaml")
		require.NoError(t, os.WriteFile(file, []byte(yamlBody), 0o600))
	}
	all := map[string]string{"store.dsn": "file:" + filepath.Join(dir, "cdpflow.db"), "sandbox.people": "400", "log.level": "warn"}
	maps.Copy(all, flags)
	cfg, err := config.Load(config.LoadOptions{Dev: true, Environ: stackEnviron, File: file, Flags: all})
	require.NoError(t, err)
	cl := startDevServer(t)
	rt, err := engine.Build(context.Background(), cfg, engine.NewLogger(cfg.Log))
	require.NoError(t, err)
	t.Cleanup(func() { _ = rt.Close() })
	w := engine.NewWorker(cl, taskQueue, rt.Activities)
	require.NoError(t, w.Start())
	t.Cleanup(w.Stop)
	return &stack{client: cl, rt: rt}
}

func (s *stack) refresh(t *testing.T, id string) summary.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue},
		workflows.CustomerRefresh, workflows.RefreshInput{Trigger: "test", SearchAttributes: true})
	require.NoError(t, err)
	var sum summary.Run
	require.NoError(t, run.Get(ctx, &sum))
	return sum
}

func TestCustomerRefresh_EndToEnd(t *testing.T) {
	// Small parts, so the full backfill below cleanses its source in parts through Temporal.
	s := newStackFlags(t, "", nil, map[string]string{"cleanse.partition_rows": "40"})
	ctx := context.Background()
	sum := s.refresh(t, "refresh-e2e-1")

	t.Run("every stage did real work", func(t *testing.T) {
		assert.Equal(t, summary.StatusCompleted, sum.Status)
		for _, src := range []string{"hubspot", "salesforce", "shop", "pos", "web"} {
			assert.Positive(t, sum.Sources[src].Extracted, "source %s", src)
		}
		assert.Positive(t, sum.Cleanse.Accepted)
		assert.Positive(t, sum.Identity.Profiles)
		assert.Less(t, sum.Identity.Profiles, sum.Identity.Records, "duplicates across sources were merged")
		members := 0
		for _, seg := range sum.Segments {
			members += seg.Members
		}
		assert.Positive(t, members)
		for _, d := range []string{"newsletter", "winback_email", "meta_lookalike", "google_ads"} {
			assert.Positive(t, sum.Destinations[d].Added, "destination %s", d)
		}
	})

	t.Run("the quarantine lists every junk record the sandbox generated, with its reason", func(t *testing.T) {
		ds, release := s.rt.Sandbox.Data()
		defer release()
		want := map[record.RecordKey]string{}
		names := map[string]string{sandbox.HubSpot: "hubspot", sandbox.Salesforce: "salesforce", sandbox.Shopify: "shop", sandbox.Square: "pos"}
		for vendor, src := range names {
			for _, c := range ds.Sources[vendor].Contacts {
				if c.Junk != "" {
					want[record.RecordKey{Source: src, ID: c.ID}] = c.Junk
				}
			}
		}
		got := map[record.RecordKey][]string{}
		require.NoError(t, s.rt.Store.ScanQuarantine(ctx, "refresh-e2e-1", func(q store.QuarantineItem) error {
			for _, r := range q.Reasons {
				got[record.RecordKey{Source: q.Source, ID: q.ID}] = append(got[record.RecordKey{Source: q.Source, ID: q.ID}], r.Reason)
			}
			return nil
		}))
		for k, reason := range want {
			assert.Contains(t, got[k], reason, "junk record %s", k)
		}
		assert.Equal(t, sum.Cleanse.Quarantined, len(got))
	})

	t.Run("destinations hold exactly what the summary says was added", func(t *testing.T) {
		assert.Len(t, s.rt.Sandbox.MailchimpMembers("a1b2c3d4e5"), sum.Destinations["newsletter"].Added)
		assert.Len(t, s.rt.Sandbox.MetaAudience("23851234567890"), sum.Destinations["meta_lookalike"].Added)
		sent := s.rt.Sandbox.MandrillSent()
		assert.Len(t, sent, sum.Destinations["winback_email"].Added)
		for rcpt, n := range sent {
			assert.Equal(t, 1, n, "one email to %s", rcpt)
		}
	})

	t.Run("Temporal lists the run with every stage's activities", func(t *testing.T) {
		desc, err := s.client.DescribeWorkflowExecution(ctx, "refresh-e2e-1", "")
		require.NoError(t, err)
		assert.Equal(t, enums.WORKFLOW_EXECUTION_STATUS_COMPLETED, desc.GetWorkflowExecutionInfo().GetStatus())
		seen := map[string]int{}
		for _, e := range historyEvents(t, s.client, "refresh-e2e-1") {
			if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
				seen[a.GetActivityType().GetName()]++
			}
		}
		for _, act := range []string{"StartRun", "Plan", "Cleanse", "CommitWatermarks", "Resolve", "Segment", "FinishRun"} {
			assert.Equal(t, 1, seen[act], act)
		}
		assert.Equal(t, 5, seen["Extract"])
		assert.Equal(t, 4, seen["Push"])
		attrs := desc.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()
		require.Contains(t, attrs, "CdpflowStatus")
		assert.Contains(t, string(attrs["CdpflowStatus"].GetData()), "completed")
		assert.Contains(t, string(attrs["CdpflowKind"].GetData()), "refresh")
	})

	t.Run("the history replays against the current workflow code", func(t *testing.T) {
		replayer := worker.NewWorkflowReplayer()
		engine.RegisterWorkflows(replayer)
		h := &history.History{Events: historyEvents(t, s.client, "refresh-e2e-1")}
		require.NoError(t, replayer.ReplayWorkflowHistory(nil, h))
		if os.Getenv("CDPFLOW_RECORD_HISTORY") != "" {
			recordHistory(t, h)
		}
	})

	t.Run("a second refresh is incremental and delivers nothing twice", func(t *testing.T) {
		again := s.refresh(t, "refresh-e2e-2")
		assert.Equal(t, summary.StatusCompleted, again.Status)
		assert.Equal(t, "incremental", again.Sources["hubspot"].Mode)
		assert.Less(t, again.Sources["hubspot"].Extracted, sum.Sources["hubspot"].Extracted)
		assert.Equal(t, sum.Identity.Profiles, again.Identity.Profiles, "same data, same profiles")
		for d, res := range again.Destinations {
			assert.Zero(t, res.Added, "destination %s re-added members", d)
		}
		for rcpt, n := range s.rt.Sandbox.MandrillSent() {
			assert.Equal(t, 1, n, "still one email to %s", rcpt)
		}
	})

	t.Run("a one-source backfill re-reads that source only and changes no profile", func(t *testing.T) {
		sync := s.run(t, "sync-e2e-shop", workflows.SourceSync, workflows.SyncInput{Source: "shop", Full: true})
		assert.Equal(t, summary.StatusCompleted, sync.Status)
		assert.Equal(t, []string{"shop"}, slices.Sorted(maps.Keys(sync.Sources)))
		assert.Equal(t, "full", sync.Sources["shop"].Mode)
		assert.Equal(t, sum.Sources["shop"].Extracted, sync.Sources["shop"].Extracted)
		assert.Equal(t, sum.Identity.Profiles, sync.Identity.Profiles)
		assert.Empty(t, sync.Destinations)
		// The full pass was cleansed in parts, and the parts found what the whole first pass found.
		parts := 0
		events := historyEvents(t, s.client, "sync-e2e-shop")
		replayer := worker.NewWorkflowReplayer()
		engine.RegisterWorkflows(replayer)
		require.NoError(t, replayer.ReplayWorkflowHistory(nil, &history.History{Events: events}), "the fan-out replays")
		for _, e := range events {
			if a := e.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == "CleansePart" {
				parts++
			}
		}
		assert.GreaterOrEqual(t, parts, 2, "CleansePart activities")
		first, again := sum.Cleanse.BySource["shop"], sync.Cleanse.BySource["shop"]
		assert.Equal(t, first.Accepted, again.Accepted)
		assert.Equal(t, first.Quarantined, again.Quarantined)
		assert.Equal(t, first.Reasons, again.Reasons)
		assert.Equal(t, first.Flags, again.Flags, "shared identifiers included")
		assert.Equal(t, first.FillRate, again.FillRate)
	})

	t.Run("explain shows the evidence and an unmerge holds through later refreshes", func(t *testing.T) {
		members := map[string][]record.RecordKey{}
		require.NoError(t, s.rt.Store.ScanLinks(ctx, func(l store.Link) error {
			members[l.ProfileID] = append(members[l.ProfileID], l.Record)
			return nil
		}))
		var pid string
		for _, id := range slices.Sorted(maps.Keys(members)) {
			if len(members[id]) >= 3 {
				pid = id
				break
			}
		}
		require.NotEmpty(t, pid, "some profile merges three records")
		ex, err := profiles.Explain(ctx, s.rt.Store, pid)
		require.NoError(t, err)
		require.Len(t, ex.Links, len(members[pid]))
		assert.Contains(t, ex.Text(), pid)
		rules := map[string]bool{}
		for _, l := range ex.Links {
			rules[l.Rule] = true
		}
		assert.True(t, rules["anchor"], "one member anchors the profile")

		victim := members[pid][len(members[pid])-1]
		newID, err := profiles.Unmerge(ctx, s.rt.Store, s.rt.Config.Identity, pid, victim)
		require.NoError(t, err)
		after := s.refresh(t, "refresh-e2e-3")
		assert.Equal(t, summary.StatusCompleted, after.Status)
		var victimProfile string
		rest := map[string]bool{}
		require.NoError(t, s.rt.Store.ScanLinks(ctx, func(l store.Link) error {
			if l.Record == victim {
				victimProfile = l.ProfileID
			}
			for _, m := range members[pid] {
				if m == l.Record && m != victim {
					rest[l.ProfileID] = true
				}
			}
			return nil
		}))
		assert.Equal(t, newID, victimProfile, "the record keeps its own profile")
		assert.Equal(t, map[string]bool{pid: true}, rest, "the other records stay together under the old id")
	})

	t.Run("a campaign re-run reaches nobody twice", func(t *testing.T) {
		c := s.run(t, "campaign-e2e", workflows.Campaign, workflows.CampaignInput{Campaign: "spring-winback"})
		assert.Equal(t, summary.StatusCompleted, c.Status)
		assert.Equal(t, []string{"meta_lookalike", "winback_email"}, slices.Sorted(maps.Keys(c.Destinations)))
		for d, res := range c.Destinations {
			assert.Zero(t, res.Added, "%s: the refresh already delivered the campaign's members", d)
		}
		for rcpt, n := range s.rt.Sandbox.MandrillSent() {
			assert.Equal(t, 1, n, "still one email to %s", rcpt)
		}
	})
}

func (s *stack) run(t *testing.T, id string, wf any, in any) summary.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	run, err := s.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, wf, in)
	require.NoError(t, err)
	var sum summary.Run
	require.NoError(t, run.Get(ctx, &sum))
	return sum
}

func historyEvents(t *testing.T, c client.Client, id string) []*history.HistoryEvent {
	t.Helper()
	it := c.GetWorkflowHistory(context.Background(), id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []*history.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// recordHistory writes the run's history (the JSON `temporal workflow show --output json` writes)
// to the absolute path in $CDPFLOW_RECORD_HISTORY: the replay fixture of workflows/testdata.
func recordHistory(t *testing.T, h *history.History) {
	data, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(os.Getenv("CDPFLOW_RECORD_HISTORY"), data, 0o644))
}
