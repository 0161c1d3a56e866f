// mapping.go holds the mapping file of the offline `resolve --input FILE.csv` path: which
// column is the record id, which columns feed which canonical fields, and an optional
// `identity:` block overriding the configuration.
package identity

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Mapping maps CSV columns onto customer fields.
type Mapping struct {
	// ID is the column holding the record id.
	ID string `yaml:"id"`
	// Source names the records' source (default "csv").
	Source string `yaml:"source,omitempty"`
	// Fields maps a canonical field path to a column, e.g. first_name: given_name,
	// address.postcode: postcode, attributes.x: x.
	Fields map[string]string `yaml:"fields"`
	// Identity overrides keys of the configuration's identity block.
	Identity *ConfigOverride `yaml:"identity,omitempty"`
}

// LoadMapping reads and checks a mapping file.
func LoadMapping(path string) (Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Mapping{}, fmt.Errorf("mapping: %w", err)
	}
	m, err := ParseMapping(data)
	if err != nil {
		return Mapping{}, fmt.Errorf("mapping %s: %w", path, err)
	}
	return m, nil
}

// ParseMapping parses and checks a mapping; unknown keys are errors.
func ParseMapping(data []byte) (Mapping, error) {
	var m Mapping
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return Mapping{}, fmt.Errorf("parsing YAML: %w", err)
	}
	return m, m.Validate()
}

// Validate checks the mapping; errors name the key and the fix.
func (m Mapping) Validate() error {
	var errs []error
	if m.ID == "" {
		errs = append(errs, errors.New("id: missing: name the column holding the record id, e.g. id: customer_id"))
	}
	if len(m.Fields) == 0 {
		errs = append(errs, errors.New("fields: empty: map canonical fields to columns, e.g. first_name: given_name"))
	}
	for _, f := range slices.Sorted(maps.Keys(m.Fields)) {
		if !ValidField(f) {
			errs = append(errs, fmt.Errorf("fields.%s: %v", f, unknownFieldError(f)))
		}
		if m.Fields[f] == "" {
			errs = append(errs, fmt.Errorf("fields.%s: no column: name the CSV column to read", f))
		}
	}
	if err := m.Config(DefaultConfig()).Validate(); err != nil && m.Identity != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Config applies the mapping's identity override (if any) to base.
func (m Mapping) Config(base Config) Config {
	if m.Identity == nil {
		return base
	}
	return m.Identity.Apply(base)
}

// source is the records' source name.
func (m Mapping) source() string {
	if m.Source == "" {
		return "csv"
	}
	return m.Source
}
