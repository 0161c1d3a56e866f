// Command worker runs cdpflow's Temporal worker against the configured Temporal service (a local
// dev server, a self-hosted cluster, or Temporal Cloud with mTLS or an API key). It stops gracefully
// on SIGINT or SIGTERM: running activities finish or heartbeat out, then the process exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"go.temporal.io/sdk/worker"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "worker: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	fs := flag.NewFlagSet("worker", flag.ExitOnError)
	file := fs.String("config", "", "configuration file (default: ./cdpflow.yaml if present, else built-in defaults)")
	address := fs.String("address", "", "Temporal address host:port (overrides temporal.address)")
	namespace := fs.String("namespace", "", "Temporal namespace (overrides temporal.namespace)")
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: worker [--config FILE] [--address HOST:PORT] [--namespace NS]\n\n"+
			"Runs the cdpflow worker: the CustomerRefresh, SourceSync and Campaign workflows and their activities.\n"+
			"Environment overrides use CDPFLOW_ and __ for nesting, e.g. CDPFLOW_TEMPORAL__ADDRESS=temporal:7233.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	_ = fs.Parse(os.Args[1:])
	flags := map[string]string{}
	if *address != "" {
		flags["temporal.address"] = *address
	}
	if *namespace != "" {
		flags["temporal.namespace"] = *namespace
	}
	cfg, err := config.Load(config.LoadOptions{File: *file, Flags: flags, Secrets: true})
	if err != nil {
		return err
	}
	log := engine.NewLogger(cfg.Log)
	ctx := context.Background()
	rt, err := engine.Build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer rt.Close()
	cl, err := engine.DialMetrics(cfg, log, rt.Metrics)
	if err != nil {
		return err
	}
	defer cl.Close()
	if addr := cfg.Metrics.Listen; addr != "" {
		mctx, stop := context.WithCancel(ctx)
		defer stop()
		if err := rt.Metrics.Serve(mctx, addr); err != nil {
			return err
		}
		log.Info("metrics on /metrics", "listen", addr)
	}
	w := engine.NewWorker(cl, cfg.Temporal.TaskQueue, rt.Activities)
	log.Info("worker started", "address", cfg.Temporal.Address, "namespace", cfg.Temporal.Namespace,
		"task_queue", cfg.Temporal.TaskQueue, "store", cfg.Store.Driver)
	if err := w.Run(worker.InterruptCh()); err != nil {
		return fmt.Errorf("worker stopped: %w", err)
	}
	log.Info("worker stopped")
	return nil
}
