// curve.go holds the model's own estimate of precision and recall, without labels. Each
// compared pair's match probability is the model's belief that it is a match, so the sum of
// the probabilities of the pairs at or above a threshold estimates the true matches there, and
// the rest of those pairs the false ones; the model's λ over all pairs estimates every match,
// found by blocking or not (the approach Splink reports as its truth space from the model).
// The match-weight histogram of a full run's candidate pairs holds all the curve needs, and a
// threshold can be chosen from it: the one with the best estimated F1 whose estimated
// precision stays at or above a floor.
package identity

import "math"

// ScoreBinWidth is the width of a match-weight histogram bin, in bits.
const ScoreBinWidth = 0.25

// scoreBins covers -maxWeight*2 .. +maxWeight*2 bits (the prior and the fields add up).
const scoreBins = int(4 * maxWeight / ScoreBinWidth)

// ScoreHistogram is the distribution of the probabilistic match weights of a run's candidate
// pairs (deterministic links aside).
type ScoreHistogram struct {
	BinWidth float64    `json:"bin_width"` // bits
	Bins     []ScoreBin `json:"bins"`      // ascending, non-empty bins only
	// ExpectedMatches is the number of matches the model expects among all pairs of records,
	// candidates or not (λ × all pairs, at least the candidates' expected matches).
	ExpectedMatches float64 `json:"expected_matches"`
}

// ScoreBin is one histogram bin.
type ScoreBin struct {
	Weight  float64 `json:"weight"` // lower edge, bits
	Pairs   int64   `json:"pairs"`
	Matches float64 `json:"matches"` // the sum of the pairs' match probabilities
}

// CurvePoint is the estimated precision and recall at one threshold.
type CurvePoint struct {
	Threshold float64 `json:"threshold"` // match probability
	Weight    float64 `json:"weight"`    // the same threshold in bits
	Pairs     int64   `json:"pairs"`     // candidate pairs at or above it
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// scoreTally accumulates a histogram; one per scoring chunk, added up at the end.
type scoreTally struct {
	pairs   [scoreBins]int64
	matches [scoreBins]float64
}

func scoreBin(w float64) int {
	return min(max(int(math.Floor((w+2*maxWeight)/ScoreBinWidth)), 0), scoreBins-1)
}

func (t *scoreTally) add(w float64) {
	b := scoreBin(w)
	t.pairs[b]++
	t.matches[b] += probabilityFromWeight(w)
}

func (t *scoreTally) merge(o *scoreTally) {
	for b := range t.pairs {
		t.pairs[b] += o.pairs[b]
		t.matches[b] += o.matches[b]
	}
}

// histogram returns the tally as a ScoreHistogram with the model's expected matches over n records.
func (t *scoreTally) histogram(lambda float64, n int) ScoreHistogram {
	h := ScoreHistogram{BinWidth: ScoreBinWidth}
	var found float64
	for b := range t.pairs {
		if t.pairs[b] == 0 {
			continue
		}
		h.Bins = append(h.Bins, ScoreBin{Weight: float64(b)*ScoreBinWidth - 2*maxWeight, Pairs: t.pairs[b], Matches: t.matches[b]})
		found += t.matches[b]
	}
	all := float64(n) * float64(n-1) / 2
	h.ExpectedMatches = max(lambda*all, found)
	return h
}

// Curve returns the estimated precision and recall at every bin edge, lowest threshold first.
func (h ScoreHistogram) Curve() []CurvePoint {
	if len(h.Bins) == 0 || h.ExpectedMatches <= 0 {
		return nil
	}
	out := make([]CurvePoint, len(h.Bins))
	var pairs int64
	var matches float64
	for i := len(h.Bins) - 1; i >= 0; i-- {
		b := h.Bins[i]
		pairs += b.Pairs
		matches += b.Matches
		p := CurvePoint{Weight: b.Weight, Threshold: probabilityFromWeight(b.Weight), Pairs: pairs,
			Precision: matches / float64(pairs), Recall: min(matches/h.ExpectedMatches, 1)}
		if p.Precision+p.Recall > 0 {
			p.F1 = 2 * p.Precision * p.Recall / (p.Precision + p.Recall)
		}
		out[i] = p
	}
	return out
}

// At returns the estimate at a probability threshold: pairs whose weight reaches it.
func (h ScoreHistogram) At(threshold float64) CurvePoint {
	w := thresholdWeight(threshold)
	p := CurvePoint{Threshold: threshold, Weight: w}
	var matches float64
	for _, b := range h.Bins {
		// A bin counts when its lower edge reaches the threshold, or when the threshold falls
		// inside it (then its pairs are split pro rata, an approximation within one bin).
		switch {
		case b.Weight >= w:
			p.Pairs += b.Pairs
			matches += b.Matches
		case b.Weight+h.BinWidth > w:
			f := (b.Weight + h.BinWidth - w) / h.BinWidth
			p.Pairs += int64(math.Round(f * float64(b.Pairs)))
			matches += f * b.Matches
		}
	}
	if p.Pairs > 0 {
		p.Precision = min(matches/float64(p.Pairs), 1)
	}
	if h.ExpectedMatches > 0 {
		p.Recall = min(matches/h.ExpectedMatches, 1)
	}
	if p.Precision+p.Recall > 0 {
		p.F1 = 2 * p.Precision * p.Recall / (p.Precision + p.Recall)
	}
	return p
}

// ChooseThreshold returns the point of the curve with the best estimated F1 among those
// whose estimated precision is at least minPrecision, and false when none is.
func ChooseThreshold(curve []CurvePoint, minPrecision float64) (CurvePoint, bool) {
	var best CurvePoint
	ok := false
	for _, p := range curve {
		if p.Precision >= minPrecision && (!ok || p.F1 > best.F1) {
			best, ok = p, true
		}
	}
	return best, ok
}
