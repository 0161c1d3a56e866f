// This file holds live progress while a command waits for a run: the stage, per-source counts,
// pages, throttling and approvals waiting, read from the run's progress query. On a terminal it
// is a progress bar redrawn in place; otherwise a plain line whenever the stage changes (and at
// most every 10 s otherwise), so logs stay readable.
package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"go.temporal.io/sdk/client"
	"golang.org/x/term"

	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

// stageOrder is the bar's scale: a run moves through these stages in order.
var stageOrder = []string{"start", "preflight", "extract", "cleanse", "resolve", "segment", "push", "done"}

// followProgress reports the run's progress on w until stop is called.
func followProgress(ctx context.Context, cl client.Client, id string, w *os.File) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	tty := term.IsTerminal(int(w.Fd()))
	go func() {
		defer close(done)
		var bar *progressbar.ProgressBar
		if tty {
			bar = progressbar.NewOptions(len(stageOrder)-1, progressbar.OptionSetWriter(w), progressbar.OptionSetWidth(24),
				progressbar.OptionShowElapsedTimeOnFinish(), progressbar.OptionSetPredictTime(false), progressbar.OptionFullWidth(),
				progressbar.OptionClearOnFinish())
		}
		lastLine, lastStage, lastAt := "", "", time.Time{}
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				if bar != nil {
					_ = bar.Finish()
				}
				return
			case <-tick.C:
			}
			qctx, qcancel := context.WithTimeout(ctx, 3*time.Second)
			p, err := queryProgress(qctx, cl, id)
			qcancel()
			if err != nil {
				continue // not started yet, or between tasks: try again
			}
			line := progressLine(p)
			if bar != nil {
				bar.Describe(line)
				_ = bar.Set(max(0, slices.Index(stageOrder, p.Stage)))
				continue
			}
			if line != lastLine && (p.Stage != lastStage || time.Since(lastAt) >= 10*time.Second) {
				fmt.Fprintf(w, "%s %s\n", time.Now().Format("15:04:05"), line)
				lastLine, lastStage, lastAt = line, p.Stage, time.Now()
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// progressLine renders one progress snapshot in a line.
func progressLine(p workflows.Progress) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", p.Stage)
	s := p.Summary
	writeSources(&b, s.Sources)
	if c := s.Cleanse; c.Accepted+c.Quarantined > 0 {
		fmt.Fprintf(&b, " · cleansed %d (%d quarantined)", c.Accepted, c.Quarantined)
	}
	if s.Identity.Profiles > 0 {
		fmt.Fprintf(&b, " · %d profiles", s.Identity.Profiles)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Destinations)) {
		d := s.Destinations[name]
		fmt.Fprintf(&b, " · %s +%d -%d", name, d.Added, d.Removed)
	}
	for _, a := range p.Approvals {
		fmt.Fprintf(&b, " · %s WAITS FOR APPROVAL (starter approve %s %s)", a.Destination, s.WorkflowID, a.Destination)
	}
	return b.String()
}

func writeSources(w io.Writer, srcs map[string]summary.Source) {
	for _, name := range slices.Sorted(maps.Keys(srcs)) {
		src := srcs[name]
		switch {
		case src.Error != "":
			fmt.Fprintf(w, " · %s failed", name)
		case src.Extracted > 0 || src.Pages > 0:
			fmt.Fprintf(w, " · %s %d (%d pages", name, src.Extracted, src.Pages)
			if src.Throttled > 0 {
				fmt.Fprintf(w, ", throttled %d", src.Throttled)
			}
			fmt.Fprint(w, ")")
		}
	}
}
