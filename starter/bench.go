// This file holds `starter bench`: the scale benchmark. It generates N customers as a CSV source,
// runs a full refresh, a refresh of the file with a fraction of its rows edited and one of the
// same file unchanged, all through the real stack (a Temporal dev server of its own, a worker in
// this process, the configured store), and prints each run's stage times and peak RSS.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/cdpflow/cdpflow/bench"
	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/engine"
	"github.com/cdpflow/cdpflow/store/postgres"
	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

func init() {
	register("bench", command{
		summary: "measure a full and an incremental refresh of N generated customers",
		usage: `Usage: starter bench [--customers N] [--changed FRACTION] [--dir DIR] [--store-dsn DSN] [--json]

Generates N customers (10 columns; about a tenth of the rows a second record of a person already
in the file) as a CSV source with no segments or destinations, then runs three refreshes through
Temporal: a full one, one after FRACTION of the rows were edited (the rest byte-identical), and one
of the same file unchanged. Each run's wall time, stage times (from the run summary's stages),
changed records and the peak RSS of this process (which runs the worker) are printed; the dev
server is a separate process on free ports, so a running 'starter dev' is not disturbed.

With --workers N, N-1 more worker processes (--worker-bin) serve the same task queue, so the
parts of a full cleanse (--partition-rows, cleanse.partition_rows) spread over them; the peak RSS
is then the largest of any worker's.

The store is SQLite under DIR unless --store-dsn names a PostgreSQL database (which is emptied of
cdpflow's tables first: use a scratch database).

Examples:
  starter bench --customers 1000000
  starter bench --customers 100000 --store-dsn postgres://cdpflow:cdpflow@127.0.0.1:5432/cdpflow_bench
  starter bench --customers 200000 --cpuprofile cpu.out   # then: go tool pprof cpu.out
  go build -o bin/worker ./worker && starter bench --customers 1000000 --workers 2 --worker-bin bin/worker --partition-rows 250000 --store-dsn postgres://...`,
		run: runBench,
	})
}

// benchRun is one measured refresh.
type benchRun struct {
	Name     string                   `json:"name"`
	Wall     float64                  `json:"wall_seconds"`
	PeakRSS  int64                    `json:"peak_rss_bytes"`
	Stages   map[string]summary.Stage `json:"stages"`
	Changed  int                      `json:"changed"`
	Profiles int                      `json:"profiles"`
	Status   string                   `json:"status"`
}

func runBench(ctx context.Context, args []string) error {
	var c common
	fs := newFlags("bench", &c)
	n := fs.Int("customers", 1_000_000, "customer rows to generate")
	changed := fs.Float64("changed", 0.01, "fraction of rows the second run edits")
	dir := fs.String("dir", filepath.Join(".cdpflow", "bench"), "working directory (generated file, SQLite store, dev server database)")
	dsn := fs.String("store-dsn", "", "a PostgreSQL DSN to use instead of SQLite (a scratch database: it is emptied)")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the three runs to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile of what the worker process still holds after the three runs")
	workers := fs.Int("workers", 1, "worker processes: this one and N-1 more of --worker-bin (PostgreSQL only)")
	workerBin := fs.String("worker-bin", "", "the cdpflow worker binary the extra workers run (go build -o bin/worker ./worker)")
	partRows := fs.Int("partition-rows", 0, "cleanse.partition_rows for the runs: the full run cleanses in parts of about this many rows (0: whole)")
	if err := parse(fs, "bench", args); err != nil {
		return err
	}
	if *n < 1 || *changed < 0 || *changed > 1 {
		return usageError("--customers must be at least 1 and --changed between 0 and 1")
	}
	if *workers < 1 || *workers > 1 && (*workerBin == "" || *dsn == "") {
		return usageError("--workers is at least 1; more than 1 needs --worker-bin (go build -o bin/worker ./worker) and --store-dsn (one SQLite file is one worker process's store)")
	}
	if *partRows < 0 {
		return usageError("--partition-rows is 0 (cleanse each source whole) or a number of rows per part")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fmt.Errorf("bench: create %s: %w", *dir, err)
	}
	csvPath, mapPath := filepath.Join(*dir, "customers.csv"), filepath.Join(*dir, "customers.mapping.yaml")
	fmt.Fprintf(os.Stderr, "generating %d customers in %s\n", *n, csvPath)
	if err := bench.GenerateFile(csvPath, mapPath, *n, 1); err != nil {
		return err
	}
	if *dsn != "" {
		// A schema of its own, emptied first: the benchmark never touches another store's tables.
		scratch, err := postgres.ResetSchema(ctx, *dsn, "cdpflow_bench")
		if err != nil {
			return err
		}
		*dsn = scratch
	}
	cfg, err := benchConfig(*dir, csvPath, mapPath, *dsn, c.logLevel, *partRows)
	if err != nil {
		return err
	}
	if err := removeLocalState(cfg.Store.DSN, cfg.Temporal.DevDB); err != nil {
		return err
	}
	log := engine.NewLogger(cfg.Log)
	bin, err := findTemporal(ctx)
	if err != nil {
		return err
	}
	server, err := startDevServer(ctx, bin, cfg.Temporal, "")
	if err != nil {
		return err
	}
	defer server.stop()
	cl, stopWorker, err := startInProcessWorker(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stopWorker()
	extra, stopExtra, err := startExtraWorkers(*workerBin, filepath.Join(*dir, "cdpflow.yaml"), *workers-1)
	if err != nil {
		return err
	}
	defer stopExtra()
	if *cpuProfile != "" {
		f, err := createOutput("--cpuprofile", *cpuProfile, true)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}

	var runs []benchRun
	refresh := func(name string, full bool) error {
		resetPeakRSS()
		for _, pid := range extra {
			resetPeakRSSOf(pid)
		}
		start := time.Now()
		run, err := startRun(ctx, cl, cfg, startRequest{ID: "bench-" + name + "-" + strconv.FormatInt(start.UnixNano(), 36),
			Workflow: workflows.CustomerRefresh, Input: workflows.RefreshInput{Full: full, Trigger: "bench"}})
		if err != nil {
			return err
		}
		sum, err := waitSummary(ctx, run)
		if err != nil {
			return err
		}
		peak := peakRSS() // of the busiest worker process
		for _, pid := range extra {
			peak = max(peak, peakRSSOf(pid))
		}
		r := benchRun{Name: name, Wall: time.Since(start).Seconds(), PeakRSS: peak, Stages: sum.Stages,
			Changed: sum.Cleanse.Changed, Profiles: sum.Identity.Profiles, Status: sum.Status}
		runs = append(runs, r)
		fmt.Fprintf(os.Stderr, "%s: %s in %.1f s, peak RSS %d MB\n", name, sum.Status, r.Wall, r.PeakRSS>>20)
		if sum.Status != summary.StatusCompleted {
			return fmt.Errorf("bench: the %s run did not complete: %s", name, sum.Error)
		}
		return nil
	}
	if err := refresh("full", true); err != nil {
		return err
	}
	edited, err := bench.Edit(csvPath, csvPath, *changed, 2)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "edited %d rows\n", edited)
	if err := refresh(fmt.Sprintf("changed-%g%%", *changed*100), false); err != nil {
		return err
	}
	if err := refresh("unchanged", false); err != nil {
		return err
	}
	if *memProfile != "" {
		f, err := createOutput("--memprofile", *memProfile, true)
		if err != nil {
			return err
		}
		defer f.Close()
		runtime.GC() // what is live, not what is waiting to be collected
		if err := pprof.WriteHeapProfile(f); err != nil {
			return fmt.Errorf("bench: heap profile: %w", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"customers": *n, "store": cfg.Store.Driver, "workers": *workers, "runs": runs})
	}
	printBench(*n, cfg.Store.Driver, *workers, runs)
	return nil
}

var benchStages = []string{"extract", "cleanse", "resolve", "segment", "push"}

func printBench(n int, driver string, workers int, runs []benchRun) {
	fmt.Printf("%d customers, %s store, %d worker process(es)\n\n", n, driver, workers)
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "run\twall s\t%s\tC+R+S s\tvs full\tchanged\tprofiles\tpeak RSS MB\t\n", strings.Join(benchStages, " s\t")+" s")
	var base float64
	for i, r := range runs {
		var cells []string
		for _, s := range benchStages {
			cells = append(cells, fmt.Sprintf("%.1f", r.Stages[s].Seconds))
		}
		crs := r.Stages["cleanse"].Seconds + r.Stages["resolve"].Seconds + r.Stages["segment"].Seconds
		if i == 0 {
			base = crs
		}
		share := "-"
		if base > 0 {
			share = fmt.Sprintf("%.1f%%", 100*crs/base)
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%.1f\t%s\t%d\t%d\t%d\t\n", r.Name, r.Wall, strings.Join(cells, "\t"), crs, share, r.Changed, r.Profiles, r.PeakRSS>>20)
	}
	tw.Flush()
}

// benchConfig writes and loads the benchmark's configuration: one CSV source, nothing else, a
// dev server on free ports.
func benchConfig(dir, csvPath, mapPath, dsn, logLevel string, partRows int) (*config.Config, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	ui, err := freePort()
	if err != nil {
		return nil, err
	}
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	storeBlock := fmt.Sprintf("  driver: sqlite\n  dsn: file:%s\n", abs(filepath.Join(dir, "cdpflow.db")))
	if dsn != "" {
		// The DSN (and its password) stays in the environment, out of the file.
		storeBlock = "  driver: postgres\n"
		os.Setenv("CDPFLOW_STORE__DSN", dsn)
	}
	if logLevel == "" {
		logLevel = "warn"
	}
	body := fmt.Sprintf(`temporal:
  address: 127.0.0.1:%d
  ui_port: %d
  dev_db: %s
store:
%slog:
  level: %s
sources:
  - name: customers
    type: csv
    path: %s
    mapping: %s
    full_snapshot: true
cleanse:
  partition_rows: %d
segments: []
destinations: []
`, port, ui, abs(filepath.Join(dir, "temporal.db")), storeBlock, logLevel, abs(csvPath), abs(mapPath), partRows)
	file := filepath.Join(dir, "cdpflow.yaml")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		return nil, fmt.Errorf("bench: write %s: %w", file, err)
	}
	cfg, err := config.Load(config.LoadOptions{File: file, Dev: true, Secrets: true})
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	return cfg, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("bench: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// peakRSS is this process's peak resident set since the last resetPeakRSS (VmHWM), in bytes.
func peakRSS() int64 { return peakRSSOf("self") }

// peakRSSOf is peakRSS of process pid ("self" or a number).
func peakRSSOf(pid string) int64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS starts a new peak (Linux: writing 5 to clear_refs resets VmHWM).
func resetPeakRSS() { resetPeakRSSOf("self") }

func resetPeakRSSOf(pid string) { _ = os.WriteFile("/proc/"+pid+"/clear_refs", []byte("5"), 0o600) }

// startExtraWorkers starts n worker processes (the cdpflow worker binary bin) on the benchmark's
// configuration file; the environment (a PostgreSQL DSN) is inherited. stop ends them.
func startExtraWorkers(bin, file string, n int) (pids []string, stop func(), err error) {
	var cmds []*exec.Cmd
	stop = func() {
		for _, c := range cmds {
			_ = c.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range cmds {
			_ = c.Wait()
		}
	}
	for range n {
		c := exec.Command(bin, "--config", file)
		c.Stdout, c.Stderr = os.Stderr, os.Stderr
		if err := c.Start(); err != nil {
			stop()
			return nil, nil, fmt.Errorf("bench: start worker %s: %w", bin, err)
		}
		cmds = append(cmds, c)
		pids = append(pids, strconv.Itoa(c.Process.Pid))
	}
	return pids, stop, nil
}
