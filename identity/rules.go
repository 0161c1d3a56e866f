// rules.go derives the default blocking rules from the compared fields and the data: it
// estimates, on a sample, how many pairs each single field and each pair of fields would
// produce, keeps the affordable ones, and picks greedily the rules that keep a true match
// findable when any one, two or three of its fields disagree.
package identity

import (
	"math/rand/v2"
	"slices"
	"strings"
)

const (
	maxDerivedRules = 6
	ruleSample      = 100_000
	minKeptShare    = 0.9 // a rule must keep this share of its keyed rows in blocks under the cap
)

// candidateRule is a rule under consideration with its estimated cost.
type candidateRule struct {
	fields []int // indexes into d.comparedFields
	rule   blockingRule
	pairs  float64 // estimated candidate pairs over the whole data
}

// deriveRules picks the default blocking rules for the dataset.
func deriveRules(d *dataset, capSize int) []blockingRule {
	nf := len(d.comparedFields)
	if nf == 0 {
		return nil
	}
	n := d.n()
	sample := sampleRows(n, ruleSample)
	budget := max(2*float64(n), 20_000)

	var cands []candidateRule
	keyOf := func(fi int) blockKey {
		f := d.comparedFields[fi]
		return blockKey{path: f.path, transform: defaultTransform(f.kind)}
	}
	consider := func(fields ...int) {
		r := blockingRule{}
		var names []string
		for _, fi := range fields {
			k := keyOf(fi)
			r.keys = append(r.keys, k)
			names = append(names, k.path)
		}
		r.text = strings.Join(names, "+")
		pairs, kept := estimatePairs(d, r, sample, capSize)
		if pairs <= budget && kept >= minKeptShare {
			cands = append(cands, candidateRule{fields: fields, rule: r, pairs: pairs})
		}
	}
	for i := range nf {
		consider(i)
	}
	for i := range nf {
		for j := i + 1; j < nf; j++ {
			if !slices.ContainsFunc(cands, func(c candidateRule) bool {
				return len(c.fields) == 1 && (c.fields[0] == i || c.fields[0] == j)
			}) {
				consider(i, j)
			}
		}
	}

	// Scenarios: sets of fields whose keys disagree in a true match. A rule finds the match
	// when it uses none of them. Fewer disagreeing fields are likelier, so weigh more.
	type scenario struct {
		fields  []int
		weight  float64
		covered bool
	}
	scenarios := []scenario{{weight: 8}}
	for i := range nf {
		scenarios = append(scenarios, scenario{fields: []int{i}, weight: 4})
		for j := i + 1; j < nf; j++ {
			scenarios = append(scenarios, scenario{fields: []int{i, j}, weight: 2})
			for k := j + 1; k < nf; k++ {
				scenarios = append(scenarios, scenario{fields: []int{i, j, k}, weight: 1})
			}
		}
	}
	disjoint := func(a, b []int) bool {
		for _, x := range a {
			if slices.Contains(b, x) {
				return false
			}
		}
		return true
	}
	var chosen []blockingRule
	used := make([]bool, len(cands))
	for len(chosen) < maxDerivedRules {
		best, bestGain := -1, 0.0
		for ci, c := range cands {
			if used[ci] {
				continue
			}
			gain := 0.0
			for _, s := range scenarios {
				if !s.covered && disjoint(c.fields, s.fields) {
					gain += s.weight
				}
			}
			if gain > bestGain || gain == bestGain && gain > 0 && c.pairs < cands[best].pairs {
				best, bestGain = ci, gain
			}
		}
		if best < 0 {
			break
		}
		used[best] = true
		chosen = append(chosen, cands[best].rule)
		for si := range scenarios {
			if disjoint(cands[best].fields, scenarios[si].fields) {
				scenarios[si].covered = true
			}
		}
	}
	return chosen
}

// sampleRows returns up to k distinct rows, deterministically.
func sampleRows(n, k int) []int32 {
	if n <= k {
		rows := make([]int32, n)
		for i := range rows {
			rows[i] = int32(i)
		}
		return rows
	}
	rng := rand.New(rand.NewPCG(0x5eed, uint64(n)))
	perm := rng.Perm(n)[:k]
	rows := make([]int32, k)
	for i, p := range perm {
		rows[i] = int32(p)
	}
	slices.Sort(rows)
	return rows
}

// estimatePairs estimates, from the sample rows, the pairs the rule would produce over the
// whole data and the share of keyed rows that fall in blocks under the cap.
func estimatePairs(d *dataset, r blockingRule, sample []int32, capSize int) (pairs, kept float64) {
	rk := d.newRuleKeyer(r)
	counts := make(map[uint64]int32, len(sample))
	for _, row := range sample {
		if h := rk.key(row); h != 0 {
			counts[h]++
		}
	}
	ratio := float64(d.n()) / float64(len(sample))
	var keyed, inCap float64
	for _, c := range counts {
		keyed += float64(c)
		if float64(c)*ratio > float64(capSize) {
			continue
		}
		inCap += float64(c)
		pairs += float64(c) * float64(c-1) / 2
	}
	if keyed == 0 {
		return 0, 0
	}
	return pairs * ratio * ratio, inCap / keyed
}
