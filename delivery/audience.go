// audience.go holds Audience: the members a destination should hold, built from its segments'
// memberships and the profiles' golden records, leaving out those the consent policy does not let
// the destination's channel reach and those without an identifier the destination accepts.
package delivery

import (
	"context"
	"fmt"
	"sort"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/consent"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// AudienceStore is what building an audience reads.
type AudienceStore interface {
	store.Segments
	GetProfiles(ctx context.Context, ids []string) (map[string]store.Profile, error)
}

// Target describes the destination an audience is built for.
type Target struct {
	Name string
	Spec connectors.Spec
	// Segments whose members the destination holds (sorted into each member's Segments).
	Segments []string
	// Policy decides consent on the spec's channel; OptOuts is the opt-out index (nil: none).
	Policy  consent.Policy
	OptOuts consent.OptOuts
}

// Audience is a destination's desired members and the members left out, by reason.
type Audience struct {
	Members []Entry // sorted by profile id
	// SkippedNoConsent counts members the policy does not let the channel reach, SkippedOptedOut
	// those of them with an explicit opt-out.
	SkippedNoConsent    int
	SkippedOptedOut     int
	SkippedNoIdentifier int
}

// BuildAudience reads the target's segments and their members' golden records.
func BuildAudience(ctx context.Context, st AudienceStore, t Target) (Audience, error) {
	bySeg := map[string][]string{}
	for _, s := range t.Segments {
		ids, err := st.SegmentMembers(ctx, s)
		if err != nil {
			return Audience{}, fmt.Errorf("%s: read segment %s: %w", t.Name, s, err)
		}
		for _, id := range ids {
			bySeg[id] = append(bySeg[id], s)
		}
	}
	ids := make([]string, 0, len(bySeg))
	for id := range bySeg {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	profiles, err := st.GetProfiles(ctx, ids)
	if err != nil {
		return Audience{}, fmt.Errorf("%s: read profiles: %w", t.Name, err)
	}
	var a Audience
	for _, id := range ids {
		p, ok := profiles[id]
		if !ok {
			return Audience{}, fmt.Errorf("%s: segment member %s has no profile (segments are recomputed by the next refresh)", t.Name, id)
		}
		g := p.Golden
		switch t.Policy.Decide(consent.Person{Golden: g, Sources: p.Sources}, t.Spec.Channel, t.OptOuts) {
		case consent.ReasonOptedOut:
			a.SkippedOptedOut++
			a.SkippedNoConsent++
			continue
		case consent.ReasonNoConsent:
			a.SkippedNoConsent++
			continue
		}
		if !hasIdentifier(g, t.Spec) {
			a.SkippedNoIdentifier++
			continue
		}
		segs := bySeg[id]
		sort.Strings(segs)
		a.Members = append(a.Members, NewEntry(connectors.Member{ProfileID: id, Email: g.Email, Phone: g.Phone, FirstName: g.FirstName,
			LastName: g.LastName, BirthDate: g.BirthDate, Gender: g.Gender, Address: g.Address, Segments: segs,
			ConsentGranted: consent.Granted(g, t.Spec.Channel)}))
	}
	return a, nil
}

// hasIdentifier reports whether the golden record holds an identifier the destination accepts.
func hasIdentifier(c record.Customer, spec connectors.Spec) bool {
	return spec.Accepts(connectors.IdentifierEmail) && c.Email != "" || spec.Accepts(connectors.IdentifierPhone) && c.Phone != ""
}
