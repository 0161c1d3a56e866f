// Package metrics holds cdpflow's Prometheus metrics: what each run did per source, destination
// and stage (recorded once, from the run summary, when the run finishes), plus whatever else is
// registered on the same registry (Temporal SDK metrics through OpenTelemetry, Go runtime and
// process metrics). Label values are configured names only, never record data.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cdpflow/cdpflow/summary"
)

// Metrics is one process's registry and cdpflow's collectors.
type Metrics struct {
	Registry *prometheus.Registry

	runs        *prometheus.CounterVec
	extracted   *prometheus.CounterVec
	accepted    *prometheus.CounterVec
	quarantined *prometheus.CounterVec
	changed     *prometheus.CounterVec
	resolved    *prometheus.GaugeVec
	members     *prometheus.GaugeVec
	pushed      *prometheus.CounterVec
	failed      *prometheus.CounterVec
	rejected    *prometheus.CounterVec
	inDoubt     *prometheus.GaugeVec
	queued      *prometheus.GaugeVec
	held        *prometheus.CounterVec
	throttled   *prometheus.CounterVec
	quotaWaits  *prometheus.CounterVec
	stage       *prometheus.HistogramVec
	sourceErrs  *prometheus.CounterVec
	requests    *prometheus.CounterVec
}

// New makes a registry with the Go and process collectors and cdpflow's metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "cdpflow", Name: name, Help: help}, labels)
		reg.MustRegister(c)
		return c
	}
	g := func(name, help string, labels ...string) *prometheus.GaugeVec {
		c := prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "cdpflow", Name: name, Help: help}, labels)
		reg.MustRegister(c)
		return c
	}
	m := &Metrics{Registry: reg,
		runs:        f("runs_total", "Finished runs by kind and status.", "kind", "status"),
		extracted:   f("records_extracted_total", "Records read from each source (customers, orders, analytics rows).", "source"),
		accepted:    f("records_accepted_total", "Records cleansing accepted, per source.", "source"),
		quarantined: f("records_quarantined_total", "Records quarantined with a reason, per source and reason.", "source", "reason"),
		changed:     f("records_changed_total", "Staged customers that were new or different from the store's (not re-reads).", "kind"),
		resolved:    g("profiles", "Profiles after the last run's identity resolution, and the records they combine.", "what"),
		members:     g("segment_members", "Members of each segment after the last run that computed it.", "segment"),
		pushed:      f("members_pushed_total", "Members added, updated or removed at each destination.", "destination", "op"),
		failed:      f("members_failed_total", "Members whose delivery failed, per destination.", "destination"),
		rejected:    f("members_rejected_total", "Members the vendor rejected, per destination.", "destination"),
		inDoubt:     g("members_in_doubt", "Sends of the last run with no known outcome (never resent automatically).", "destination"),
		queued:      g("members_queued", "Sends the vendor accepted but has not reported on yet.", "destination"),
		held:        f("removals_held_total", "Removals held for approval, by outcome (approved, rejected, timed_out).", "destination", "outcome"),
		throttled:   f("throttled_total", "Rate-limit answers received from each connector's vendor.", "connector"),
		quotaWaits:  f("quota_waits_total", "Durable waits for a vendor's exhausted quota, per source.", "source"),
		sourceErrs:  f("connector_failures_total", "Runs in which a source or destination failed.", "connector"),
		requests:    f("console_requests_total", "Console and API requests by route pattern and status code.", "route", "code"),
		stage: func() *prometheus.HistogramVec {
			h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "cdpflow", Name: "stage_duration_seconds",
				Help: "Wall time of each stage of a run.", Buckets: prometheus.ExponentialBuckets(0.05, 2.5, 12)}, []string{"kind", "stage"})
			reg.MustRegister(h)
			return h
		}(),
	}
	return m
}

// ObserveRun records one finished run's figures. Call it once per run (FinishRun does, the first
// time the run is finished).
func (m *Metrics) ObserveRun(sum summary.Run) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(sum.Kind, sum.Status).Inc()
	for name, s := range sum.Sources {
		m.extracted.WithLabelValues(name).Add(float64(s.Extracted))
		m.throttled.WithLabelValues(name).Add(float64(s.Throttled))
		m.quotaWaits.WithLabelValues(name).Add(float64(s.QuotaWaits))
		if s.Error != "" {
			m.sourceErrs.WithLabelValues(name).Inc()
		}
	}
	for name, q := range sum.Cleanse.BySource {
		m.accepted.WithLabelValues(name).Add(float64(q.Accepted))
		for reason, n := range q.Reasons {
			m.quarantined.WithLabelValues(name, reason).Add(float64(n))
		}
	}
	if sum.Cleanse.Changed > 0 {
		m.changed.WithLabelValues("customers").Add(float64(sum.Cleanse.Changed))
	}
	if sum.Identity.Records > 0 {
		m.resolved.WithLabelValues("profiles").Set(float64(sum.Identity.Profiles))
		m.resolved.WithLabelValues("records").Set(float64(sum.Identity.Records))
	}
	for name, s := range sum.Segments {
		m.members.WithLabelValues(name).Set(float64(s.Members))
	}
	for name, d := range sum.Destinations {
		m.pushed.WithLabelValues(name, "added").Add(float64(d.Added))
		m.pushed.WithLabelValues(name, "updated").Add(float64(d.Updated))
		m.pushed.WithLabelValues(name, "removed").Add(float64(d.Removed))
		m.failed.WithLabelValues(name).Add(float64(d.Failed))
		m.rejected.WithLabelValues(name).Add(float64(d.Rejected))
		m.inDoubt.WithLabelValues(name).Set(float64(d.InDoubt))
		m.queued.WithLabelValues(name).Set(float64(d.Queued))
		m.throttled.WithLabelValues(name).Add(float64(d.Throttled))
		if d.Approval != nil {
			m.held.WithLabelValues(name, d.Approval.Status).Add(float64(d.Approval.Removes))
		}
		if d.Error != "" {
			m.sourceErrs.WithLabelValues(name).Inc()
		}
	}
	for stage, s := range sum.Stages {
		m.stage.WithLabelValues(sum.Kind, stage).Observe(s.Seconds)
	}
}

// ObserveRequest counts one console or API request (route is the pattern, not the path).
func (m *Metrics) ObserveRequest(route string, code int) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, fmt.Sprint(code)).Inc()
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Serve serves /metrics on addr until ctx ends.
func (m *Metrics) Serve(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("metrics.listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener failing after start leaves metrics unserved; the worker goes on
		}
	}()
	return nil
}
