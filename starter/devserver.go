// This file holds the Temporal dev server that `starter dev` runs as a child process: finding or
// installing the Temporal CLI, starting it with its database under .cdpflow/, and stopping it.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/workflows"
)

// temporalCLI is the version `go install` can build on Go 1.26.8 (see docs/ARCHITECTURE.md).
const temporalCLI = "github.com/temporalio/cli/cmd/temporal@v1.5.1"

// findTemporal returns the temporal binary: on PATH, in GOBIN/GOPATH/bin, or freshly installed.
func findTemporal(ctx context.Context) (string, error) {
	if p, err := exec.LookPath("temporal"); err == nil {
		return p, nil
	}
	bin := goBin(ctx)
	if p := filepath.Join(bin, "temporal"); isFile(p) {
		return p, nil
	}
	fmt.Fprintf(os.Stderr, "Installing the Temporal CLI (go install %s).\nThis happens once; the first build takes 3-4 minutes...\n", temporalCLI)
	cmd := exec.CommandContext(ctx, "go", "install", temporalCLI)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("install the Temporal CLI: %w (install it yourself with `go install %s`)", err, temporalCLI)
	}
	p := filepath.Join(bin, "temporal")
	if !isFile(p) {
		return "", fmt.Errorf("installed the Temporal CLI but cannot find it at %s", p)
	}
	return p, nil
}

func goBin(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		home, _ := os.UserHomeDir()
		return filepath.Join(home, "go", "bin")
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > 0 && strings.TrimSpace(lines[0]) != "" {
		return strings.TrimSpace(lines[0])
	}
	return filepath.Join(strings.TrimSpace(lines[len(lines)-1]), "bin")
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// listening reports whether something accepts connections at addr.
func listening(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// devServer is a running `temporal server start-dev` child process.
type devServer struct {
	cmd     *exec.Cmd
	logPath string
	exited  chan error
}

// startDevServer starts the dev server with the run search attributes registered and waits until
// it answers health checks.
func startDevServer(ctx context.Context, bin string, t config.Temporal, codecEndpoint string) (*devServer, error) {
	host, port, err := net.SplitHostPort(t.Address)
	if err != nil {
		return nil, fmt.Errorf("temporal.address %q: %w", t.Address, err)
	}
	if err := os.MkdirAll(filepath.Dir(t.DevDB), 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(t.DevDB), err)
	}
	args := []string{"server", "start-dev", "--ip", host, "--port", port, "--ui-port", fmt.Sprint(t.UIPort),
		"--db-filename", t.DevDB, "--namespace", t.Namespace, "--log-level", "warn"}
	if codecEndpoint != "" {
		args = append(args, "--ui-codec-endpoint", codecEndpoint)
	}
	attrs := workflows.SearchAttributes()
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args = append(args, "--search-attribute", n+"="+attrs[n])
	}
	logPath := filepath.Join(filepath.Dir(t.DevDB), "temporal.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", logPath, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Own process group: Ctrl-C reaches starter, which stops the worker first, then the server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	d := &devServer{cmd: cmd, logPath: logPath, exited: make(chan error, 1)}
	go func() { d.exited <- cmd.Wait(); logFile.Close() }()
	if err := d.waitReady(ctx, t); err != nil {
		d.stop()
		return nil, err
	}
	// The dev server creates its database 0644: its history is the operator's alone.
	for _, p := range []string{t.DevDB, t.DevDB + "-wal", t.DevDB + "-shm"} {
		_ = os.Chmod(p, 0o600)
	}
	return d, nil
}

func (d *devServer) waitReady(ctx context.Context, t config.Temporal) error {
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-d.exited:
			d.exited <- err
			return fmt.Errorf("the Temporal dev server exited (%v); see %s", err, d.logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		c, err := client.Dial(client.Options{HostPort: t.Address, Namespace: t.Namespace, Logger: quietLogger{}})
		if err != nil {
			continue
		}
		_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
		c.Close()
		if err == nil {
			return nil
		}
	}
	return fmt.Errorf("the Temporal dev server did not become ready within 90s; see %s", d.logPath)
}

// stop interrupts the server and waits for it, killing it after 10 seconds.
func (d *devServer) stop() {
	if d == nil || d.cmd.Process == nil {
		return
	}
	_ = d.cmd.Process.Signal(os.Interrupt)
	select {
	case <-d.exited:
	case <-time.After(10 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.exited
	}
}

// quietLogger silences the SDK while polling for readiness.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

// startInProcessWorker builds the runtime, connects to Temporal and starts a worker in this
// process (starter dev, starter bench). stop stops the worker, then closes the client and runtime.
func startInProcessWorker(ctx context.Context, cfg *config.Config, log *slog.Logger) (client.Client, func(), error) {
	rt, err := engine.Build(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	cl, err := engine.DialMetrics(cfg, log, rt.Metrics)
	if err != nil {
		rt.Close()
		return nil, nil, err
	}
	mctx, stopMetrics := context.WithCancel(ctx)
	if addr := cfg.Metrics.Listen; addr != "" {
		if err := rt.Metrics.Serve(mctx, addr); err != nil {
			stopMetrics()
			cl.Close()
			rt.Close()
			return nil, nil, err
		}
		fmt.Fprintf(os.Stderr, "worker metrics on http://%s/metrics\n", addr)
	}
	w := engine.NewWorker(cl, cfg.Temporal.TaskQueue, rt.Activities)
	if err := w.Start(); err != nil {
		stopMetrics()
		cl.Close()
		rt.Close()
		return nil, nil, fmt.Errorf("start worker: %w", err)
	}
	return cl, func() { w.Stop(); stopMetrics(); cl.Close(); rt.Close() }, nil
}
