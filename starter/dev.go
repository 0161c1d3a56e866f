// This file holds `starter dev`: the whole local stack (Temporal dev server, sandbox, worker) and
// one CustomerRefresh, watched in Temporal UI.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

var errNotCompleted = errors.New("the run did not complete")

func init() {
	register("dev", command{
		summary: "run the local stack (Temporal dev server, sandbox, worker) and one refresh",
		usage: `Usage: starter dev [--exit-after-run] [--json] [--full] [--fresh] [--config FILE]

Starts everything on this machine: the Temporal dev server (Temporal CLI v1.5.1, installed with
'go install' on first use; UI on http://localhost:8233, database under .cdpflow/), the sandbox
(local imitations of every vendor API, serving a generated dataset), and a worker. It then runs one
CustomerRefresh, prints its summary and where to look in Temporal UI, and keeps the stack running
until Ctrl-C. The store is SQLite under .cdpflow/ unless configured otherwise; a second run is
incremental (use --full or --fresh to start over).

Examples:
  starter dev
  starter dev --exit-after-run --json          # CI-friendly: status 0 only if the run completed
  starter dev --config cdpflow.yaml --fresh`,
		run: runDev,
	})
}

func runDev(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("dev", &c)
	exitAfter := fs.Bool("exit-after-run", false, "exit after the first run: status 0 only if it completed")
	asJSON := fs.Bool("json", false, "print the run summary as one JSON object on stdout (logs go to stderr)")
	full := fs.Bool("full", false, "full resync of every source")
	fresh := fs.Bool("fresh", false, "delete the local store and Temporal database under .cdpflow/ first")
	if err := parse(fs, "dev", args); err != nil {
		return err
	}
	cfg, log, err := c.load(true)
	if err != nil {
		return err
	}
	if *fresh {
		if err := removeLocalState(cfg.Store.DSN, cfg.Temporal.DevDB); err != nil {
			return err
		}
	}
	// The local UI decrypts through a codec server on a loopback address; it asks for the token
	// named by privacy.codec_server.token_env when one is set.
	var tokens []string
	if env := cfg.Privacy.CodecServer.TokenEnv; env != "" && os.Getenv(env) != "" {
		tokens = []string{os.Getenv(env)}
	}
	codecSrv, codecURL, err := startCodecServer(cfg, tokens)
	if err != nil {
		log.Warn("no codec server: Temporal UI will show encrypted payloads", "error", err)
	} else {
		defer codecSrv.Close()
	}
	var server *devServer
	if listening(cfg.Temporal.Address) {
		log.Info("using the Temporal server already listening", "address", cfg.Temporal.Address)
		if codecURL != "" {
			log.Info("to read payloads in that server's UI, set its codec endpoint", "codec_endpoint", codecURL)
		}
	} else {
		bin, err := findTemporal(ctx)
		if err != nil {
			return err
		}
		log.Info("starting the Temporal dev server", "address", cfg.Temporal.Address, "ui", fmt.Sprintf("http://localhost:%d", cfg.Temporal.UIPort), "db", cfg.Temporal.DevDB)
		if server, err = startDevServer(ctx, bin, cfg.Temporal, codecURL); err != nil {
			return err
		}
	}
	defer server.stop()

	cl, stopWorker, err := startInProcessWorker(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stopWorker()
	ready := ensureSearchAttributes(ctx, cl, cfg.Temporal.Namespace, log)

	id := workflows.RefreshID(time.Now())
	run, err := startRun(ctx, cl, cfg, startRequest{
		ID: id, Workflow: workflows.CustomerRefresh,
		Input:   workflows.RefreshInput{Full: *full, Trigger: "dev", SearchAttributes: ready},
		Summary: "refresh: all sources → all destinations (starter dev)",
		Attrs:   workflows.StartAttributes(ready, "refresh", "dev", "", nil),
	})
	if err != nil {
		return err
	}
	log.Info("refresh started", "workflow_id", run.GetID(), "ui", uiURL(cfg, run.GetID()))
	stop := followProgress(ctx, cl, run.GetID(), os.Stderr)
	sum, err := waitSummary(ctx, run)
	stop()
	if err != nil {
		return err
	}
	if err := printSummary(os.Stdout, sum, *asJSON); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "\nSee the run in Temporal UI: %s\n  or: temporal workflow describe --address %s -w %s\n",
		uiURL(cfg, run.GetID()), cfg.Temporal.Address, run.GetID())
	if *exitAfter {
		if sum.Status != summary.StatusCompleted {
			return &exitError{code: 1, err: fmt.Errorf("%w: %s %s", errNotCompleted, sum.Status, sum.Error)}
		}
		return nil
	}
	fmt.Fprintf(os.Stderr, "\nThe stack keeps running: Temporal UI at http://localhost:%d, worker on task queue %q.\n"+
		"In another terminal: go run ./starter refresh --wait | go run ./starter campaign spring-winback --wait\nPress Ctrl-C to stop.\n",
		cfg.Temporal.UIPort, cfg.Temporal.TaskQueue)
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "stopping: worker, sandbox, store, Temporal dev server")
	return nil
}

// removeLocalState deletes the SQLite store file and the dev server database (for --fresh).
func removeLocalState(dsn, devDB string) error {
	var paths []string
	if p, ok := strings.CutPrefix(dsn, "file:"); ok {
		p, _, _ = strings.Cut(p, "?")
		paths = append(paths, p, p+"-wal", p+"-shm")
	}
	paths = append(paths, devDB)
	for _, p := range paths {
		if err := os.Remove(filepath.Clean(p)); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("--fresh: remove %s: %w", p, err)
		}
	}
	return nil
}
