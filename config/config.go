// Package config loads and validates the engine's configuration.
//
// Layers, lowest first: built-in defaults (Defaults) < YAML file (--config, or cdpflow.yaml in the
// working directory) < environment (CDPFLOW_ prefix, "__" for nesting: CDPFLOW_TEMPORAL__ADDRESS)
// < command-line flags. The keys follow shared/reference/config.example.yaml exactly; extensions are
// documented in config/cdpflow.example.yaml. Secrets never appear in configuration: every *_env key
// names the environment variable that holds one.
package config

import (
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/consent"
	"github.com/cdpflow/cdpflow/identity"
)

// Sandbox is the base_url value that selects the built-in local imitation of a vendor API.
const Sandbox = "sandbox"

// Config is the whole configuration.
type Config struct {
	Temporal     Temporal      `koanf:"temporal"`
	Store        Store         `koanf:"store"`
	Sources      []Source      `koanf:"sources"`
	Cleanse      Cleanse       `koanf:"cleanse"`
	Identity     Identity      `koanf:"identity"`
	Consent      Consent       `koanf:"consent"`
	Segments     []Segment     `koanf:"segments"`
	Destinations []Destination `koanf:"destinations"`
	Schedules    []Schedule    `koanf:"schedules"`
	Campaigns    []Campaign    `koanf:"campaigns"`
	SandboxOpts  SandboxOpts   `koanf:"sandbox"`
	Log          Log           `koanf:"log"`
	Privacy      Privacy       `koanf:"privacy"`
	Retention    Retention     `koanf:"retention"`
	Approval     Approval      `koanf:"approval"`
	Serve        Serve         `koanf:"serve"`
	Metrics      Metrics       `koanf:"metrics"`

	// Dev is set by `starter dev`: connectors without base_url use the sandbox.
	Dev bool `koanf:"-"`
	// File is the YAML file that was loaded, if any.
	File string `koanf:"-"`

	getenv       func(string) string // the environment Load read
	checkSecrets bool
}

// Privacy configures payload encryption (the codec) and the codec server operators decrypt with.
type Privacy struct {
	// CodecKeyEnv names the variable holding the codec keys, newest first ("id:base64", comma
	// separated); CodecKeyFileEnv names one holding a file path instead. Neither set: payloads are
	// not encrypted, except under `starter dev`, which keeps a local key in .cdpflow/codec.keys.
	CodecKeyEnv     string      `koanf:"codec_key_env"`
	CodecKeyFileEnv string      `koanf:"codec_key_file_env"`
	CodecServer     CodecServer `koanf:"codec_server"`
}

// CodecServer is `starter codec-server`: the endpoint Temporal UI and CLI decrypt through.
type CodecServer struct {
	Listen   string   `koanf:"listen"`
	TokenEnv string   `koanf:"token_env"` // the bearer token operators present
	Origins  []string `koanf:"origins"`   // Temporal UI origins allowed to call from a browser
}

// Retention says how long the store keeps what it no longer needs; a daily purge enforces it.
type Retention struct {
	Quarantine    time.Duration `koanf:"quarantine"`     // quarantined records (with their reasons)
	Staged        time.Duration `koanf:"staged"`         // staged raw pages of finished runs (failed runs: at once)
	LedgerDetails time.Duration `koanf:"ledger_details"` // vendor answers kept on delivery ledger rows
	RunSummaries  time.Duration `koanf:"run_summaries"`  // runs and their summaries
}

// Temporal says where the Temporal service is.
type Temporal struct {
	Address   string `koanf:"address"`
	Namespace string `koanf:"namespace"`
	TaskQueue string `koanf:"task_queue"`
	TLS       *TLS   `koanf:"tls"`
	APIKeyEnv string `koanf:"api_key_env"`
	// UIPort and DevDB configure the dev server `starter dev` runs (extensions).
	UIPort int    `koanf:"ui_port"`
	DevDB  string `koanf:"dev_db"`
}

// TLS is mTLS material for Temporal Cloud or a secured cluster.
type TLS struct {
	CertFile   string `koanf:"cert_file"`
	KeyFile    string `koanf:"key_file"`
	CAFile     string `koanf:"ca_file"`
	ServerName string `koanf:"server_name"`
}

// Store selects the engine's database.
type Store struct {
	Driver string `koanf:"driver"` // sqlite | postgres
	DSN    string `koanf:"dsn"`
}

// RateLimit is a client-side request budget.
type RateLimit struct {
	RequestsPerSecond float64 `koanf:"requests_per_second"`
	Burst             int     `koanf:"burst"`
}

// Budget returns the connectors' form of the limit.
func (r RateLimit) Budget() connectors.RateLimit {
	return connectors.RateLimit{RequestsPerSecond: r.RequestsPerSecond, Burst: r.Burst}
}

// Source is one configured source connector. The keys every source has are fields here; the
// vendor's own keys (token_env, location_ids, path ...) are decoded by its connector spec into
// Settings.
type Source struct {
	Name      string    `koanf:"name"`
	Type      string    `koanf:"type"`
	BaseURL   string    `koanf:"base_url"`
	RateLimit RateLimit `koanf:"rate_limit"`
	// Full forces a full resync on every run (extension).
	Full bool `koanf:"full"`
	// Lookback is subtracted from the watermark on incremental syncs (extension; default 1h).
	Lookback time.Duration `koanf:"lookback"`

	// Vendor holds the entry's other keys until the spec decodes them.
	Vendor map[string]any `koanf:",remain"`
	// Spec is the connector type's registration; Settings its decoded section.
	Spec     connectors.Spec     `koanf:"-"`
	Settings connectors.Settings `koanf:"-"`
}

// Cleanse configures normalization and validation.
type Cleanse struct {
	DefaultRegion          string `koanf:"default_region"`
	RejectDisposableEmails bool   `koanf:"reject_disposable_emails"`
	DateOrder              string `koanf:"date_order"` // DMY | MDY for dates like 02/01/2006 (extension)
	// Workers is the number of goroutines cleansing in parallel (extension; 0 = one per core).
	Workers int `koanf:"workers"`
	// PartitionRows is the staged customers per cleanse activity on a full pass (extension;
	// 0 = no parts): a source with more is cleansed in parts that any worker may take.
	PartitionRows int `koanf:"partition_rows"`
	// MinBirthYear is the earliest plausible birth year (extension; 0 = 1900); older birth
	// dates are dropped as invalid_date. Lower it for files of historical persons.
	MinBirthYear int `koanf:"min_birth_year"`
}

// Identity configures identity resolution. It is the identity package's own Config (same keys),
// so there is one definition and one validation of the block.
type Identity = identity.Config

// Consent is the consent basis: opt_in (default) or opt_out, per country and per source.
type Consent = consent.Policy

// Segment is a user-defined segment rule.
type Segment struct {
	Name string `koanf:"name"`
	Rule string `koanf:"rule"`
}

// Destination is one configured destination connector: the keys every destination has, and the
// vendor's own keys decoded by its connector spec into Settings.
type Destination struct {
	Name      string    `koanf:"name"`
	Type      string    `koanf:"type"`
	BaseURL   string    `koanf:"base_url"`
	Segments  []string  `koanf:"segments"`
	RateLimit RateLimit `koanf:"rate_limit"`
	// Consent is accepted only as the channel the type implies (email, or ads for ad platforms):
	// the channel follows the destination's type and cannot be switched off.
	Consent string `koanf:"consent"`
	// BatchSize caps members per call below the vendor's limit (extension).
	BatchSize int `koanf:"batch_size"`

	Vendor   map[string]any      `koanf:",remain"`
	Spec     connectors.Spec     `koanf:"-"`
	Settings connectors.Settings `koanf:"-"`
}

// Schedule runs a workflow on a cron.
type Schedule struct {
	Name     string `koanf:"name"`
	Cron     string `koanf:"cron"`
	Timezone string `koanf:"timezone"`
	Workflow string `koanf:"workflow"` // refresh | sync | campaign
	Source   string `koanf:"source"`   // for sync
	Campaign string `koanf:"campaign"` // for campaign
	Paused   bool   `koanf:"paused"`
}

// Campaign is what a marketer can trigger by name.
type Campaign struct {
	Name         string   `koanf:"name"`
	Segments     []string `koanf:"segments"`
	Destinations []string `koanf:"destinations"`
}

// SandboxOpts shapes the sandbox dataset and ports (extension).
type SandboxOpts struct {
	People   int    `koanf:"people"`
	Seed     uint64 `koanf:"seed"`
	PortBase int    `koanf:"port_base"`
	// TokenTTL is the lifetime of the access tokens the imitated OAuth endpoints issue (default 1h).
	TokenTTL time.Duration `koanf:"token_ttl"`
}

// Log configures logging (to stderr).
type Log struct {
	Level  string `koanf:"level"`  // debug | info | warn | error
	Format string `koanf:"format"` // text | json
}

// Source returns the named source.
func (c *Config) Source(name string) (*Source, bool) {
	for i := range c.Sources {
		if c.Sources[i].Name == name {
			return &c.Sources[i], true
		}
	}
	return nil, false
}

// Destination returns the named destination.
func (c *Config) Destination(name string) (*Destination, bool) {
	for i := range c.Destinations {
		if c.Destinations[i].Name == name {
			return &c.Destinations[i], true
		}
	}
	return nil, false
}

// Campaign returns the named campaign.
func (c *Config) Campaign(name string) (*Campaign, bool) {
	for i := range c.Campaigns {
		if c.Campaigns[i].Name == name {
			return &c.Campaigns[i], true
		}
	}
	return nil, false
}

// UsesSandbox reports whether a base_url selects the sandbox under this configuration.
func (c *Config) UsesSandbox(baseURL string) bool {
	return baseURL == Sandbox || (baseURL == "" && c.Dev)
}

// AnySandbox reports whether any connector uses the sandbox.
func (c *Config) AnySandbox() bool {
	for _, s := range c.Sources {
		if s.Spec.Sandbox != "" && c.UsesSandbox(s.BaseURL) {
			return true
		}
	}
	for _, d := range c.Destinations {
		if d.Spec.Sandbox != "" && c.UsesSandbox(d.BaseURL) {
			return true
		}
	}
	return false
}

// CustomerSource names the source whose customer ids an analytics source's rows carry: its
// customer_source, else the first CRM source configured ("" when there is none).
func (c *Config) CustomerSource(analytics string) string {
	if s, ok := c.Source(analytics); ok {
		if ek, ok := s.Settings.(connectors.EngagementKeys); ok && ek.CustomerSource() != "" {
			return ek.CustomerSource()
		}
	}
	for _, s := range c.Sources {
		if s.Spec.Role == connectors.RoleCRM {
			return s.Name
		}
	}
	return ""
}

// DestinationSegments is the membership a refresh maintains in a destination: its own segments
// plus the segments of every campaign that targets it, so a refresh keeps (and later removes) what
// a campaign added instead of undoing it.
func (c *Config) DestinationSegments(destination string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(segs []string) {
		for _, s := range segs {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	if d, ok := c.Destination(destination); ok {
		add(d.Segments)
	}
	for _, cp := range c.Campaigns {
		for _, d := range cp.Destinations {
			if d == destination {
				add(cp.Segments)
			}
		}
	}
	return out
}

// Approval holds back big removals: a destination run that would remove more than
// MaxRemoveFraction of its audience, or more than MaxRemoves members, waits for an operator's
// decision (adds go ahead); no decision within Timeout removes nobody.
type Approval struct {
	MaxRemoveFraction float64       `koanf:"max_remove_fraction"`
	MaxRemoves        int           `koanf:"max_removes"`
	Timeout           time.Duration `koanf:"timeout"`
}

// Serve is `starter serve`: the web console and HTTP API.
type Serve struct {
	Listen string       `koanf:"listen"`
	Tokens []ServeToken `koanf:"tokens"`
	// TemporalUI is the Temporal UI base URL runs link to (default: the dev server's UI).
	TemporalUI string `koanf:"temporal_ui"`
}

// ServeToken is one bearer token of the console and API; the token itself is in TokenEnv.
type ServeToken struct {
	Name     string `koanf:"name"`
	Role     string `koanf:"role"` // viewer | operator
	TokenEnv string `koanf:"token_env"`
}

// Metrics is where the worker serves Prometheus /metrics (empty: not served).
type Metrics struct {
	Listen string `koanf:"listen"`
}

// Token returns the secret of a serve token (from the environment the configuration was loaded with).
func (c *Config) Token(t ServeToken) string {
	if c.getenv == nil || t.TokenEnv == "" {
		return ""
	}
	return c.getenv(t.TokenEnv)
}
