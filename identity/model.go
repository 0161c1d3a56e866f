// model.go holds the Fellegi-Sunter model as plain data: per comparison and level the
// probability m of the level among matching pairs and u among non-matching pairs, the prior λ
// that two random records match, and the helpers that pack and read comparison levels.
// usample.go estimates u, estimate.go m and λ (em.go runs the EM itself).
package identity

import (
	"math"
	"slices"
)

// Model is the estimated Fellegi-Sunter model. It is plain data, stored with a run's result
// so that explain can show weights and incremental runs can reuse them.
type Model struct {
	Fields []FieldModel `json:"fields"`
	// Lambda is the prior probability that two records drawn at random match.
	Lambda float64 `json:"lambda"`
	// Records is the number of records Lambda was estimated on; reuse on a different number
	// rescales Lambda so that the expected matches per record stay the same.
	Records int `json:"records"`
	// Threshold is the match threshold the run used: identity.threshold, or the one chosen
	// from this model's curve (identity.threshold auto), which incremental runs reuse.
	Threshold float64 `json:"threshold,omitempty"`
	// ThresholdChosen says Threshold was chosen from the curve, not configured.
	ThresholdChosen bool `json:"threshold_chosen,omitempty"`
	// Blocking holds the blocking rules of the run.
	Blocking []string `json:"blocking"`
	// Sessions reports the EM sessions, one per blocking rule.
	Sessions []Session `json:"sessions,omitempty"`
}

// FieldModel is the model of one comparison: a compared field, or "address" for the
// address fields compared together (Members, most specific first).
type FieldModel struct {
	Path    string       `json:"path"`
	Kind    Kind         `json:"kind"`
	Members []string     `json:"members,omitempty"`
	Levels  []LevelModel `json:"levels"` // index = level number; level 0 (null) has weight 0
	// TermFrequency reports whether exact matches are adjusted by the frequency of the value.
	TermFrequency bool `json:"term_frequency,omitempty"`
}

// LevelModel is one comparison level of a field.
type LevelModel struct {
	Label  string  `json:"label"`
	M      float64 `json:"m"`
	U      float64 `json:"u"`
	Weight float64 `json:"weight"` // log2(M/U), the match weight in bits
}

// Session reports one EM session.
type Session struct {
	Rule       string  `json:"rule"`
	Pairs      int64   `json:"pairs"`
	Lambda     float64 `json:"lambda"`  // share of matches among the session's pairs
	Matches    float64 `json:"matches"` // expected matches among them
	Recall     float64 `json:"recall"`  // estimated share of all matches the rule finds (0: not used for λ)
	Iterations int     `json:"iterations"`
	Used       bool    `json:"used"` // the session converged on a plausible match class
}

const (
	uSampleRows  = 700 // u from all pairs of this many random rows (about 245,000 pairs)
	emMaxIter    = 200
	emTolerance  = 1e-6
	histMaxPairs = 4_000_000
	minProb      = 1e-9
	maxWeight    = 40.0
	mPseudoCount = 2.0
)

// probabilityFromWeight turns a total match weight (bits) into a match probability.
func probabilityFromWeight(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }

// priorWeight is the match weight of the prior λ.
func (m *Model) priorWeight() float64 { return math.Log2(m.Lambda / (1 - m.Lambda)) }

// compatible reports whether the model was estimated on the same compared fields.
func (m *Model) compatible(d *dataset) bool {
	if m == nil || len(m.Fields) != len(d.compare) || m.Lambda <= 0 || m.Lambda >= 1 {
		return false
	}
	for i, c := range d.compare {
		fm := m.Fields[i]
		if fm.Path != c.name || fm.Kind != c.kind || len(fm.Levels) != len(c.labels) {
			return false
		}
		for l, lv := range fm.Levels {
			if lv.Label != c.labels[l] {
				return false
			}
		}
	}
	return true
}

// SameLevels reports whether o has the same comparisons and levels as m, so that evidence
// recorded under one (level numbers per comparison) reads the same under the other.
func (m *Model) SameLevels(o *Model) bool {
	if m == nil || o == nil || len(m.Fields) != len(o.Fields) {
		return false
	}
	for i, f := range m.Fields {
		g := o.Fields[i]
		if f.Path != g.Path || f.Kind != g.Kind || len(f.Levels) != len(g.Levels) {
			return false
		}
		for l := range f.Levels {
			if f.Levels[l].Label != g.Levels[l].Label {
				return false
			}
		}
	}
	return true
}

// rescaled returns a copy of the model with λ adjusted to n records.
func (m *Model) rescaled(n int) Model {
	c := *m
	c.Fields = slices.Clone(m.Fields)
	if m.Records > 1 && n > 1 {
		c.Lambda = min(0.5, m.Lambda*float64(m.Records-1)/float64(n-1))
	}
	c.Records = n
	return c
}

// level extracts comparison c's level from packed levels.
func level(levels uint64, c int) uint8 { return uint8(levels>>(levelBits*c)) & (1<<levelBits - 1) }

// packLevels computes the packed levels of rows a and b.
func packLevels(d *dataset, a, b int32) uint64 {
	var levels uint64
	for ci, c := range d.compare {
		levels |= uint64(c.level(a, b)) << (levelBits * ci)
	}
	if d.swap != nil {
		levels = d.swap.adjust(levels, a, b)
	}
	return levels
}

func clampWeight(w float64) float64 { return max(-maxWeight, min(maxWeight, w)) }
