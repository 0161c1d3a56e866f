// This file holds `starter check`: a "test connection" for every configured connector, which
// authenticates, verifies the configured ids and scopes, reads one page (sources) or validates a
// request without storing it (destinations), and reports API version support dates.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
)

func init() {
	register("check", command{
		summary: "test every configured connection: credentials, ids, scopes, API versions",
		usage: `Usage: starter check [--source NAME]... [--destination NAME]... [--json] [--dev]

For each configured source and destination (or only those named): authenticate, verify what the
configuration names (list, audience, property, locations, template, scopes), read one page of a
source or validate a request to a destination without storing anything, and report the vendor API
version with its end of support (a warning within 90 days of it, a failure after it).
Nothing is written at any vendor and no store is opened. Exit status 0 only if every check passes.

Examples:
  starter check
  starter check --source hubspot --destination newsletter
  starter check --json | jq '.connectors[] | select(.ok | not)'
  starter check --dev            # the built-in sandbox, as starter dev runs it`,
		run: runCheck,
	})
}

// checkResult is one connector's outcome.
type checkResult struct {
	Name     string                 `json:"name"`
	Role     string                 `json:"role"` // source | destination
	Type     string                 `json:"type"`
	OK       bool                   `json:"ok"`
	Steps    []connectors.CheckStep `json:"steps"`
	Warnings []string               `json:"warnings,omitempty"`
	API      connectors.APIVersion  `json:"api"`
}

func runCheck(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("check", &c)
	sources := fs.StringSlice("source", nil, "check only this source (repeatable)")
	dests := fs.StringSlice("destination", nil, "check only this destination (repeatable)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	dev := fs.Bool("dev", false, "connectors without base_url use the built-in sandbox, as under starter dev")
	if err := parse(fs, "check", args); err != nil {
		return err
	}
	cfg, log, err := c.loadWith(*dev, true)
	if err != nil {
		return err
	}
	for _, s := range *sources {
		if _, ok := cfg.Source(s); !ok {
			return usageError("--source %q is not a configured source", s)
		}
	}
	for _, d := range *dests {
		if _, ok := cfg.Destination(d); !ok {
			return usageError("--destination %q is not a configured destination", d)
		}
	}
	conns, stop, err := vendorConnectors(cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	only := len(*sources)+len(*dests) > 0
	var results []checkResult
	now := time.Now()
	for _, s := range cfg.Sources {
		if only && !slices.Contains(*sources, s.Name) {
			continue
		}
		src, err := conns.Source(s.Name)
		results = append(results, checkOne(ctx, "source", s.Name, s.Spec.Type, src, err, now))
	}
	for _, d := range cfg.Destinations {
		if only && !slices.Contains(*dests, d.Name) {
			continue
		}
		dst, err := conns.Destination(d.Name)
		results = append(results, checkOne(ctx, "destination", d.Name, d.Spec.Type, dst, err, now))
	}
	failed := 0
	for _, r := range results {
		if !r.OK {
			failed++
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"ok": failed == 0, "connectors": results}); err != nil {
			return err
		}
	} else {
		printChecks(os.Stdout, results)
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d connection checks failed", failed, len(results))}
	}
	return nil
}

// checkOne runs one connector's deep check with a bound on its time.
func checkOne(ctx context.Context, role, name, typ string, c any, buildErr error, now time.Time) checkResult {
	res := checkResult{Name: name, Role: role, Type: typ}
	if buildErr != nil {
		res.Steps = []connectors.CheckStep{{Name: "configuration", Detail: buildErr.Error()}}
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rep := connectors.RunCheck(ctx, c, true, now)
	res.Steps, res.Warnings, res.API = rep.Steps, rep.Warnings, rep.API
	res.OK = rep.Err() == nil
	return res
}

func printChecks(w io.Writer, results []checkResult) {
	passed := 0
	for _, r := range results {
		status := "FAIL"
		if r.OK {
			status, passed = "ok", passed+1
		}
		api := ""
		if r.API.Version != "" {
			api = r.API.API + " " + r.API.Version
			if !r.API.Ends.IsZero() {
				api += " (supported until " + r.API.Ends.Format("2006-01-02") + ")"
			}
		}
		fmt.Fprintf(w, "%-4s %-11s %-16s %-11s %s\n", status, r.Role, r.Name, r.Type, api)
		for _, s := range r.Steps {
			mark := "  ✓"
			if !s.OK {
				mark = "  ✗"
			}
			line := mark + " " + s.Name
			if s.Detail != "" {
				line += ": " + s.Detail
			}
			fmt.Fprintln(w, line)
		}
		for _, warn := range r.Warnings {
			fmt.Fprintln(w, "  ! "+warn)
		}
	}
	fmt.Fprintf(w, "%d of %d connection checks passed\n", passed, len(results))
	if passed < len(results) {
		fmt.Fprintln(w, "fix the failed checks above; each names the key or credential to look at")
	}
}
