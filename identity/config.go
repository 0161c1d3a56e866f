// config.go holds the identity configuration block (the contract with the config file),
// its defaults, its validation, and the partial override a CSV mapping file may carry.
package identity

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Config is the `identity:` block of the configuration. Users declare fields, never weights:
// comparison levels, m/u probabilities and blocking rules are derived from the data.
type Config struct {
	// Exact lists the strong identifiers: records with the same non-empty value are linked
	// deterministically.
	Exact []string `yaml:"exact" json:"exact" koanf:"exact"`
	// Compare lists the fields compared probabilistically (Fellegi-Sunter). An entry is a
	// field path, optionally followed by ":kind" to choose the comparator (name, text, date,
	// code, category, email); the kind is inferred from the field otherwise.
	Compare []string `yaml:"compare" json:"compare" koanf:"compare"`
	// Threshold is the match probability a compared pair needs to be linked, or auto (the
	// default): chosen in each full run from the model's estimated precision/recall curve.
	Threshold Threshold `yaml:"threshold" json:"threshold" koanf:"threshold"`
	// TargetPrecision is the estimated precision an automatic threshold must keep
	// (default 0.998); among those, the threshold with the best estimated F1 is chosen.
	TargetPrecision float64 `yaml:"target_precision,omitempty" json:"target_precision,omitempty" koanf:"target_precision"`
	// Limits is merge protection: a cluster breaking a limit is split at its weakest links.
	Limits Limits `yaml:"limits" json:"limits" koanf:"limits"`
	// Blocking lists blocking rules; empty derives them from Compare and the data.
	// A rule joins keys with "+", a key is a field path with an optional ":transform"
	// (exact, soundex, initial, prefixN, date), e.g. "last_name:soundex+birth_date".
	Blocking []string `yaml:"blocking,omitempty" json:"blocking,omitempty" koanf:"blocking"`
	// MaxBlockSize caps a block: larger blocks are skipped (other rules cover their records).
	MaxBlockSize int `yaml:"max_block_size,omitempty" json:"max_block_size,omitempty" koanf:"max_block_size"`
	// Survivorship chooses, per field path (or "address" for the address as a whole,
	// "attributes" for all attributes, "default" for the rest), how the golden record picks
	// its value: recent, priority, complete or frequent.
	Survivorship map[string]string `yaml:"survivorship,omitempty" json:"survivorship,omitempty" koanf:"survivorship"`
	// SourcePriority ranks sources, most trusted first, for the "priority" rule. When set,
	// "priority" is the default rule.
	SourcePriority []string `yaml:"source_priority,omitempty" json:"source_priority,omitempty" koanf:"source_priority"`
	// Link declares how sources relate to each other.
	Link SourceLinks `yaml:"link,omitempty" json:"link,omitempty" koanf:"link"`
}

// SourceLinks declares how sources relate.
type SourceLinks struct {
	// OneToOne lists sources that each hold a person at most once (a CRM and a POS export,
	// two files to link). A profile holds at most one record of each listed source, so
	// clustering assigns each record its best match instead of chaining records of one
	// source together through another.
	OneToOne []string `yaml:"one_to_one,omitempty" json:"one_to_one,omitempty" koanf:"one_to_one"`
	// Threshold is the match probability a pair from two different one-to-one sources needs
	// (default 0.5, DefaultLinkThreshold). It can be lower than identity.threshold because
	// such a record joins only its best match: a weaker candidate cannot chain two people.
	Threshold float64 `yaml:"threshold,omitempty" json:"threshold,omitempty" koanf:"threshold"`
}

// DefaultLinkThreshold is Link.Threshold's default.
const DefaultLinkThreshold = 0.5

// Limits bounds what one profile may hold.
type Limits struct {
	// MaxEmailsPerProfile is the most distinct emails a profile may hold; 0 means no limit.
	MaxEmailsPerProfile int `yaml:"max_emails_per_profile" json:"max_emails_per_profile" koanf:"max_emails_per_profile"`
	// MaxPhonesPerProfile is the most distinct phones a profile may hold; 0 means no limit.
	MaxPhonesPerProfile int `yaml:"max_phones_per_profile,omitempty" json:"max_phones_per_profile,omitempty" koanf:"max_phones_per_profile"`
	// MaxRecordsPerProfile is the most records a profile may hold; 0 means no limit.
	MaxRecordsPerProfile int `yaml:"max_records_per_profile,omitempty" json:"max_records_per_profile,omitempty" koanf:"max_records_per_profile"`
	// Unique lists fields a profile may hold one distinct value of (conflicting strong
	// identifiers, e.g. attributes.national_id).
	Unique []string `yaml:"unique,omitempty" json:"unique,omitempty" koanf:"unique"`
}

// Survivorship rules.
const (
	RuleRecent   = "recent"   // the most recently updated record with a value
	RulePriority = "priority" // the most trusted source (SourcePriority), then the most recent
	RuleComplete = "complete" // the longest value (for "address": the fullest address), then the most recent
	RuleFrequent = "frequent" // the value most records agree on, then the most recent
)

// DefaultMaxBlockSize is the block cap used when Config.MaxBlockSize is 0.
const DefaultMaxBlockSize = 500

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Exact:     []string{FieldEmail, FieldPhone},
		Compare:   []string{FieldFirstName, FieldLastName, FieldBirthDate, FieldAddressLine1, FieldAddressCity, FieldAddressPostcode},
		Threshold: ThresholdAuto,
		Limits:    Limits{MaxEmailsPerProfile: 3},
		Link:      SourceLinks{Threshold: DefaultLinkThreshold},
	}
}

// Validate reports every problem of the configuration; each error names its key and the fix.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("identity.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	for i, f := range c.Exact {
		if !ValidField(f) {
			add(fmt.Sprintf("exact[%d]", i), "unknown field %q: use one of %s or attributes.<name>", f, strings.Join(Fields, ", "))
		}
	}
	seen := map[string]bool{}
	var paths []string
	for i, entry := range c.Compare {
		path, kind, err := parseCompareEntry(entry)
		if err != nil {
			add(fmt.Sprintf("compare[%d]", i), "%v", err)
			continue
		}
		_ = kind
		paths = append(paths, path)
		if seen[path] {
			add(fmt.Sprintf("compare[%d]", i), "field %q is listed twice: remove one", path)
		}
		seen[path] = true
	}
	if n := countComparisons(paths); n > maxComparisons {
		add("compare", "%d comparisons (the address fields count as one), at most %d are supported: remove some fields", n, maxComparisons)
	}
	if len(c.Exact) == 0 && len(c.Compare) == 0 {
		add("compare", "nothing to resolve on: list fields in identity.compare or identity.exact")
	}
	if !c.Threshold.Auto() && !(c.Threshold > 0 && c.Threshold < 1) {
		add("threshold", "%v is not a probability strictly between 0 and 1: use e.g. 0.95, or auto", float64(c.Threshold))
	}
	if c.TargetPrecision != 0 && !(c.TargetPrecision >= 0.5 && c.TargetPrecision < 1) {
		add("target_precision", "%v is not a precision between 0.5 and 1: use e.g. 0.998", c.TargetPrecision)
	}
	if c.Link.Threshold != 0 && !(c.Link.Threshold > 0 && c.Link.Threshold < 1) {
		add("link.threshold", "%v is not a probability strictly between 0 and 1: use e.g. 0.5", c.Link.Threshold)
	}
	oneToOne := map[string]bool{}
	for i, s := range c.Link.OneToOne {
		switch {
		case strings.TrimSpace(s) == "":
			add(fmt.Sprintf("link.one_to_one[%d]", i), "empty source name: name a configured source, e.g. crm")
		case oneToOne[s]:
			add(fmt.Sprintf("link.one_to_one[%d]", i), "source %q is listed twice: remove one", s)
		}
		oneToOne[s] = true
	}
	if c.Limits.MaxEmailsPerProfile < 0 {
		add("limits.max_emails_per_profile", "%d is negative: use 0 for no limit", c.Limits.MaxEmailsPerProfile)
	}
	if c.Limits.MaxPhonesPerProfile < 0 {
		add("limits.max_phones_per_profile", "%d is negative: use 0 for no limit", c.Limits.MaxPhonesPerProfile)
	}
	if c.Limits.MaxRecordsPerProfile < 0 {
		add("limits.max_records_per_profile", "%d is negative: use 0 for no limit", c.Limits.MaxRecordsPerProfile)
	}
	for i, f := range c.Limits.Unique {
		if !ValidField(f) {
			add(fmt.Sprintf("limits.unique[%d]", i), "unknown field %q: use a field path such as attributes.national_id", f)
		}
	}
	if len(c.Blocking) > maxRules {
		add("blocking", "%d rules, at most %d are supported: combine or drop some", len(c.Blocking), maxRules)
	}
	for i, rule := range c.Blocking {
		if _, err := parseBlockingRule(rule); err != nil {
			add(fmt.Sprintf("blocking[%d]", i), "%v", err)
		}
	}
	if c.MaxBlockSize < 0 || c.MaxBlockSize == 1 {
		add("max_block_size", "%d cannot hold a pair: use 0 for the default (%d) or a size of 2 or more", c.MaxBlockSize, DefaultMaxBlockSize)
	}
	for _, field := range slices.Sorted(maps.Keys(c.Survivorship)) {
		rule := c.Survivorship[field]
		if field != "default" && field != "address" && field != "attributes" && !ValidField(field) {
			add("survivorship."+field, "unknown field: use a field path, \"address\", \"attributes\" or \"default\"")
		}
		switch rule {
		case RuleRecent, RulePriority, RuleComplete, RuleFrequent:
		default:
			add("survivorship."+field, "unknown rule %q: use recent, priority, complete or frequent", rule)
		}
		if rule == RulePriority && len(c.SourcePriority) == 0 {
			add("survivorship."+field, "rule priority needs identity.source_priority: list the sources, most trusted first")
		}
	}
	return errors.Join(errs...)
}

// maxBlockSize returns the effective block cap.
func (c Config) maxBlockSize() int {
	if c.MaxBlockSize == 0 {
		return DefaultMaxBlockSize
	}
	return c.MaxBlockSize
}

// ConfigOverride is a partial Config: set fields replace the base's (a mapping file's
// `identity:` block uses it, with the same keys as the config's identity block).
type ConfigOverride struct {
	Exact           *[]string         `yaml:"exact" json:"exact,omitempty"`
	Compare         *[]string         `yaml:"compare" json:"compare,omitempty"`
	Threshold       *Threshold        `yaml:"threshold" json:"threshold,omitempty"`
	TargetPrecision *float64          `yaml:"target_precision" json:"target_precision,omitempty"`
	Limits          *LimitsOverride   `yaml:"limits" json:"limits,omitempty"`
	Blocking        *[]string         `yaml:"blocking" json:"blocking,omitempty"`
	MaxBlockSize    *int              `yaml:"max_block_size" json:"max_block_size,omitempty"`
	Survivorship    map[string]string `yaml:"survivorship" json:"survivorship,omitempty"`
	SourcePriority  *[]string         `yaml:"source_priority" json:"source_priority,omitempty"`
	Link            *LinkOverride     `yaml:"link" json:"link,omitempty"`
}

// LinkOverride is a partial Link.
type LinkOverride struct {
	OneToOne  *[]string `yaml:"one_to_one" json:"one_to_one,omitempty"`
	Threshold *float64  `yaml:"threshold" json:"threshold,omitempty"`
}

// LimitsOverride is a partial Limits.
type LimitsOverride struct {
	MaxEmailsPerProfile  *int      `yaml:"max_emails_per_profile" json:"max_emails_per_profile,omitempty"`
	MaxPhonesPerProfile  *int      `yaml:"max_phones_per_profile" json:"max_phones_per_profile,omitempty"`
	MaxRecordsPerProfile *int      `yaml:"max_records_per_profile" json:"max_records_per_profile,omitempty"`
	Unique               *[]string `yaml:"unique" json:"unique,omitempty"`
}

// Apply returns base with the override's set fields replacing base's (survivorship entries
// are merged key by key).
func (o ConfigOverride) Apply(base Config) Config {
	c := base
	setSlice(&c.Exact, o.Exact)
	setSlice(&c.Compare, o.Compare)
	setSlice(&c.Blocking, o.Blocking)
	setSlice(&c.SourcePriority, o.SourcePriority)
	if o.Link != nil {
		setSlice(&c.Link.OneToOne, o.Link.OneToOne)
		if o.Link.Threshold != nil {
			c.Link.Threshold = *o.Link.Threshold
		}
	}
	if o.Threshold != nil {
		c.Threshold = *o.Threshold
	}
	if o.TargetPrecision != nil {
		c.TargetPrecision = *o.TargetPrecision
	}
	if o.MaxBlockSize != nil {
		c.MaxBlockSize = *o.MaxBlockSize
	}
	if l := o.Limits; l != nil {
		if l.MaxEmailsPerProfile != nil {
			c.Limits.MaxEmailsPerProfile = *l.MaxEmailsPerProfile
		}
		if l.MaxPhonesPerProfile != nil {
			c.Limits.MaxPhonesPerProfile = *l.MaxPhonesPerProfile
		}
		if l.MaxRecordsPerProfile != nil {
			c.Limits.MaxRecordsPerProfile = *l.MaxRecordsPerProfile
		}
		setSlice(&c.Limits.Unique, l.Unique)
	}
	if len(o.Survivorship) > 0 {
		c.Survivorship = maps.Clone(base.Survivorship)
		if c.Survivorship == nil {
			c.Survivorship = map[string]string{}
		}
		maps.Copy(c.Survivorship, o.Survivorship)
	}
	return c
}

func setSlice(dst *[]string, src *[]string) {
	if src != nil {
		*dst = slices.Clone(*src)
	}
}
