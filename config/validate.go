// This file holds start-up validation: every error names the key and says how to fix it, and each
// rule is stated once, by the package that owns it (a vendor's spec, cleansing, identity, segments).
package config

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/segments"
)

const defaultLookback = time.Hour

// WorkflowKinds are the workflows a schedule can start.
var WorkflowKinds = []string{"refresh", "sync", "campaign"}

// Validate checks the whole configuration and returns every problem found, one per line. It also
// decodes each connector entry's vendor keys through its spec (Spec and Settings are set after it).
func (c *Config) Validate() error {
	v := &validator{cfg: c}
	v.temporal()
	v.store()
	v.sources()
	v.cleanse()
	v.identity()
	v.consent()
	v.segments()
	v.destinations()
	v.campaigns()
	v.schedules()
	v.log()
	v.sandbox()
	v.privacy()
	v.retention()
	v.approval()
	v.serve()
	if len(v.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n  - %s", ErrInvalid, strings.Join(v.errs, "\n  - "))
}

type validator struct {
	cfg  *Config
	errs []string
}

func (v *validator) add(key, format string, args ...any) {
	v.errs = append(v.errs, key+": "+fmt.Sprintf(format, args...))
}

// lines adds each line of a multi-line error (errors.Join of keyed errors) as a problem.
func (v *validator) lines(err error) {
	if err == nil {
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			v.errs = append(v.errs, line)
		}
	}
}

// uniqueName checks a list item's name: set, and not used by an earlier item.
func (v *validator) uniqueName(key, what, name string, seen map[string]bool) {
	switch {
	case name == "":
		v.add(key+".name", "is empty; every %s needs a unique name", what)
	case seen[name]:
		v.add(key+".name", "duplicate %s name %q; names must be unique", what, name)
	}
	seen[name] = true
}

func (v *validator) temporal() {
	t := v.cfg.Temporal
	if _, port, err := net.SplitHostPort(t.Address); err != nil || !validPort(port) {
		v.add("temporal.address", "%q is not host:port; use e.g. 127.0.0.1:7233", t.Address)
	}
	if t.Namespace == "" {
		v.add("temporal.namespace", "is empty; use default (dev server) or your namespace")
	}
	if t.TaskQueue == "" {
		v.add("temporal.task_queue", "is empty; use cdpflow")
	}
	if t.UIPort < 0 || t.UIPort > 65535 {
		v.add("temporal.ui_port", "%d is not a port (1-65535)", t.UIPort)
	}
	if t.TLS != nil && (t.TLS.CertFile == "") != (t.TLS.KeyFile == "") {
		v.add("temporal.tls", "cert_file and key_file must be set together")
	}
	if t.APIKeyEnv != "" && v.cfg.checkSecrets && v.getenv(t.APIKeyEnv) == "" {
		v.add("temporal.api_key_env", "names %s, which is not set; export it or remove api_key_env", t.APIKeyEnv)
	}
}

func validPort(p string) bool {
	var n int
	if _, err := fmt.Sscanf(p, "%d", &n); err != nil || fmt.Sprint(n) != p {
		return false
	}
	return n > 0 && n <= 65535
}

func (v *validator) getenv(name string) string {
	if v.cfg.getenv == nil {
		return ""
	}
	return v.cfg.getenv(name)
}

func (v *validator) store() {
	switch v.cfg.Store.Driver {
	case "sqlite", "postgres":
	default:
		v.add("store.driver", "unknown driver %q; use sqlite or postgres (sqlite is the embedded default)", v.cfg.Store.Driver)
	}
	if v.cfg.Store.DSN == "" {
		v.add("store.dsn", "is empty; use file:.cdpflow/cdpflow.db (sqlite) or postgres://user:pass@host:5432/db")
	}
}

// check returns a connectors.Check for one entry.
func (v *validator) check(key, baseURL string) *connectors.Check {
	return &connectors.Check{Key: key, BaseURL: baseURL, Sandbox: v.cfg.UsesSandbox(baseURL),
		Secrets: v.cfg.checkSecrets, Getenv: v.getenv}
}

// spec looks up an entry's type and decodes its vendor keys (once).
func (v *validator) spec(key, typ string, sources bool, vendor map[string]any, common []string,
	spec *connectors.Spec, settings *connectors.Settings) bool {
	if spec.Type != "" && *settings != nil {
		return true
	}
	s, ok := connectors.Lookup(typ)
	if !ok || s.IsSource() != sources {
		what := "destination"
		if sources {
			what = "source"
		}
		v.add(key+".type", "unknown %s type %q; use one of %s", what, typ, strings.Join(connectors.Types(sources), ", "))
		return false
	}
	st, problems := decodeSettings(key, s, vendor, common)
	v.errs = append(v.errs, problems...)
	*spec, *settings = s, st
	return true
}

func (v *validator) sources() {
	seen := map[string]bool{}
	for i := range v.cfg.Sources {
		s := &v.cfg.Sources[i]
		key := fmt.Sprintf("sources[%d]", i)
		v.uniqueName(key, "source", s.Name, seen)
		if !v.spec(key, s.Type, true, s.Vendor, commonSourceKeys, &s.Spec, &s.Settings) {
			continue
		}
		if s.Spec.Sandbox != "" {
			v.baseURL(key, s.BaseURL)
		} else if s.BaseURL != "" {
			v.add(key+".base_url", "a %s source has no base_url; remove it", s.Type)
		}
		v.rateLimit(key, s.RateLimit)
		if s.Lookback < 0 {
			v.add(key+".lookback", "%s is negative; use a duration such as 1h (or leave it out)", s.Lookback)
		}
		c := v.check(key, s.BaseURL)
		s.Settings.Validate(c)
		v.errs = append(v.errs, c.Problems...)
	}
	for i := range v.cfg.Sources {
		if ek, ok := v.cfg.Sources[i].Settings.(connectors.EngagementKeys); ok && ek.CustomerSource() != "" && !seen[ek.CustomerSource()] {
			v.add(fmt.Sprintf("sources[%d].customer_source", i), "names unknown source %q", ek.CustomerSource())
		}
	}
}

func (v *validator) rateLimit(key string, r RateLimit) {
	if r.RequestsPerSecond < 0 || r.Burst < 0 {
		v.add(key+".rate_limit", "must not be negative")
	}
}

func (v *validator) baseURL(key, u string) {
	c := &connectors.Check{Key: key}
	connectors.CheckURL(c, "base_url", u)
	v.errs = append(v.errs, c.Problems...)
}

func (v *validator) cleanse() {
	v.lines(v.cfg.Cleanse.Options().Validate())
	if v.cfg.Cleanse.PartitionRows < 0 {
		v.add("cleanse.partition_rows", "is %d; use 0 (no parts) or a positive number such as 250000", v.cfg.Cleanse.PartitionRows)
	}
	if v.cfg.Cleanse.Workers < 0 {
		v.add("cleanse.workers", "is %d; use 0 (one per core) or a positive number", v.cfg.Cleanse.Workers)
	}
}

func (v *validator) identity() {
	v.lines(v.cfg.Identity.Validate())
	for i, s := range v.cfg.Identity.SourcePriority {
		if _, ok := v.cfg.Source(s); !ok {
			v.add(fmt.Sprintf("identity.source_priority[%d]", i), "names unknown source %q", s)
		}
	}
	for i, s := range v.cfg.Identity.Link.OneToOne {
		if _, ok := v.cfg.Source(s); !ok && s != "" {
			v.add(fmt.Sprintf("identity.link.one_to_one[%d]", i), "names unknown source %q: use a name from sources", s)
		}
	}
}

func (v *validator) consent() {
	v.errs = append(v.errs, v.cfg.Consent.Validate(func(s string) bool { _, ok := v.cfg.Source(s); return ok })...)
}

// segments delegates to the segments package, which owns names and rules.
func (v *validator) segments() {
	_, err := segments.New(v.cfg.SegmentDefinitions())
	v.lines(err)
}

// knownSegment reports whether a segment name is built in or user-defined.
func (v *validator) knownSegment(name string) bool {
	if isBuiltinSegment(name) {
		return true
	}
	for _, s := range v.cfg.Segments {
		if s.Name == name {
			return true
		}
	}
	return false
}

func (v *validator) destinations() {
	seen := map[string]bool{}
	for i := range v.cfg.Destinations {
		d := &v.cfg.Destinations[i]
		key := fmt.Sprintf("destinations[%d]", i)
		v.uniqueName(key, "destination", d.Name, seen)
		if !v.spec(key, d.Type, false, d.Vendor, commonDestinationKeys, &d.Spec, &d.Settings) {
			continue
		}
		v.baseURL(key, d.BaseURL)
		v.rateLimit(key, d.RateLimit)
		if len(d.Segments) == 0 {
			v.add(key+".segments", "is empty; list the segments to sync")
		}
		for j, s := range d.Segments {
			if !v.knownSegment(s) {
				v.add(fmt.Sprintf("%s.segments[%d]", key, j), "unknown segment %q; define it under segments: or use a built-in (%s)", s, strings.Join(segments.BuiltinNames()[:4], ", ")+", ...")
			}
		}
		if d.Consent != "" && d.Consent != string(d.Spec.Channel) {
			v.add(key+".consent", "%q: a %s destination's members need %s consent, which cannot be changed; remove the key", d.Consent, d.Type, d.Spec.Channel)
		}
		if d.BatchSize < 0 {
			v.add(key+".batch_size", "must not be negative")
		}
		c := v.check(key, d.BaseURL)
		d.Settings.Validate(c)
		v.errs = append(v.errs, c.Problems...)
	}
}

func (v *validator) campaigns() {
	seen := map[string]bool{}
	for i, c := range v.cfg.Campaigns {
		key := fmt.Sprintf("campaigns[%d]", i)
		v.uniqueName(key, "campaign", c.Name, seen)
		if len(c.Segments) == 0 {
			v.add(key+".segments", "is empty; list the segments this campaign targets")
		}
		for j, s := range c.Segments {
			if !v.knownSegment(s) {
				v.add(fmt.Sprintf("%s.segments[%d]", key, j), "unknown segment %q; define it under segments:", s)
			}
		}
		for j, d := range c.Destinations {
			if _, ok := v.cfg.Destination(d); !ok {
				v.add(fmt.Sprintf("%s.destinations[%d]", key, j), "unknown destination %q", d)
			}
		}
	}
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func (v *validator) schedules() {
	seen := map[string]bool{}
	for i, s := range v.cfg.Schedules {
		key := fmt.Sprintf("schedules[%d]", i)
		v.uniqueName(key, "schedule", s.Name, seen)
		if _, err := cronParser.Parse(s.Cron); err != nil {
			v.add(key+".cron", "%q is not a valid cron expression (%v); use 5 fields like \"0 2 * * *\" or @every 1h / @daily", s.Cron, err)
		}
		if s.Timezone != "" {
			if _, err := time.LoadLocation(s.Timezone); err != nil {
				v.add(key+".timezone", "%q is not an IANA time zone (e.g. Europe/Berlin)", s.Timezone)
			}
		}
		switch s.Workflow {
		case "refresh":
		case "sync":
			if _, ok := v.cfg.Source(s.Source); !ok {
				v.add(key+".source", "a sync schedule needs an existing source; %q is unknown", s.Source)
			}
		case "campaign":
			if _, ok := v.cfg.Campaign(s.Campaign); !ok {
				v.add(key+".campaign", "a campaign schedule needs an existing campaign; %q is unknown", s.Campaign)
			}
		default:
			v.add(key+".workflow", "unknown workflow %q; use one of %s", s.Workflow, strings.Join(WorkflowKinds, ", "))
		}
	}
}

func (v *validator) log() {
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, strings.ToLower(v.cfg.Log.Level)) {
		v.add("log.level", "%q: use debug, info, warn or error", v.cfg.Log.Level)
	}
	if !slices.Contains([]string{"text", "json"}, strings.ToLower(v.cfg.Log.Format)) {
		v.add("log.format", "%q: use text or json", v.cfg.Log.Format)
	}
}

func (v *validator) sandbox() {
	o := v.cfg.SandboxOpts
	if o.People < 0 {
		v.add("sandbox.people", "%d is negative; use a count such as 1000", o.People)
	}
	if o.PortBase < 0 || o.PortBase > 65535-16 {
		v.add("sandbox.port_base", "%d: use 0 (free ports) or a port from 1 to %d", o.PortBase, 65535-16)
	}
	if o.TokenTTL != 0 && o.TokenTTL < 5*time.Second {
		v.add("sandbox.token_ttl", "%s: use at least 5s (tokens are renewed a quarter of their life early), or leave it out for 1h", o.TokenTTL)
	}
}

func (v *validator) privacy() {
	p := v.cfg.Privacy
	if p.CodecKeyEnv != "" && p.CodecKeyFileEnv != "" {
		v.add("privacy", "set codec_key_env or codec_key_file_env, not both")
	}
	v.envName("privacy.codec_key_env", p.CodecKeyEnv)
	v.envName("privacy.codec_key_file_env", p.CodecKeyFileEnv)
	v.envName("privacy.codec_server.token_env", p.CodecServer.TokenEnv)
	if l := p.CodecServer.Listen; l != "" {
		if _, port, err := net.SplitHostPort(l); err != nil || !validPort(port) {
			v.add("privacy.codec_server.listen", "%q is not host:port; use e.g. 127.0.0.1:8081", l)
		}
	}
	for i, o := range p.CodecServer.Origins {
		c := &connectors.Check{Key: fmt.Sprintf("privacy.codec_server.origins[%d]", i)}
		connectors.CheckURL(c, "", o)
		v.errs = append(v.errs, c.Problems...)
	}
}

// envName checks a *_env key holds a variable name, never the secret pasted in its place (which
// it does not repeat).
func (v *validator) envName(key, name string) {
	if name != "" && !connectors.ValidEnvName(name) {
		v.add(key, "must name an environment variable (letters, digits, _), not hold a value; put the secret in a variable and name it here")
	}
}

func (v *validator) retention() {
	r := v.cfg.Retention
	for key, d := range map[string]time.Duration{"quarantine": r.Quarantine, "staged": r.Staged,
		"ledger_details": r.LedgerDetails, "run_summaries": r.RunSummaries} {
		if d < 0 {
			v.add("retention."+key, "%s is negative; use a duration such as 30d (0 keeps forever)", d)
		} else if d > 0 && d < time.Hour {
			v.add("retention."+key, "%s is under an hour; use a duration such as 30d (0 keeps forever)", d)
		}
	}
}

// Is reports whether err is a validation failure.
func Is(err error) bool { return errors.Is(err, ErrInvalid) }

// isBuiltinSegment reports whether name is a segment the engine always computes (cohort.* included).
func isBuiltinSegment(name string) bool {
	return slices.Contains(segments.BuiltinNames(), name) || strings.HasPrefix(name, "cohort.")
}

// SegmentDefinitions returns the configured segments in the segments package's form.
func (c *Config) SegmentDefinitions() []segments.Definition {
	defs := make([]segments.Definition, len(c.Segments))
	for i, s := range c.Segments {
		defs[i] = segments.Definition{Name: s.Name, Rule: s.Rule}
	}
	return defs
}

// Options returns the cleanse block in the cleansing package's form.
func (c Cleanse) Options() cleansing.Options {
	return cleansing.Options{DefaultRegion: c.DefaultRegion, RejectDisposable: c.RejectDisposableEmails, DateOrder: c.DateOrder, MinBirthYear: c.MinBirthYear}
}

func (v *validator) approval() {
	a := v.cfg.Approval
	if a.MaxRemoveFraction < 0 || a.MaxRemoveFraction > 1 {
		v.add("approval.max_remove_fraction", "is %g; use a share between 0 and 1, e.g. 0.2 (1 never holds on the share)", a.MaxRemoveFraction)
	}
	if a.MaxRemoves < 0 {
		v.add("approval.max_removes", "is %d; use 0 (no count limit) or a positive number", a.MaxRemoves)
	}
	if a.Timeout < time.Minute {
		v.add("approval.timeout", "is %s; use at least 1m, e.g. 24h (no decision by then removes nobody)", a.Timeout)
	}
}

// ServeRoles are the roles a serve token can have: viewers read, operators also trigger,
// preview and approve.
var ServeRoles = []string{"viewer", "operator"}

func (v *validator) serve() {
	s := v.cfg.Serve
	v.listen("serve.listen", s.Listen, "127.0.0.1:8090")
	v.listen("metrics.listen", v.cfg.Metrics.Listen, "127.0.0.1:9464")
	if s.TemporalUI != "" {
		c := &connectors.Check{Key: "serve.temporal_ui"}
		connectors.CheckURL(c, "", s.TemporalUI)
		v.errs = append(v.errs, c.Problems...)
	}
	seen := map[string]bool{}
	for i, t := range s.Tokens {
		key := fmt.Sprintf("serve.tokens[%d]", i)
		v.uniqueName(key, "serve token", t.Name, seen)
		if !slices.Contains(ServeRoles, t.Role) {
			v.add(key+".role", "is %q; use one of %v", t.Role, ServeRoles)
		}
		if t.TokenEnv == "" {
			v.add(key+".token_env", "is missing; name the environment variable that holds this token")
		}
		v.envName(key+".token_env", t.TokenEnv)
	}
}

// listen checks an optional host:port listen address.
func (v *validator) listen(key, addr, example string) {
	if addr == "" {
		return
	}
	if _, port, err := net.SplitHostPort(addr); err != nil || !validPort(port) {
		v.add(key, "%q is not host:port; use e.g. %s", addr, example)
	}
}
