// explain.go holds explanations: why the records of a profile were merged (each member's
// link, with the level and weight of every compared field), where each golden field came
// from, and which earlier profiles were absorbed; plus a plain-text renderer.
package identity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/record"
)

// Explanation is the evidence behind one profile.
type Explanation struct {
	Profile string             `json:"profile"`
	Members []record.RecordKey `json:"members"`
	Golden  record.Customer    `json:"golden"`
	Lineage []FieldSource      `json:"lineage"`
	Links   []ExplainedLink    `json:"links"`
	Merges  []Merge            `json:"merges,omitempty"`
	// PriorWeight is the match weight every pair starts from (log2 of the prior odds); a
	// link's match weight is PriorWeight plus its fields' weights.
	PriorWeight float64 `json:"prior_weight"`
}

// ExplainedLink is one member's link in words.
type ExplainedLink struct {
	Record      record.RecordKey `json:"record"`
	With        record.RecordKey `json:"with,omitzero"`
	Rule        string           `json:"rule"`
	MatchWeight float64          `json:"match_weight,omitempty"`
	Probability float64          `json:"probability,omitempty"`
	Fields      []ExplainedField `json:"fields,omitempty"`
}

// ExplainedField is one compared field of a link.
type ExplainedField struct {
	Field  string  `json:"field"`
	Level  string  `json:"level"`
	Weight float64 `json:"weight"`
	M      float64 `json:"m"`
	U      float64 `json:"u"`
}

// Explain returns the explanation of profile id in a result.
func Explain(res Result, id string) (Explanation, error) {
	i := slices.IndexFunc(res.Profiles, func(p Profile) bool { return p.ID == id })
	if i < 0 {
		return Explanation{}, fmt.Errorf("explain %s: no such profile", id)
	}
	var links []Link
	for _, l := range res.Links {
		if l.Profile == id {
			links = append(links, l)
		}
	}
	var merges []Merge
	for _, m := range res.Merges {
		if m.Into == id {
			merges = append(merges, m)
		}
	}
	return ExplainProfile(res.Model, res.Profiles[i], links, merges), nil
}

// ExplainProfile builds an explanation from stored parts: the model, the profile, the links
// of its members and the merges into it.
func ExplainProfile(model Model, p Profile, links []Link, merges []Merge) Explanation {
	e := Explanation{Profile: p.ID, Members: p.Members, Golden: p.Golden, Lineage: p.Lineage, Merges: merges}
	if model.Lambda > 0 && model.Lambda < 1 {
		e.PriorWeight = model.priorWeight()
	}
	for _, l := range links {
		e.Links = append(e.Links, ExplainedLink{
			Record: l.Record, With: l.Evidence.With, Rule: l.Evidence.Rule,
			MatchWeight: l.Evidence.MatchWeight, Probability: l.Evidence.Probability,
			Fields: ExplainFields(model, l.Evidence),
		})
	}
	slices.SortFunc(e.Links, func(a, b ExplainedLink) int { return compareKeys(a.Record, b.Record) })
	return e
}

// ExplainFields names the levels of an evidence's field comparisons.
func ExplainFields(model Model, ev Evidence) []ExplainedField {
	var out []ExplainedField
	for fi, fs := range ev.Fields {
		ef := ExplainedField{Level: fmt.Sprint(fs.Level), Weight: fs.Weight}
		if fi < len(model.Fields) {
			fm := model.Fields[fi]
			ef.Field = fm.Path
			if int(fs.Level) < len(fm.Levels) {
				lv := fm.Levels[fs.Level]
				ef.Level, ef.M, ef.U = lv.Label, lv.M, lv.U
			}
		}
		out = append(out, ef)
	}
	return out
}

// Text renders the explanation for a terminal.
func (e Explanation) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "profile %s: %d record(s)\n", e.Profile, len(e.Members))
	b.WriteString("\ngolden record:\n")
	for _, src := range e.Lineage {
		v, err := FieldValue(e.Golden, src.Field)
		if err != nil {
			v = "(" + src.Field + ")"
		}
		fmt.Fprintf(&b, "  %-18s %-30q from %s\n", src.Field, v, src.Record)
	}
	fmt.Fprintf(&b, "\nlinks (match weight = prior %.1f bits + field weights):\n", e.PriorWeight)
	for _, l := range e.Links {
		switch {
		case l.Rule == EvidenceAnchor:
			fmt.Fprintf(&b, "  %s: first record of the profile\n", l.Record)
			continue
		case l.Rule == EvidencePrior:
			fmt.Fprintf(&b, "  %s: kept with %s from an earlier run\n", l.Record, l.With)
			continue
		case strings.HasPrefix(l.Rule, "exact:"):
			fmt.Fprintf(&b, "  %s = %s: same %s (deterministic); match weight %.1f bits, probability %.4f\n",
				l.Record, l.With, strings.TrimPrefix(l.Rule, "exact:"), l.MatchWeight, l.Probability)
		default:
			fmt.Fprintf(&b, "  %s ~ %s: match weight %.1f bits, probability %.4f\n", l.Record, l.With, l.MatchWeight, l.Probability)
		}
		for _, f := range l.Fields {
			fmt.Fprintf(&b, "      %-18s %-22s %+6.2f\n", f.Field, f.Level, f.Weight)
		}
	}
	for _, m := range e.Merges {
		fmt.Fprintf(&b, "\nmerged profile %s into %s", m.From, m.Into)
		if m.Record != (record.RecordKey{}) {
			fmt.Fprintf(&b, ": %s linked to %s (%s, %.1f bits)", m.Record, m.Evidence.With, m.Evidence.Rule, m.Evidence.MatchWeight)
		}
		b.WriteString("\n")
	}
	return b.String()
}
