// This file holds start-up validation: every error names the key and says how to fix it.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/cdpflow/cdpflow/segments"
)

const defaultLookback = time.Hour

// SourceTypes and DestinationTypes are the connector types the engine knows.
var (
	SourceTypes      = []string{"hubspot", "salesforce", "shopify", "square", "ga4", "csv"}
	DestinationTypes = []string{"mailchimp", "mandrill", "meta", "google_ads"}
	WorkflowKinds    = []string{"refresh", "sync", "campaign"}
)

// Validate checks the whole configuration and returns every problem found, one per line.
func (c *Config) Validate() error {
	v := &validator{cfg: c}
	v.temporal()
	v.store()
	v.sources()
	v.cleanse()
	v.identity()
	v.segments()
	v.destinations()
	v.campaigns()
	v.schedules()
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
	if _, _, err := net.SplitHostPort(t.Address); err != nil {
		v.add("temporal.address", "%q is not host:port; use e.g. 127.0.0.1:7233", t.Address)
	}
	if t.Namespace == "" {
		v.add("temporal.namespace", "is empty; use default (dev server) or your namespace")
	}
	if t.TaskQueue == "" {
		v.add("temporal.task_queue", "is empty; use cdpflow")
	}
	if t.TLS != nil && (t.TLS.CertFile == "") != (t.TLS.KeyFile == "") {
		v.add("temporal.tls", "cert_file and key_file must be set together")
	}
	if t.APIKeyEnv != "" && os.Getenv(t.APIKeyEnv) == "" {
		v.add("temporal.api_key_env", "names %s, which is not set; export it or remove api_key_env", t.APIKeyEnv)
	}
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

// secret checks that a *_env key is set and names a set variable, unless the connector is the sandbox.
func (v *validator) secret(key, envName, baseURL string) {
	if v.cfg.UsesSandbox(baseURL) {
		return
	}
	if envName == "" {
		v.add(key, "is required for a connector that is not the sandbox; name the environment variable holding the secret")
		return
	}
	if os.Getenv(envName) == "" {
		v.add(key, "names %s, which is not set; export %s=<secret>, or set base_url: sandbox to use the local imitation", envName, envName)
	}
}

func (v *validator) sources() {
	seen := map[string]bool{}
	for i, s := range v.cfg.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		v.uniqueName(key, "source", s.Name, seen)
		if !slices.Contains(SourceTypes, s.Type) {
			v.add(key+".type", "unknown source type %q; use one of %s", s.Type, strings.Join(SourceTypes, ", "))
			continue
		}
		if s.Type == "csv" {
			if s.Path == "" {
				v.add(key+".path", "is required for a csv source")
			}
			if s.Mapping == "" {
				v.add(key+".mapping", "is required for a csv source (a mapping file: id: and fields:)")
			}
			continue
		}
		v.baseURL(key, s.BaseURL)
		v.secret(key+".token_env", s.TokenEnv, s.BaseURL)
		if s.RateLimit.RequestsPerSecond < 0 || s.RateLimit.Burst < 0 {
			v.add(key+".rate_limit", "must not be negative")
		}
		switch s.Type {
		case "square":
			if len(s.LocationIDs) == 0 || len(s.LocationIDs) > 10 {
				v.add(key+".location_ids", "needs 1 to 10 Square location ids, got %d", len(s.LocationIDs))
			}
		case "ga4":
			if s.PropertyID == "" {
				v.add(key+".property_id", "is required for a ga4 source (the GA4 property number)")
			}
		case "shopify":
			if s.BaseURL == "" && !v.cfg.Dev {
				v.add(key+".base_url", "is required for shopify: https://<shop>.myshopify.com")
			}
		case "salesforce":
			if s.BaseURL == "" && !v.cfg.Dev {
				v.add(key+".base_url", "is required for salesforce: https://<domain>.my.salesforce.com")
			}
		}
	}
	for i, s := range v.cfg.Sources {
		if s.CustomerSource != "" && !seen[s.CustomerSource] {
			v.add(fmt.Sprintf("sources[%d].customer_source", i), "names unknown source %q", s.CustomerSource)
		}
	}
}

func (v *validator) baseURL(key, u string) {
	if u == "" || u == Sandbox || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return
	}
	v.add(key+".base_url", "%q is neither sandbox nor an http(s) URL", u)
}

func (v *validator) cleanse() {
	c := v.cfg.Cleanse
	if len(c.DefaultRegion) != 2 || strings.ToUpper(c.DefaultRegion) != c.DefaultRegion {
		v.add("cleanse.default_region", "%q is not an ISO-3166 alpha-2 code; use e.g. US or DE", c.DefaultRegion)
	}
	if c.DateOrder != "DMY" && c.DateOrder != "MDY" {
		v.add("cleanse.date_order", "%q: use DMY (02/01/2006 is 2 January) or MDY (February 1)", c.DateOrder)
	}
}

func (v *validator) identity() {
	if err := v.cfg.Identity.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			v.errs = append(v.errs, line)
		}
	}
	for i, s := range v.cfg.Identity.SourcePriority {
		if _, ok := v.cfg.Source(s); !ok {
			v.add(fmt.Sprintf("identity.source_priority[%d]", i), "names unknown source %q", s)
		}
	}
}

func (v *validator) segments() {
	seen := map[string]bool{}
	for i, s := range v.cfg.Segments {
		key := fmt.Sprintf("segments[%d]", i)
		v.uniqueName(key, "segment", s.Name, seen)
		if isBuiltinSegment(s.Name) {
			v.add(key+".name", "%q is a built-in segment name; choose another", s.Name)
		}
		if err := segments.ValidateRule(s.Rule); err != nil {
			v.add(key+".rule", "%v", err)
		}
	}
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
	for i, d := range v.cfg.Destinations {
		key := fmt.Sprintf("destinations[%d]", i)
		v.uniqueName(key, "destination", d.Name, seen)
		if !slices.Contains(DestinationTypes, d.Type) {
			v.add(key+".type", "unknown destination type %q; use one of %s", d.Type, strings.Join(DestinationTypes, ", "))
			continue
		}
		v.baseURL(key, d.BaseURL)
		if len(d.Segments) == 0 {
			v.add(key+".segments", "is empty; list the segments to sync")
		}
		for j, s := range d.Segments {
			if !v.knownSegment(s) {
				v.add(fmt.Sprintf("%s.segments[%d]", key, j), "unknown segment %q; define it under segments: or use a built-in (%s)", s, strings.Join(segments.BuiltinNames()[:4], ", ")+", ...")
			}
		}
		switch d.Consent {
		case "email", "sms", "none":
		default:
			v.add(key+".consent", "%q: use email, sms or none", d.Consent)
		}
		if d.BatchSize < 0 {
			v.add(key+".batch_size", "must not be negative")
		}
		switch d.Type {
		case "mailchimp":
			v.secret(key+".api_key_env", d.APIKeyEnv, d.BaseURL)
			v.required(key+".list_id", d.ListID, "the Mailchimp audience id")
		case "mandrill":
			v.secret(key+".api_key_env", d.APIKeyEnv, d.BaseURL)
			v.required(key+".template", d.Template, "the Mandrill template name")
			v.required(key+".from_email", d.FromEmail, "the sender address")
		case "meta":
			v.secret(key+".token_env", d.TokenEnv, d.BaseURL)
			v.required(key+".audience_id", d.AudienceID, "the custom audience id")
		case "google_ads":
			v.secret(key+".token_env", d.TokenEnv, d.BaseURL)
			v.secret(key+".developer_token_env", d.DeveloperTokenEnv, d.BaseURL)
			v.required(key+".customer_id", d.CustomerID, "the Google Ads customer id (digits only)")
			v.required(key+".user_list", d.UserList, "customers/<cid>/userLists/<id>")
		}
	}
}

func (v *validator) required(key, val, what string) {
	if val == "" {
		v.add(key, "is required: %s", what)
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

// Is reports whether err is a validation failure.
func Is(err error) bool { return errors.Is(err, ErrInvalid) }

// isBuiltinSegment reports whether name is a segment the engine always computes (cohort.* included).
func isBuiltinSegment(name string) bool {
	return slices.Contains(segments.BuiltinNames(), name) || strings.HasPrefix(name, "cohort.")
}
