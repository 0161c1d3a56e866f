// This file holds what every subcommand shares: flag sets with --config, configuration loading
// and the Temporal connection.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/pflag"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/workflows"
)

// common holds the flags every command accepts.
type common struct {
	configFile string
	address    string
	namespace  string
	logLevel   string
}

// newFlags makes a flag set for a command, with the common flags and --help showing usage.
func newFlags(name string, c *common) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.StringVar(&c.configFile, "config", "", "configuration file (default: ./cdpflow.yaml if present, else built-in defaults)")
	fs.StringVar(&c.address, "address", "", "Temporal address host:port (overrides temporal.address)")
	fs.StringVar(&c.namespace, "namespace", "", "Temporal namespace (overrides temporal.namespace)")
	fs.StringVar(&c.logLevel, "log-level", "", "debug, info, warn or error (overrides log.level)")
	return fs
}

// parse parses args, printing the command's usage for --help.
func parse(fs *pflag.FlagSet, name string, args []string) error {
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "%s\nFlags:\n%s", commands[name].usage, fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return &exitError{code: 0, err: err}
		}
		return usageError("%v (see starter %s --help)", err, name)
	}
	return nil
}

// load reads the configuration with the command-line overrides.
func (c *common) load(dev bool) (*config.Config, *slog.Logger, error) {
	// Only the process that runs the worker (dev) calls vendors, so only it needs their secrets.
	return c.loadWith(dev, dev)
}

// loadWith reads the configuration; secrets asks that every vendor secret be set (commands that
// call vendors themselves).
func (c *common) loadWith(dev, secrets bool) (*config.Config, *slog.Logger, error) {
	flags := map[string]string{}
	if c.address != "" {
		flags["temporal.address"] = c.address
	}
	if c.namespace != "" {
		flags["temporal.namespace"] = c.namespace
	}
	if c.logLevel != "" {
		flags["log.level"] = c.logLevel
	}
	cfg, err := config.Load(config.LoadOptions{File: c.configFile, Flags: flags, Dev: dev, Secrets: secrets})
	if err != nil {
		return nil, nil, &exitError{code: 2, err: err}
	}
	return cfg, engine.NewLogger(cfg.Log), nil
}

// openStore loads the configuration and opens its store (commands that read the store directly).
func (c *common) openStore(ctx context.Context) (store.Store, *config.Config, error) {
	cfg, _, err := c.load(false)
	if err != nil {
		return nil, nil, err
	}
	st, err := engine.OpenExistingStore(ctx, cfg.Store)
	if err != nil {
		return nil, nil, err
	}
	return st, cfg, nil
}

// searchAttributesReady reports whether the run search attributes exist in the namespace.
func searchAttributesReady(ctx context.Context, c client.Client, namespace string) bool {
	return engine.SearchAttributesReady(ctx, c, namespace)
}

// ensureSearchAttributes registers missing run search attributes (self-hosted clusters; Temporal
// Cloud needs `tcld` or the UI). It reports whether they are all present afterwards.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string, log *slog.Logger) bool {
	if searchAttributesReady(ctx, c, namespace) {
		return true
	}
	want := map[string]enums.IndexedValueType{}
	for name, typ := range workflows.SearchAttributes() {
		switch typ {
		case "KeywordList":
			want[name] = enums.INDEXED_VALUE_TYPE_KEYWORD_LIST
		case "Datetime":
			want[name] = enums.INDEXED_VALUE_TYPE_DATETIME
		default:
			want[name] = enums.INDEXED_VALUE_TYPE_KEYWORD
		}
	}
	_, err := c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: want})
	if err != nil {
		log.Warn("search attributes are not registered; runs start without them (see README: Temporal UI)", "error", err)
		return false
	}
	return searchAttributesReady(ctx, c, namespace)
}

// uiURL is where a run shows in Temporal UI (dev server UI port; for clusters, the same path).
func uiURL(cfg *config.Config, workflowID string) string {
	return fmt.Sprintf("http://localhost:%d/namespaces/%s/workflows/%s", cfg.Temporal.UIPort, cfg.Temporal.Namespace, workflowID)
}

// vendorConnectors builds the configured connectors for a command that calls vendors itself,
// starting the sandbox when an entry uses it; stop releases it.
func vendorConnectors(cfg *config.Config, log *slog.Logger) (conns *engine.Connectors, stop func(), err error) {
	conns = &engine.Connectors{Config: cfg}
	stop = func() {}
	if cfg.AnySandbox() {
		sb, err := engine.StartSandbox(cfg, log)
		if err != nil {
			return nil, nil, err
		}
		conns.Sandbox, stop = sb, sb.Close
	}
	return conns, stop, nil
}
