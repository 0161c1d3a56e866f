// em.go runs expectation-maximisation on comparison patterns: with u fixed, it estimates m
// per comparison level and the share λ of matches among the patterns' pairs.
package identity

import (
	"math"
	"slices"
)

// sortPatterns orders patterns deterministically (map iteration order is random and the
// float sums of EM depend on the order).
func sortPatterns(pats []histKey, counts []float64) {
	idx := make([]int, len(pats))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		pa, pb := pats[a], pats[b]
		switch {
		case pa.levels != pb.levels:
			if pa.levels < pb.levels {
				return -1
			}
			return 1
		case pa.rules != pb.rules:
			return int(pa.rules) - int(pb.rules)
		}
		return int(pa.keys) - int(pb.keys)
	})
	p2, c2 := make([]histKey, len(pats)), make([]float64, len(pats))
	for i, j := range idx {
		p2[i], c2[i] = pats[j], counts[j]
	}
	copy(pats, p2)
	copy(counts, c2)
}

// runEM estimates m and λ on the patterns with u fixed, ignoring the excluded fields.
// It returns m per field and level, λ, the iterations run and each pattern's match posterior.
func runEM(pats []histKey, counts []float64, us [][]float64, excluded []bool) ([][]float64, float64, int, []float64) {
	nf := len(us)
	ms := make([][]float64, nf)
	for fi := range ms {
		ms[fi] = priorM(len(us[fi]))
	}
	lambda := 0.1
	gamma := make([]float64, len(pats))
	acc := make([][]float64, nf)
	for fi := range acc {
		acc[fi] = make([]float64, len(us[fi]))
	}
	iter := 0
	for iter = 1; iter <= emMaxIter; iter++ {
		// E step.
		logL, log1L := math.Log(lambda), math.Log(1-lambda)
		for pi, hk := range pats {
			lm, lu := logL, log1L
			for fi := range nf {
				if excluded[fi] {
					continue
				}
				if l := level(hk.levels, fi); l != levelNull {
					lm += math.Log(ms[fi][l])
					lu += math.Log(us[fi][l])
				}
			}
			gamma[pi] = 1 / (1 + math.Exp(lu-lm))
		}
		// M step.
		var matched, total float64
		for fi := range acc {
			clear(acc[fi])
		}
		for pi, hk := range pats {
			g := gamma[pi] * counts[pi]
			matched += g
			total += counts[pi]
			for fi := range nf {
				if l := level(hk.levels, fi); l != levelNull {
					acc[fi][l] += g
				}
			}
		}
		delta := math.Abs(matched/total - lambda)
		lambda = min(max(matched/total, 1e-9), 1-1e-9)
		for fi := range nf {
			if excluded[fi] {
				continue
			}
			// A few pseudo-matches spread like the prior keep a level that happens to be
			// absent from this data (e.g. transposed dates) from an extreme weight.
			prior := priorM(len(acc[fi]))
			var sum float64
			for l := 1; l < len(acc[fi]); l++ {
				sum += acc[fi][l] + mPseudoCount*prior[l]
			}
			for l := 1; l < len(acc[fi]); l++ {
				v := max((acc[fi][l]+mPseudoCount*prior[l])/sum, minProb)
				delta = max(delta, math.Abs(v-ms[fi][l]))
				ms[fi][l] = v
			}
		}
		if delta < emTolerance {
			break
		}
	}
	return ms, lambda, min(iter, emMaxIter), gamma
}
