package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.yaml.in/yaml/v3"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// chaosWorkerEnv, when set, makes TestChaos_KilledWorkersAndARestartedServer the worker process
// itself (the test binary re-executed), serving the workflows against the vendor imitations
// whose URLs it names.
const chaosWorkerEnv = "CDPFLOW_CHAOS_WORKER"

// chaosWorker is what the worker process needs: Temporal's address, the store, the imitations.
type chaosWorker struct {
	Address string            `json:"address"`
	File    string            `json:"file"`
	DSN     string            `json:"dsn"`
	URLs    map[string]string `json:"urls"`
}

// chaosPeople sizes the chaos runs: enough winback emails that kills land among Mandrill batches.
const chaosPeople = "2000"

// chaosYAML is the built-in configuration with the transactional email sent to every one-time
// buyer (hundreds of Mandrill batches instead of a handful), so kills land among the sends.
func chaosYAML(t *testing.T) string {
	d := config.Defaults()
	for _, dest := range d["destinations"].([]any) {
		if m := dest.(map[string]any); m["name"] == "winback_email" {
			m["segments"] = []any{"one_time_buyers"}
		}
	}
	out := map[string]any{}
	for _, k := range []string{"sources", "segments", "destinations", "campaigns", "identity", "cleanse"} {
		out[k] = d[k]
	}
	b, err := yaml.Marshal(out)
	require.NoError(t, err)
	return string(b)
}

// chaosConfig is the chaos configuration on a given store.
func chaosConfig(t *testing.T, file, dsn string) *config.Config {
	cfg, err := config.Load(config.LoadOptions{Dev: true, Environ: []string{}, File: file,
		Flags: map[string]string{"store.dsn": dsn, "sandbox.people": chaosPeople, "log.level": "warn"}})
	require.NoError(t, err)
	return cfg
}

// TestChaos_KilledWorkersAndARestartedServer runs a refresh on a real dev server while its worker
// (a separate process) is killed with SIGKILL at random points, again and again, and the dev
// server itself is restarted once. The vendor imitations live in this process, so they see every
// call of every attempt. The run completes; every source reads what a clean run reads; every
// audience at the vendors equals the clean run's; nobody gets a transactional email twice, and
// nobody who should have got one is left without it or a reported in-doubt row; the summary
// counts what the run as a whole delivered.
func TestChaos_KilledWorkersAndARestartedServer(t *testing.T) {
	if spec := os.Getenv(chaosWorkerEnv); spec != "" {
		runChaosWorker(t, spec)
		return
	}
	body := chaosYAML(t)
	clean := newStackFlags(t, body, nil, map[string]string{"sandbox.people": chaosPeople})
	want := clean.refresh(t, "refresh-clean")
	require.Equal(t, summary.StatusCompleted, want.Status)

	dir := t.TempDir()
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{
		Seed: clean.rt.Config.SandboxOpts.Seed, People: clean.rt.Config.SandboxOpts.People})})
	require.NoError(t, err)
	t.Cleanup(sb.Close)
	for _, v := range []string{sandbox.HubSpot, sandbox.Salesforce, sandbox.Shopify, sandbox.Square, sandbox.GA4} {
		sb.SetRateLimit(v, 10, 2) // extraction slow enough that several kills land inside it
	}
	sb.SetRateLimit(sandbox.Mandrill, 5, 2) // and the emails, so kills land between and inside sends
	srv := chaosServer(t, filepath.Join(dir, "temporal.db"), "")
	addr := srv.FrontendHostPort()
	file := filepath.Join(dir, "cdpflow.yaml")
	require.NoError(t, os.WriteFile(file, []byte(body), 0o600))
	spec, err := json.Marshal(chaosWorker{Address: addr, File: file, DSN: "file:" + filepath.Join(dir, "cdpflow.db"), URLs: sb.URLs})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	run, err := srv.Client().ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "refresh-chaos", TaskQueue: taskQueue},
		workflows.CustomerRefresh, workflows.RefreshInput{Trigger: "chaos"})
	require.NoError(t, err)

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("chaos seed %d", seed)
	w := startChaosWorker(t, string(spec))
	// Each kill waits for its stage, then strikes at a random moment inside it.
	targets := []string{"extract", "extract", "extract", "cleanse", "push", "push", "push"}
	order := []string{"start", "preflight", "extract", "cleanse", "resolve", "segment", "push"}
	for i, target := range targets {
		stage := waitStage(ctx, srv.Client(), run.GetID(), target, order)
		if stage == "" {
			t.Logf("kill %d skipped: the run is past %s", i+1, target)
			continue
		}
		time.Sleep(time.Duration(200+rng.IntN(1500)) * time.Millisecond)
		require.NoError(t, w.Process.Signal(syscall.SIGKILL))
		_ = w.Wait()
		t.Logf("kill %d: worker killed during %s", i+1, stage)
		if i == 2 {
			require.NoError(t, srv.Stop())
			srv = chaosServer(t, filepath.Join(dir, "temporal.db"), addr)
			t.Logf("dev server restarted")
		}
		w = startChaosWorker(t, string(spec))
	}
	started := time.Now()
	got := waitSummary(t, ctx, srv.Client(), run.GetID())
	t.Logf("after the last kill the run took %s more", time.Since(started).Round(time.Second))
	require.Equal(t, summary.StatusCompleted, got.Status, "%s", got.Error)

	for name, src := range want.Sources {
		assert.Equal(t, src.Extracted, got.Sources[name].Extracted, "source %s reads what a clean run reads", name)
	}
	assert.Equal(t, want.Identity.Profiles, got.Identity.Profiles)
	csb := clean.rt.Sandbox
	assert.Equal(t, csb.MailchimpMembers("a1b2c3d4e5"), sb.MailchimpMembers("a1b2c3d4e5"), "Mailchimp audience")
	assert.Equal(t, csb.MetaAudience("23851234567890"), sb.MetaAudience("23851234567890"), "Meta audience")
	assert.Equal(t, csb.GoogleAdsUserList("customers/1234567890/userLists/555"), sb.GoogleAdsUserList("customers/1234567890/userLists/555"), "Google audience")
	for _, name := range []string{"newsletter", "meta_lookalike", "google_ads"} {
		assert.Equal(t, want.Destinations[name].Added, got.Destinations[name].Added,
			"%s: the summary counts every member the run added, whichever attempt added them", name)
	}
	sent := sb.MandrillSent()
	for rcpt, n := range sent {
		assert.Equal(t, 1, n, "one email to %s", rcpt)
	}
	mail := got.Destinations["winback_email"]
	t.Logf("winback_email: %d sent, %d in doubt, %d already delivered by killed attempts", mail.Added, mail.InDoubt, mail.AlreadyDelivered)
	assert.Equal(t, want.Destinations["winback_email"].Added, mail.Added+mail.InDoubt,
		"every member is sent or reported in doubt")
	assert.Equal(t, len(sent), mail.Added, "the summary's sends are the vendor's")
	assert.LessOrEqual(t, mail.InDoubt, 10*len(targets), "at most one interrupted batch per kill is left in doubt")
	assert.Greater(t, mail.Added, 50, "enough emails that kills land among them")
}

// chaosServer starts a dev server persisting to db, on hostPort ("" = a free port).
func chaosServer(t *testing.T, db, hostPort string) *testsuite.DevServer {
	t.Helper()
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{
		ExistingPath: temporalCLI(t),
		ClientOptions: &client.Options{HostPort: hostPort, Namespace: "default",
			Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))},
		DBFilename: db, LogLevel: "error", Stdout: io.Discard, Stderr: io.Discard,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Stop() })
	return srv
}

// startChaosWorker re-executes this test binary as the worker process.
func startChaosWorker(t *testing.T, spec string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestChaos_KilledWorkersAndARestartedServer$")
	cmd.Env = append(os.Environ(), chaosWorkerEnv+"="+spec)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// runChaosWorker is the worker process: it serves until it is killed.
func runChaosWorker(t *testing.T, spec string) {
	var w chaosWorker
	require.NoError(t, json.Unmarshal([]byte(spec), &w))
	t.Chdir(t.TempDir())
	cfg := chaosConfig(t, w.File, w.DSN)
	log := engine.NewLogger(cfg.Log)
	st, err := engine.OpenStore(context.Background(), cfg.Store)
	require.NoError(t, err)
	conns := &engine.Connectors{Config: cfg, Sandbox: &sandbox.Sandbox{URLs: w.URLs}}
	acts := &activities.Activities{Store: st, Config: cfg, Connectors: conns, Log: log}
	cl, err := client.Dial(client.Options{HostPort: w.Address, Namespace: "default",
		Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	require.NoError(t, err)
	wk := engine.NewWorker(cl, taskQueue, acts)
	require.NoError(t, wk.Run(worker.InterruptCh()))
}

// waitStage waits until the run is in stage target and returns it, or returns "" once the run is
// past it (or closed).
func waitStage(ctx context.Context, c client.Client, id, target string, order []string) string {
	want := slices.Index(order, target)
	for ctx.Err() == nil {
		if d, err := c.DescribeWorkflowExecution(ctx, id, ""); err == nil && d.WorkflowExecutionInfo.GetCloseTime() != nil {
			return ""
		}
		if v, err := c.QueryWorkflow(ctx, id, "", workflows.ProgressQuery); err == nil {
			var p workflows.Progress
			if v.Get(&p) == nil {
				switch at := slices.Index(order, p.Stage); {
				case at == want:
					return p.Stage
				case at > want:
					return ""
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return ""
}

// waitSummary waits for the run's result, through server restarts.
func waitSummary(t *testing.T, ctx context.Context, c client.Client, id string) summary.Run {
	t.Helper()
	var sum summary.Run
	for {
		wait, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := c.GetWorkflow(wait, id, "").Get(wait, &sum)
		timedOut := wait.Err() != nil
		cancel()
		if err == nil {
			return sum
		}
		if ctx.Err() == nil && timedOut {
			if v, qerr := c.QueryWorkflow(ctx, id, "", workflows.ProgressQuery); qerr == nil {
				var p workflows.Progress
				_ = v.Get(&p)
				b, _ := json.Marshal(p.Summary.Destinations)
				t.Logf("still running: stage %s, destinations %s", p.Stage, b)
			}
			continue
		}
		var fromFailure summary.Run
		if summaryOf(err, &fromFailure) {
			return fromFailure
		}
		// The run's own end (failed, terminated, timed out) is final; anything
		// else is the transport across a restart (unavailable, a stream reset
		// with CANCEL, a refused connection) and is asked again.
		var ended *temporal.WorkflowExecutionError
		if ctx.Err() != nil || errors.As(err, &ended) {
			require.NoError(t, err)
		}
		t.Logf("asking again after: %v", err)
		time.Sleep(time.Second)
	}
}
