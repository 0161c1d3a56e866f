// This file holds Load: the koanf layering of defaults, YAML file, environment and flags.
package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/cdpflow/cdpflow/consent"
)

// DefaultFile is read from the working directory when no --config is given and it exists.
const DefaultFile = "cdpflow.yaml"

// EnvPrefix prefixes configuration environment variables.
const EnvPrefix = "CDPFLOW_"

// LoadOptions says where configuration comes from.
type LoadOptions struct {
	// File is the YAML file (--config). Empty means cdpflow.yaml if present.
	File string
	// Flags are command-line overrides as dotted keys ("temporal.address" -> "host:7233").
	Flags map[string]string
	// Dev marks a `starter dev` run (connectors without base_url use the sandbox).
	Dev bool
	// Environ defaults to os.Environ (tests pass their own). It is read for CDPFLOW_ keys and,
	// when Secrets is set, for the secrets the *_env keys name.
	Environ []string
	// Secrets checks that every secret variable a non-sandbox connector names is set: for the
	// processes that call vendors (worker, dev). Commands that only talk to Temporal or the store
	// need no vendor secret.
	Secrets bool
}

// topLevel lists the sections environment variables may set; other CDPFLOW_ variables are ignored.
var topLevel = map[string]bool{"temporal": true, "store": true, "cleanse": true, "identity": true, "consent": true, "sandbox": true, "log": true,
	"privacy": true, "retention": true, "approval": true, "serve": true, "metrics": true}

// Load layers the configuration, decodes it strictly (unknown keys are errors) and validates it.
func Load(opts LoadOptions) (*Config, error) {
	k := koanf.New(".")
	if err := k.Load(confmap.Provider(Defaults(), "."), nil); err != nil {
		return nil, fmt.Errorf("config: load defaults: %w", err)
	}
	path := opts.File
	if path == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			path = DefaultFile
		}
	}
	if path != "" {
		fk := koanf.New(".")
		if err := fk.Load(file.Provider(path), yaml.Parser()); err != nil {
			return nil, fmt.Errorf("config: read %s: %w (fix the YAML, or pass another file with --config)", path, err)
		}
		// A file describing its own setup (any of the four connected lists) starts from empty lists
		// for all four, so it never inherits the demo ones; other lists in the file replace the
		// defaults' whole; maps merge key by key.
		setup := []string{"sources", "destinations", "segments", "campaigns"}
		for _, key := range setup {
			if fk.Exists(key) {
				for _, l := range setup {
					k.Delete(l)
				}
				break
			}
		}
		for _, key := range []string{"schedules", "identity.exact", "identity.compare"} {
			if fk.Exists(key) {
				k.Delete(key)
			}
		}
		if err := k.Merge(fk); err != nil {
			return nil, fmt.Errorf("config: merge %s: %w", path, err)
		}
	}
	// The environment is parsed here rather than with koanf's env provider so that tests can pass
	// their own and so that only the known sections are read.
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	envMap := map[string]any{}
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		key := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(name, EnvPrefix), "__", "."))
		if section, _, _ := strings.Cut(key, "."); !topLevel[section] || !strings.Contains(key, ".") {
			continue
		}
		envMap[key] = val
	}
	if err := k.Load(confmap.Provider(envMap, "."), nil); err != nil {
		return nil, fmt.Errorf("config: load environment: %w", err)
	}
	for key, val := range opts.Flags {
		if err := k.Set(key, val); err != nil {
			return nil, fmt.Errorf("config: flag %s: %w", key, err)
		}
	}

	var cfg Config
	dc := &mapstructure.DecoderConfig{
		TagName:          "koanf",
		Result:           &cfg,
		ErrorUnused:      true,
		WeaklyTypedInput: true,
		DecodeHook:       mapstructure.ComposeDecodeHookFunc(daysHook, mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(","), mapstructure.TextUnmarshallerHookFunc()),
	}
	if err := k.UnmarshalWithConf("", &cfg, koanf.UnmarshalConf{Tag: "koanf", DecoderConfig: dc}); err != nil {
		return nil, fmt.Errorf("config%s: %w (check the key names against config/cdpflow.example.yaml)", where(path), err)
	}
	cfg.Dev = opts.Dev
	cfg.File = path
	cfg.getenv = lookup(environ)
	cfg.checkSecrets = opts.Secrets
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config%s: %w", where(path), err)
	}
	return &cfg, nil
}

// daysHook reads durations in days ("30d", as retention is written) besides Go's units.
func daysHook(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || to != reflect.TypeOf(time.Duration(0)) {
		return data, nil
	}
	if n, found := strings.CutSuffix(strings.TrimSpace(s), "d"); found {
		d, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a duration; use e.g. 30d, 12h or 90m", s)
		}
		return time.Duration(d * float64(24*time.Hour)), nil
	}
	return data, nil
}

// lookup returns a getenv over an environment listing.
func lookup(environ []string) func(string) string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(k string) string { return m[k] }
}

func where(path string) string {
	if path == "" {
		return ""
	}
	return " " + path
}

// applyDefaults fills per-item defaults that cannot live in the defaults map (list items). Vendor
// defaults are the spec's (Spec.Settings).
func (c *Config) applyDefaults() {
	for i := range c.Sources {
		if c.Sources[i].Lookback == 0 {
			c.Sources[i].Lookback = defaultLookback
		}
	}
	if c.Consent.Basis == "" {
		c.Consent.Basis = consent.OptIn
	}
}

// ErrInvalid wraps every validation failure.
var ErrInvalid = errors.New("invalid configuration")
