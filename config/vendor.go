// This file decodes the vendor part of sources[] and destinations[] entries: the connector spec of
// the entry's type owns its keys, their defaults and their validation.
package config

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/go-viper/mapstructure/v2"

	"github.com/cdpflow/cdpflow/connectors"
)

// commonSourceKeys and commonDestinationKeys are the keys every entry has (config.Source and
// config.Destination fields); the rest belong to the vendor.
var (
	commonSourceKeys      = []string{"name", "type", "base_url", "rate_limit", "full", "lookback"}
	commonDestinationKeys = []string{"name", "type", "base_url", "segments", "rate_limit", "consent", "batch_size"}
)

// decodeSettings decodes an entry's vendor keys onto the spec's defaults. Unknown keys are
// reported with the keys the type does know.
func decodeSettings(key string, spec connectors.Spec, vendor map[string]any, common []string) (connectors.Settings, []string) {
	settings := spec.Settings()
	var md mapstructure.Metadata
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		TagName: "koanf", Result: settings, Metadata: &md, WeaklyTypedInput: true,
		DecodeHook: mapstructure.ComposeDecodeHookFunc(mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(",")),
	})
	if err != nil {
		return settings, []string{fmt.Sprintf("%s: %v", key, err)}
	}
	if err := dec.Decode(vendor); err != nil {
		return settings, []string{fmt.Sprintf("%s: %v (check the value's type against config/cdpflow.example.yaml)", key, err)}
	}
	var problems []string
	if len(md.Unused) > 0 {
		sort.Strings(md.Unused)
		known := append(slices.Clone(common), settingsKeys(settings)...)
		sort.Strings(known)
		for _, u := range md.Unused {
			problems = append(problems, fmt.Sprintf("%s.%s: unknown key for a %s %s; its keys are %s", key, u, spec.Type,
				kindWord(spec), strings.Join(known, ", ")))
		}
	}
	return settings, problems
}

func kindWord(s connectors.Spec) string {
	if s.IsSource() {
		return "source"
	}
	return "destination"
}

// settingsKeys lists the koanf keys of a settings struct.
func settingsKeys(s connectors.Settings) []string {
	t := reflect.TypeOf(s)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("koanf"), ",")
			switch {
			case strings.Contains(opts, "squash") && f.Type.Kind() == reflect.Struct:
				walk(f.Type)
			case name != "" && name != "-":
				out = append(out, name)
			}
		}
	}
	if t.Kind() == reflect.Struct {
		walk(t)
	}
	return out
}

// DecodeSettings decodes a vendor section (as a YAML entry's keys) onto the spec's defaults and
// validates it for a sandbox entry: how tests build a connector's Settings the way a
// configuration file does.
func DecodeSettings(key string, spec connectors.Spec, vendor map[string]any) (connectors.Settings, error) {
	settings, problems := decodeSettings(key, spec, vendor, nil)
	c := &connectors.Check{Key: key, Sandbox: true}
	settings.Validate(c)
	problems = append(problems, c.Problems...)
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w:\n  - %s", ErrInvalid, strings.Join(problems, "\n  - "))
	}
	return settings, nil
}
