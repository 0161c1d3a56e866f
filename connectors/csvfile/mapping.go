// This file holds the column mapping: loading it from YAML (unknown keys are errors) and setting
// canonical fields by path.
package csvfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cdpflow/cdpflow/redact"

	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
)

// Mapping says which CSV column feeds which canonical field. The csv source and the offline
// `starter resolve` command read files through the same mapping. In YAML:
//
//	id: customer_id            # the column holding the record's id
//	source: crm_export         # optional: the source name when the config gives none
//	fields:                    # canonical field path: column
//	  email: email
//	  first_name: given_name
//	  address.postcode: postcode
//	  consent.email: newsletter
//	  attributes.tier: loyalty_tier
//	  full_name: name          # when the file has one name column (used if first/last are empty)
//	identity: {...}            # optional: keys of the identity block that apply to this file
//
// Unknown keys are errors.
type Mapping struct {
	ID       string                   `yaml:"id"`
	Source   string                   `yaml:"source,omitempty"`
	Fields   map[string]string        `yaml:"fields"`
	Identity *identity.ConfigOverride `yaml:"identity,omitempty"`
}

// LoadMapping reads and validates a mapping file.
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

// ParseMapping parses and validates a mapping; unknown keys are errors.
func ParseMapping(data []byte) (Mapping, error) {
	var m Mapping
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return Mapping{}, fmt.Errorf("parsing YAML: %w (keys: id, source, fields, identity)", err)
	}
	return m, m.Validate()
}

// Validate checks the id column, every field path, and the identity block against the default
// identity configuration; every problem is reported, each naming its key.
func (m Mapping) Validate() error {
	var errs []error
	if strings.TrimSpace(m.ID) == "" {
		errs = append(errs, errors.New("id: name the column holding each record's id, e.g. id: customer_id"))
	}
	if len(m.Fields) == 0 {
		errs = append(errs, errors.New("fields: map at least one canonical field to a column, e.g. first_name: given_name"))
	}
	for _, key := range m.keys() {
		if err := checkPath(key); err != nil {
			errs = append(errs, fmt.Errorf("fields.%s: %w", key, err))
		}
		if strings.TrimSpace(m.Fields[key]) == "" {
			errs = append(errs, fmt.Errorf("fields.%s: no column named", key))
		}
	}
	if m.Identity != nil {
		if err := m.Config(identity.DefaultConfig()).Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Config applies the mapping's identity block (if any) to base. Without a compare list of its
// own, every field the mapping maps is compared too (identity.CompareMapped): a user who maps
// the street number and the second address line gets them used.
func (m Mapping) Config(base identity.Config) identity.Config {
	cfg := base
	if m.Identity != nil {
		cfg = m.Identity.Apply(base)
	}
	if m.Identity == nil || m.Identity.Compare == nil {
		cfg.Compare = identity.CompareMapped(cfg, m.keys())
	}
	return cfg
}

// keys returns the field paths in a stable order.
func (m Mapping) keys() []string {
	keys := make([]string, 0, len(m.Fields))
	for k := range m.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// inputPaths are the paths a file may map besides the record's string fields and attributes.
var inputPaths = []string{"created_at", "updated_at", "deleted", "consent.email", "consent.sms", FullName}

// FullName is the path of a column holding the whole name ("Dr. Ann Lee", "Lee, Ann"). It
// fills the first name when the row has no first or last name of its own; cleansing then
// splits off titles and suffixes and the last name (SplitName).
const FullName = "full_name"

// FieldPaths lists the valid canonical field paths, for messages and docs.
func FieldPaths() []string {
	return append(append(slices.Clone(record.Fields), inputPaths...), "attributes.<name>")
}

func checkPath(path string) error {
	switch {
	case slices.Contains(inputPaths, path):
		return nil
	case strings.HasPrefix(path, record.AttributesPrefix):
		if strings.TrimSpace(strings.TrimPrefix(path, record.AttributesPrefix)) == "" {
			return errors.New("attributes needs a name: attributes.<name>")
		}
		return nil
	case record.ValidField(path):
		return nil
	}
	return fmt.Errorf("unknown canonical field; valid fields are %s", strings.Join(FieldPaths(), ", "))
}

// Set writes value into the canonical field at path. An empty value leaves the field unset.
//
// Values are taken as received (cleansing normalizes them), except:
//   - created_at, updated_at: RFC 3339, "YYYY-MM-DD HH:MM[:SS]", "YYYY-MM-DDTHH:MM:SS" (no zone = UTC),
//     "YYYY-MM-DD", or Unix seconds / milliseconds;
//   - deleted: true/false, yes/no, y/n, 1/0;
//   - consent.email, consent.sms: a consent state (subscribed, not_subscribed, unsubscribed, pending,
//     redacted, unknown; spaces and dashes count as underscores) or a yes/no answer to "consents to
//     this channel": true/yes/y/1/opted_in → subscribed, false/no/n/0 → not_subscribed,
//     opted_out → unsubscribed;
//   - full_name: fills the first name when neither the first nor the last name is set.
func Set(c *record.Customer, path, value string) error {
	if err := checkPath(path); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if strings.TrimSpace(value) == "" {
		return nil
	}
	switch path {
	case "created_at", "updated_at":
		t, err := parseTime(value)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if path == "created_at" {
			c.CreatedAt = t
		} else {
			c.UpdatedAt = t
		}
	case FullName:
		if c.FirstName == "" && c.LastName == "" {
			c.FirstName = strings.Join(strings.Fields(value), " ")
		}
	case "deleted":
		b, ok := parseBool(value)
		if !ok {
			return fmt.Errorf("deleted: %s is not true/false, yes/no or 1/0", redact.Describe(value))
		}
		c.Deleted = b
	case "consent.email", "consent.sms":
		state, err := parseConsent(value)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if c.Consent == nil {
			c.Consent = map[record.Channel]record.Consent{}
		}
		ch := record.Channel(strings.TrimPrefix(path, "consent."))
		cons := c.Consent[ch]
		cons.State = state
		c.Consent[ch] = cons
	default:
		return c.SetField(path, value)
	}
	return nil
}

var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05",
	"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02",
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case len(s) == 10:
			return time.Unix(n, 0).UTC(), nil
		case len(s) == 13:
			return time.UnixMilli(n).UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%s is not a time (want RFC 3339, YYYY-MM-DD[ HH:MM[:SS]] or Unix seconds/milliseconds)", redact.Describe(s))
}

func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "t":
		return true, true
	case "false", "no", "n", "0", "f":
		return false, true
	}
	return false, false
}

func parseConsent(s string) (record.ConsentState, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.NewReplacer(" ", "_", "-", "_").Replace(v)
	switch record.ConsentState(v) {
	case record.ConsentSubscribed, record.ConsentNotSubscribed, record.ConsentUnsubscribed,
		record.ConsentPending, record.ConsentRedacted, record.ConsentUnknown:
		return record.ConsentState(v), nil
	}
	switch v {
	case "opted_in", "opt_in":
		return record.ConsentSubscribed, nil
	case "opted_out", "opt_out":
		return record.ConsentUnsubscribed, nil
	}
	if b, ok := parseBool(v); ok {
		if b {
			return record.ConsentSubscribed, nil
		}
		return record.ConsentNotSubscribed, nil
	}
	return "", fmt.Errorf("%s is no consent state (subscribed, not_subscribed, unsubscribed, pending, redacted, unknown) or yes/no", redact.Describe(s))
}
