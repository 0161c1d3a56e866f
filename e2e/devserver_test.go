// Package e2e runs the engine end to end: a real Temporal dev server (the Temporal CLI as a child
// process), the sandbox vendor imitations, a real SQLite store and an in-process worker.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/cdpflow/cdpflow/workflows"
)

// temporalCLI finds the Temporal CLI: $CDPFLOW_TEMPORAL_CLI, PATH, or GOPATH/bin. Without it the
// test fails in CI and is skipped elsewhere with the install command.
func temporalCLI(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CDPFLOW_TEMPORAL_CLI"); p != "" {
		return p
	}
	if p, err := exec.LookPath("temporal"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "temporal")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "the Temporal CLI is not installed: go install github.com/temporalio/cli/cmd/temporal@v1.5.1"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// startDevServer starts a dev server on a free port with the run search attributes registered.
func startDevServer(t *testing.T) client.Client {
	t.Helper()
	var args []string
	attrs := workflows.SearchAttributes()
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args = append(args, "--search-attribute", n+"="+attrs[n])
	}
	srv, err := testsuite.StartDevServer(context.Background(), testsuite.DevServerOptions{
		ExistingPath:  temporalCLI(t),
		ClientOptions: &client.Options{Namespace: "default", Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))},
		LogLevel:      "error",
		ExtraArgs:     args,
		Stdout:        io.Discard,
		Stderr:        io.Discard,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Stop() })
	return srv.Client()
}
