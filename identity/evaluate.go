// evaluate.go holds pairwise evaluation against known entities: how many of the record pairs a
// resolution put together are true pairs (precision) and how many true pairs it found (recall).
// Benchmarks and `starter resolve --truth` use it.
package identity

import "github.com/cdpflow/cdpflow/record"

// PairMetrics compares predicted profiles with true entities, pair by pair.
type PairMetrics struct {
	TruePairs int `json:"true_pairs"` // pairs of records of the same entity
	Predicted int `json:"predicted"`  // pairs of records in the same profile
	Correct   int `json:"correct"`    // predicted pairs that are true pairs
}

// Precision is Correct / Predicted.
func (m PairMetrics) Precision() float64 { return float64(m.Correct) / float64(max(m.Predicted, 1)) }

// Recall is Correct / TruePairs.
func (m PairMetrics) Recall() float64 { return float64(m.Correct) / float64(max(m.TruePairs, 1)) }

// F1 is the harmonic mean of precision and recall.
func (m PairMetrics) F1() float64 {
	p, r := m.Precision(), m.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// EvaluatePairs scores links against entity labels (record -> entity).
func EvaluatePairs(links []Link, entity func(record.RecordKey) string) PairMetrics {
	byProfile := map[string][]string{}
	byEntity := map[string]int{}
	for _, l := range links {
		e := entity(l.Record)
		byProfile[l.Profile] = append(byProfile[l.Profile], e)
		byEntity[e]++
	}
	var m PairMetrics
	for _, n := range byEntity {
		m.TruePairs += n * (n - 1) / 2
	}
	for _, ents := range byProfile {
		n := len(ents)
		m.Predicted += n * (n - 1) / 2
		same := map[string]int{}
		for _, e := range ents {
			same[e]++
		}
		for _, c := range same {
			m.Correct += c * (c - 1) / 2
		}
	}
	return m
}
