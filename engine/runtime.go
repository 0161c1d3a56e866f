// This file holds Runtime: everything a worker process needs, built from configuration.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/cdpflow/cdpflow/activities"
	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/metrics"
	"github.com/cdpflow/cdpflow/sandbox"
	"github.com/cdpflow/cdpflow/store"
)

// Runtime is the store, the sandbox (when a connector uses it) and the activities over them.
type Runtime struct {
	Config     *config.Config
	Store      store.Store
	Sandbox    *sandbox.Sandbox // nil when no connector uses the sandbox
	Activities *activities.Activities
	Log        *slog.Logger
	// Metrics is the process's Prometheus registry (served on metrics.listen).
	Metrics *metrics.Metrics
}

// Build opens the store, starts the sandbox if any connector needs it, and builds the activities.
// Connector constructors run here too, so a bad connector configuration fails at start-up.
func Build(ctx context.Context, cfg *config.Config, logger *slog.Logger) (*Runtime, error) {
	rt := &Runtime{Config: cfg, Log: logger}
	st, err := OpenStore(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	rt.Store = st
	if cfg.AnySandbox() {
		sb, err := StartSandbox(cfg, logger)
		if err != nil {
			rt.Close()
			return nil, err
		}
		rt.Sandbox = sb
	}
	conns := &Connectors{Config: cfg, Sandbox: rt.Sandbox}
	if err := conns.Check(); err != nil {
		rt.Close()
		return nil, err
	}
	rt.Metrics = metrics.New()
	rt.Activities = &activities.Activities{Store: st, Config: cfg, Connectors: conns, Log: logger, Metrics: rt.Metrics}
	return rt, nil
}

// Close releases the store and stops the sandbox.
func (rt *Runtime) Close() error {
	var errs []error
	if rt.Sandbox != nil {
		rt.Sandbox.Close()
	}
	if rt.Store != nil {
		errs = append(errs, rt.Store.Close())
	}
	return errors.Join(errs...)
}

// StartSandbox starts the vendor imitations the configuration's sandbox section describes.
func StartSandbox(cfg *config.Config, logger *slog.Logger) (*sandbox.Sandbox, error) {
	sb, err := sandbox.Start(sandbox.ServerOptions{
		Dataset:  sandbox.Generate(sandbox.Options{Seed: cfg.SandboxOpts.Seed, People: cfg.SandboxOpts.People}),
		PortBase: cfg.SandboxOpts.PortBase,
		TokenTTL: cfg.SandboxOpts.TokenTTL,
	})
	if err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	for _, v := range sandbox.Vendors() {
		logger.Debug("sandbox vendor imitation listening", "vendor", v, "url", sb.URLs[v])
	}
	return sb, nil
}
