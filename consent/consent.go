// Package consent decides whether a person may be reached on a channel. A destination's channel
// follows its type (email audiences and transactional email: email; ad platforms: ads) and cannot
// be switched off. The decision, in order:
//
//  1. An opt-out anywhere wins: a person whose email or phone carries an explicit opt-out for the
//     channel in any clean record (of any profile) is never reached on it.
//  2. The golden record's statement for the channel (identity already let an opt-out in any member
//     record win): unsubscribed or redacted means no; subscribed means yes. For ads, a recorded ads
//     statement decides; without one, email marketing consent stands in (an email opt-out is also
//     an ads opt-out).
//  3. Without a statement (or not_subscribed, pending, unknown), the consent basis decides:
//     opt_in (the default, GDPR: only an explicit subscription counts) says no, opt_out (CAN-SPAM,
//     most CCPA uses: reachable unless an opt-out is recorded) says yes. The basis comes from the
//     profile's country (by_country), else from its sources (by_source; when its records come from
//     sources with different bases, opt_in wins), else the default.
package consent

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/record"
)

// Basis says what silence means.
type Basis string

// Bases.
const (
	OptIn  Basis = "opt_in"
	OptOut Basis = "opt_out"
)

// Policy is the `consent:` block of the configuration.
type Policy struct {
	Basis     Basis            `koanf:"basis"`
	ByCountry map[string]Basis `koanf:"by_country"`
	BySource  map[string]Basis `koanf:"by_source"`
}

// Validate checks the block; knownSource reports whether a source name is configured.
func (p Policy) Validate(knownSource func(string) bool) []string {
	var errs []string
	check := func(key string, b Basis) {
		if b != OptIn && b != OptOut {
			errs = append(errs, fmt.Sprintf("%s: %q: use opt_in (only an explicit subscription counts) or opt_out (reachable unless an opt-out is recorded)", key, b))
		}
	}
	check("consent.basis", p.Basis)
	for _, c := range slices.Sorted(maps.Keys(p.ByCountry)) {
		if len(c) != 2 || strings.ToUpper(c) != c {
			errs = append(errs, fmt.Sprintf("consent.by_country.%s: not an ISO-3166 alpha-2 code in upper case (e.g. US)", c))
		}
		check("consent.by_country."+c, p.ByCountry[c])
	}
	for _, s := range slices.Sorted(maps.Keys(p.BySource)) {
		if knownSource != nil && !knownSource(s) {
			errs = append(errs, fmt.Sprintf("consent.by_source.%s: names no configured source", s))
		}
		check("consent.by_source."+s, p.BySource[s])
	}
	return errs
}

// Person is what a decision looks at: the golden record and the sources of the profile's records.
type Person struct {
	Golden  record.Customer
	Sources []string
}

// Reason says why a person may not be reached ("" when they may).
type Reason string

// Reasons.
const (
	Allowed         Reason = ""
	ReasonOptedOut  Reason = "opted_out"  // an explicit opt-out for the channel
	ReasonNoConsent Reason = "no_consent" // no subscription under an opt-in basis
)

// OptOuts tells whether an identifier carries an explicit opt-out on a channel anywhere.
type OptOuts interface {
	OptedOut(ch record.Channel, email, phone string) bool
}

// Decide returns whether the person may be reached on channel, and why not.
func (p Policy) Decide(person Person, ch record.Channel, optOuts OptOuts) Reason {
	g := person.Golden
	if optOuts != nil && (optOuts.OptedOut(ch, g.Email, g.Phone) || ch == record.ChannelAds && optOuts.OptedOut(record.ChannelEmail, g.Email, g.Phone)) {
		return ReasonOptedOut
	}
	state := g.Consent[ch].State
	if ch == record.ChannelAds {
		email := g.Consent[record.ChannelEmail].State
		if isOptOut(email) {
			return ReasonOptedOut
		}
		if state == "" {
			state = email
		}
	}
	switch {
	case isOptOut(state):
		return ReasonOptedOut
	case state == record.ConsentSubscribed:
		return Allowed
	}
	if p.basisFor(person) == OptOut {
		return Allowed
	}
	return ReasonNoConsent
}

// Granted reports whether the record holds an explicit subscription for the channel (for ads, the
// ads statement or else the email one): what an ad platform's consent field may call granted.
func Granted(g record.Customer, ch record.Channel) bool {
	state := g.Consent[ch].State
	if ch == record.ChannelAds && state == "" {
		state = g.Consent[record.ChannelEmail].State
	}
	return state == record.ConsentSubscribed
}

// isOptOut reports whether a state is an explicit opt-out.
func isOptOut(s record.ConsentState) bool {
	return s == record.ConsentUnsubscribed || s == record.ConsentRedacted
}

// IsOptOut reports whether a record's consent on a channel is an explicit opt-out.
func IsOptOut(c record.Customer, ch record.Channel) bool { return isOptOut(c.Consent[ch].State) }

func (p Policy) basisFor(person Person) Basis {
	if b, ok := p.ByCountry[person.Golden.Address.Country]; ok {
		return b
	}
	basis := Basis("")
	for _, s := range person.Sources {
		b, ok := p.BySource[s]
		if !ok {
			b = p.def()
		}
		if b == OptIn {
			return OptIn
		}
		basis = b
	}
	if basis == "" {
		return p.def()
	}
	return basis
}

func (p Policy) def() Basis {
	if p.Basis == "" {
		return OptIn
	}
	return p.Basis
}
