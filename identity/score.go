// score.go holds the scoring of compared pairs: the total match weight is the prior's weight
// plus each field's level weight (plus the term-frequency adjustment of exact matches), and the
// match probability follows from it. Pairs at or above the threshold become edges.
package identity

import "math"

// edge is a link between two rows with its strength (higher is stronger).
type edge struct {
	a, b     int32
	levels   uint64
	weight   float64 // total match weight in bits (prior included)
	kind     edgeKind
	strength float64 // ordering key for clustering: deterministic links first, then weight
	rule     string  // for exact edges: the identifier field
}

// edgeKind says why an edge exists.
type edgeKind uint8

const (
	edgeMatch edgeKind = iota // probabilistic match over the threshold
	edgeExact                 // shared strong identifier
	edgePrior                 // kept from an earlier run (incremental resolution)
)

// scorer computes match weights with a model.
type scorer struct {
	d      *dataset
	model  *Model
	tf     tfAdjust
	prior  float64
	levelW [][]float64
}

func newScorer(d *dataset, m *Model, tf tfAdjust) *scorer {
	s := &scorer{d: d, model: m, tf: tf, prior: m.priorWeight()}
	for _, f := range m.Fields {
		w := make([]float64, len(f.Levels))
		for l, lv := range f.Levels {
			w[l] = lv.Weight
		}
		s.levelW = append(s.levelW, w)
	}
	return s
}

// fieldWeight is field fi's weight for the pair at level l.
func (s *scorer) fieldWeight(fi int, l uint8, a int32) float64 {
	w := s.levelW[fi][l]
	if t := s.tf[fi][l]; t != nil {
		w += float64(t.adj[t.vals[a]])
	}
	return w
}

// weight is the total match weight of rows a and b with the given levels.
func (s *scorer) weight(a int32, levels uint64) float64 {
	w := s.prior
	for fi := range s.levelW {
		w += s.fieldWeight(fi, level(levels, fi), a)
	}
	return w
}

// thresholdWeight converts a probability threshold to a match weight.
func thresholdWeight(p float64) float64 { return math.Log2(p / (1 - p)) }

// matchEdges scores the candidates and keeps those at or above the threshold. A pair of
// records from two different one-to-one sources (oneToOne: row -> source id, 0 for none) needs
// linkThreshold instead (0: DefaultLinkThreshold): clustering gives each such record its best
// match only. weights are the candidates' match weights (s.weights).
func (s *scorer) matchEdges(cands []candidate, weights []float64, threshold, linkThreshold float64, oneToOne []uint32) []edge {
	tw := thresholdWeight(threshold)
	if linkThreshold == 0 {
		linkThreshold = DefaultLinkThreshold
	}
	lw := tw
	if oneToOne != nil {
		lw = thresholdWeight(linkThreshold)
	}
	need := func(p candidate) float64 {
		if lw == tw {
			return tw
		}
		if sa, sb := oneToOne[p.a], oneToOne[p.b]; sa != 0 && sb != 0 && sa != sb {
			return lw
		}
		return tw
	}
	const chunks = 32
	out := make([][]edge, chunks)
	parallelRange(len(cands), chunks, func(c, lo, hi int) {
		var res []edge
		for i, p := range cands[lo:hi] {
			if w := weights[lo+i]; w >= need(p) {
				res = append(res, edge{a: p.a, b: p.b, levels: p.levels, weight: w, kind: edgeMatch, strength: w})
			}
		}
		out[c] = res
	})
	var all []edge
	for _, o := range out {
		all = append(all, o...)
	}
	return all
}

// weights computes the candidates' match weights and their histogram.
func (s *scorer) weights(cands []candidate) ([]float64, *scoreTally) {
	const chunks = 32
	ws := make([]float64, len(cands))
	tallies := make([]*scoreTally, chunks)
	parallelRange(len(cands), chunks, func(c, lo, hi int) {
		t := new(scoreTally)
		for i, p := range cands[lo:hi] {
			w := s.weight(p.a, p.levels)
			ws[lo+i] = w
			t.add(w)
		}
		tallies[c] = t
	})
	total := new(scoreTally)
	for _, t := range tallies {
		if t != nil {
			total.merge(t)
		}
	}
	return ws, total
}
