// estimate.go estimates m and λ without labels: the candidate pairs are summarized as a
// histogram of comparison patterns, one EM session runs per blocking rule with the
// comparisons that rule blocks on left out, and the sessions are pooled.
package identity

import (
	"math"
	"slices"
)

// histKey is a comparison pattern with the set of rules and keys its pair agrees on.
type histKey struct {
	levels uint64
	rules  uint16 // bit r: the pair shares a key under rule r
	keys   uint16 // bit k: the pair shares blocking key k (see blockKeysOf)
}

// blockKeysOf lists the distinct keys of the rules (at most 16 are tracked).
func blockKeysOf(rules []blockingRule) []blockKey {
	var keys []blockKey
	for _, r := range rules {
		for _, k := range r.keys {
			if !slices.Contains(keys, k) && len(keys) < 16 {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// histogram counts the comparison patterns of the candidate pairs (a strided sample when
// there are many), each count scaled back to the whole.
func histogram(d *dataset, bi *blockIndex, cands []candidate) map[histKey]float64 {
	keys := blockKeysOf(bi.rules)
	keyIDs := make([][]uint32, len(keys))
	for i, k := range keys {
		keyIDs[i] = d.keyIDs(k)
	}
	stride := max(1, (len(cands)+histMaxPairs-1)/histMaxPairs)
	const chunks = 16
	parts := make([]map[histKey]float64, chunks)
	parallelRange(len(cands), chunks, func(c, lo, hi int) {
		h := map[histKey]float64{}
		for i := lo - lo%stride; i < hi; i += stride {
			if i < lo {
				continue
			}
			p := cands[i]
			hk := histKey{levels: p.levels, rules: uint16(bi.ruleMask(p.a, p.b))}
			for ki, ids := range keyIDs {
				if id := ids[p.a]; id != 0 && id == ids[p.b] {
					hk.keys |= 1 << ki
				}
			}
			h[hk] += float64(stride)
		}
		parts[c] = h
	})
	total := parts[0]
	for _, h := range parts[1:] {
		for k, v := range h {
			total[k] += v
		}
	}
	return total
}

// sessionResult is what one EM session contributes.
type sessionResult struct {
	Session
	excluded []bool      // comparison -> left out (it holds a field of the rule)
	shared   bool        // the rule blocks only on fields a household shares
	m        [][]float64 // comparison -> level -> m
	weight   []float64   // comparison -> expected matches where it is present
	keyAgree []float64   // key -> posterior-weighted agreement among matches
	keyTotal []float64
}

// estimateModel estimates u, then m and λ by EM sessions over the candidate pairs, in three
// phases: one session per blocking rule (runSession), m pooled per comparison over the trusted
// sessions (fieldModels), and λ from each session's matches over its rule's recall
// (estimateLambda).
func estimateModel(d *dataset, bi *blockIndex, cands []candidate) Model {
	us := estimateU(d)
	hist := histogram(d, bi, cands)
	keys := blockKeysOf(bi.rules)
	results := make([]sessionResult, len(bi.rules))
	for ri := range bi.rules {
		results[ri] = runSession(d, bi, ri, hist, us, keys)
	}
	model := Model{Records: d.n(), Fields: fieldModels(d, results, us)}
	for _, r := range bi.rules {
		model.Blocking = append(model.Blocking, r.text)
	}
	model.Lambda = estimateLambda(d, bi, results, keys)
	for _, r := range results {
		model.Sessions = append(model.Sessions, r.Session)
	}
	return model
}

// runSession runs EM over the candidate pairs blocking rule ri finds, with the comparisons the
// rule blocks on left out (they agree by construction there).
func runSession(d *dataset, bi *blockIndex, ri int, hist map[histKey]float64, us [][]float64, keys []blockKey) sessionResult {
	r := bi.rules[ri]
	nc := len(d.compare)
	res := sessionResult{Session: Session{Rule: r.text}, excluded: make([]bool, nc)}
	for ci, c := range d.compare {
		for _, m := range c.members {
			if slices.ContainsFunc(r.keys, func(k blockKey) bool { return k.path == m.path }) {
				res.excluded[ci] = true
			}
		}
	}
	res.shared = !slices.ContainsFunc(r.keys, func(k blockKey) bool { return !householdField(k.path) })
	var pats []histKey
	var counts []float64
	var pairs float64
	for hk, c := range hist {
		if hk.rules&(1<<ri) != 0 {
			pats = append(pats, hk)
			counts = append(counts, c)
			pairs += c
		}
	}
	sortPatterns(pats, counts)
	res.Pairs = int64(pairs)
	if pairs < 20 || !slices.Contains(res.excluded, false) {
		return res
	}
	ms, lambda, iters, gamma := runEM(pats, counts, us, res.excluded)
	res.m, res.Lambda, res.Iterations = ms, lambda, iters
	res.Matches = lambda * pairs
	// A session is trusted when its match class agrees more than chance on the active comparisons.
	score := 0.0
	for ci := range nc {
		if !res.excluded[ci] && d.compare[ci].kind != KindOrder {
			top := len(us[ci]) - 1
			score += math.Log2(ms[ci][top] / us[ci][top])
		}
	}
	res.Used = score > 0 && res.Matches >= 1
	res.weight = make([]float64, nc)
	for ci := range nc {
		for pi, hk := range pats {
			if !res.excluded[ci] && level(hk.levels, ci) != levelNull {
				res.weight[ci] += gamma[pi] * counts[pi]
			}
		}
	}
	res.keyAgree, res.keyTotal = make([]float64, len(keys)), make([]float64, len(keys))
	for ki, k := range keys {
		if slices.ContainsFunc(r.keys, func(rk blockKey) bool { return rk.path == k.path }) {
			continue
		}
		for pi, hk := range pats {
			g := gamma[pi] * counts[pi]
			res.keyTotal[ki] += g
			if hk.keys&(1<<ki) != 0 {
				res.keyAgree[ki] += g
			}
		}
	}
	return res
}

// preferredSessions lists the trusted sessions passing ok, preferring those not blocked on fields
// a household shares when there are any.
func preferredSessions(results []sessionResult, ok func(sessionResult) bool) []int {
	var clean, all []int
	for i, r := range results {
		if r.Used && ok(r) {
			all = append(all, i)
			if !r.shared {
				clean = append(clean, i)
			}
		}
	}
	if len(clean) > 0 {
		return clean
	}
	return all
}

// fieldModels pools each comparison's m over the sessions that estimate it (weighted by their
// expected matches) and pairs it with u into per-level weights.
func fieldModels(d *dataset, results []sessionResult, us [][]float64) []FieldModel {
	var out []FieldModel
	for ci, c := range d.compare {
		m := priorM(len(c.labels))
		var total float64
		sum := make([]float64, len(m))
		for _, i := range preferredSessions(results, func(r sessionResult) bool { return !r.excluded[ci] && r.weight[ci] > 0 }) {
			r := results[i]
			for l := range m {
				sum[l] += r.weight[ci] * r.m[ci][l]
			}
			total += r.weight[ci]
		}
		if total > 0 {
			for l := range m {
				m[l] = sum[l] / total
			}
		}
		fm := FieldModel{Path: c.name, Kind: c.kind, Levels: make([]LevelModel, len(c.labels))}
		if c.kind == KindAddress || c.kind == KindOrder {
			for _, mem := range c.members {
				fm.Members = append(fm.Members, mem.path)
			}
		}
		for l, label := range c.labels {
			lm := LevelModel{Label: label}
			if l != int(levelNull) {
				lm.M, lm.U = max(m[l], minProb), max(us[ci][l], minProb)
				lm.Weight = clampWeight(math.Log2(lm.M / lm.U))
			}
			fm.Levels[l] = lm
		}
		if c.kind == KindOrder {
			capSwapped(&fm)
		}
		out = append(out, fm)
	}
	return out
}

// estimateLambda estimates the prior λ: the number of matches over all pairs, each session's
// matches divided by its rule's recall (how often matches agree on the rule's keys, pooled over
// the sessions not blocking on the key's field). It sets each used session's Recall.
func estimateLambda(d *dataset, bi *blockIndex, results []sessionResult, keys []blockKey) float64 {
	keyRecall := make([]float64, len(keys))
	for ki := range keys {
		var agree, total float64
		for _, i := range preferredSessions(results, func(r sessionResult) bool { return r.keyTotal != nil && r.keyTotal[ki] > 0 }) {
			agree += results[i].keyAgree[ki]
			total += results[i].keyTotal[ki]
		}
		keyRecall[ki] = 0.9
		if total > 0 {
			keyRecall[ki] = max(agree/total, 0.01)
		}
	}
	var estimate, weight, floor float64
	for _, i := range preferredSessions(results, func(sessionResult) bool { return true }) {
		r := &results[i]
		r.Recall = 1
		for _, k := range bi.rules[i].keys {
			if ki := slices.Index(keys, k); ki >= 0 {
				r.Recall *= keyRecall[ki]
			}
		}
		estimate += r.Matches * (r.Matches / r.Recall)
		weight += r.Matches
		floor = max(floor, r.Matches)
	}
	n := float64(d.n())
	allPairs := max(n*(n-1)/2, 1)
	matches := 0.1 * n // no usable session: assume one record in ten has a duplicate
	if weight > 0 {
		matches = max(estimate/weight, floor)
	}
	return min(max(matches/allPairs, 1e-15), 0.5)
}

// householdField reports whether people living together commonly share the field.
func householdField(path string) bool { return isAddressField(path) || path == FieldLastName }
