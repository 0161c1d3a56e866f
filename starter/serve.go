// This file holds `starter serve`: the web console and HTTP API (package console).
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/cdpflow/cdpflow/console"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/metrics"
)

func init() {
	register("serve", command{
		summary: "serve the web console and the HTTP API (serve: in the configuration)",
		usage: `Usage: starter serve [--listen HOST:PORT]

Serves the console (dashboard, runs, profiles, campaigns with preview, trigger and approval) and
the JSON API under /api/v1 (docs/API.md). Every page and endpoint but /healthz needs one of the
bearer tokens configured under serve.tokens; each names its role (viewer reads, operator also
previews, triggers and approves) and the environment variable holding it.

It reads the store and talks to Temporal; previews and runs are done by the workers.

Examples:
  CDPFLOW_OPERATOR_TOKEN=$(openssl rand -hex 24) starter serve --config cdpflow.yaml
  curl -H "Authorization: Bearer $CDPFLOW_OPERATOR_TOKEN" -X POST localhost:8090/api/v1/campaigns/spring-winback/runs`,
		run: runServe,
	})
}

func runServe(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("serve", &c)
	listen := fs.String("listen", "", "address to listen on (overrides serve.listen)")
	if err := parse(fs, "serve", args); err != nil {
		return err
	}
	cfg, log, err := c.load(false)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Serve.Listen = *listen
	}
	st, err := engine.OpenExistingStore(ctx, cfg.Store)
	if err != nil {
		return err
	}
	defer st.Close()
	m := metrics.New()
	cl, err := engine.DialMetrics(cfg, log, m)
	if err != nil {
		return err
	}
	defer cl.Close()
	srv, err := console.New(console.Options{Config: cfg, Store: st, Client: cl, Log: log, Metrics: m})
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	ln, err := net.Listen("tcp", cfg.Serve.Listen)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("serve.listen %s: %w", cfg.Serve.Listen, err)}
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 3 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	fmt.Fprintf(os.Stderr, "console and API on http://%s (Ctrl-C stops)\n", ln.Addr())
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
