// This file holds the connector registry: every vendor package registers a Spec from init, and the
// configuration and the engine look connector types up here instead of switching on vendor names.
package connectors

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/cdpflow/cdpflow/record"
)

// Role says what kind of system a connector talks to.
type Role string

// Roles.
const (
	RoleCRM           Role = "crm"           // customer records of a CRM (HubSpot, Salesforce)
	RolePOS           Role = "pos"           // customers and orders of a shop or point of sale
	RoleAnalytics     Role = "analytics"     // behavioural metrics keyed by another source's customer ids
	RoleFile          Role = "file"          // a file export
	RoleEmail         Role = "email"         // a marketing email audience
	RoleTransactional Role = "transactional" // one message per member, never repeated
	RoleAds           Role = "ads"           // an advertising audience of hashed identifiers
)

// Identifier names a member field a destination can match or address people by.
type Identifier string

// Identifiers.
const (
	IdentifierEmail Identifier = "email"
	IdentifierPhone Identifier = "phone"
)

// Spec describes one connector type: what it is, what it accepts, its configuration section and
// its constructor. Exactly one of NewSource and NewDestination is set.
type Spec struct {
	// Type is the `type:` value in the configuration ("hubspot").
	Type string
	Role Role
	// Sandbox names the vendor imitation in package sandbox ("" when there is none, e.g. csv).
	Sandbox string
	// Kinds lists the record kinds a source produces, in extraction order.
	Kinds []record.Kind
	// Incremental reports whether a source can read only what changed since a watermark; a source
	// that cannot is read in full on every run.
	Incremental bool
	// Identifiers lists what a destination can address a member by; a member needs at least one.
	Identifiers []Identifier
	// Channel is the consent channel a destination's members need (email for email audiences and
	// transactional email, ads for ad platforms); it follows the type and cannot be switched off.
	Channel record.Channel
	// Settings returns the vendor's configuration section with its defaults filled in.
	Settings func() Settings
	// NewSource builds a source; NewDestination a destination.
	NewSource      func(Env) (Source, error)
	NewDestination func(Env) (Destination, error)
}

// IsSource reports whether the spec describes a source.
func (s Spec) IsSource() bool { return s.NewSource != nil }

// Accepts reports whether a destination can address a member by id.
func (s Spec) Accepts(id Identifier) bool { return slices.Contains(s.Identifiers, id) }

var (
	regMu    sync.RWMutex
	registry = map[string]Spec{}
)

// Register adds a connector type. It panics on a duplicate or incomplete spec (a programming
// error found at start-up).
func Register(s Spec) {
	regMu.Lock()
	defer regMu.Unlock()
	switch {
	case s.Type == "":
		panic("connectors: Register with an empty type")
	case (s.NewSource == nil) == (s.NewDestination == nil):
		panic(fmt.Sprintf("connectors: %s must set exactly one of NewSource and NewDestination", s.Type))
	case s.Settings == nil:
		panic(fmt.Sprintf("connectors: %s has no Settings", s.Type))
	case s.NewSource != nil && len(s.Kinds) == 0:
		panic(fmt.Sprintf("connectors: source %s lists no record kinds", s.Type))
	case s.NewDestination != nil && len(s.Identifiers) == 0:
		panic(fmt.Sprintf("connectors: destination %s lists no identifiers", s.Type))
	case s.NewDestination != nil && s.Channel == "":
		panic(fmt.Sprintf("connectors: destination %s names no consent channel", s.Type))
	}
	if _, dup := registry[s.Type]; dup {
		panic(fmt.Sprintf("connectors: %s registered twice", s.Type))
	}
	registry[s.Type] = s
}

// Lookup returns the spec of a connector type.
func Lookup(typ string) (Spec, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	s, ok := registry[typ]
	return s, ok
}

// Specs returns every registered spec, sources first, each group sorted by type.
func Specs() []Spec {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]Spec, 0, len(registry))
	for _, s := range registry {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].IsSource() != out[j].IsSource() {
			return out[i].IsSource()
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// Types lists the registered source types (sources true) or destination types, sorted.
func Types(sources bool) []string {
	var out []string
	for _, s := range Specs() {
		if s.IsSource() == sources {
			out = append(out, s.Type)
		}
	}
	return out
}
