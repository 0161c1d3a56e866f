// usample.go estimates u, the probability of each comparison level among non-matching
// pairs: exact matches from the value frequencies (precise even for rare values), the other
// levels from all pairs of a random sample of records, which are overwhelmingly non-matches.
package identity

// estimateU returns u per comparison and level: exact matches from the value frequencies,
// the other levels from random pairs.
func estimateU(d *dataset) [][]float64 {
	n := d.n()
	us := make([][]float64, len(d.compare))
	if n < 2 {
		for ci, c := range d.compare {
			us[ci] = priorM(len(c.labels))
		}
		return us
	}
	// All pairs of a random sample of rows: random pairs whose data stays in the CPU caches.
	rows := sampleRows(n, uSampleRows)
	const chunks = 64                     // uneven work per chunk (row i pairs with the rows after it): many chunks
	counts := make([][][]float64, chunks) // chunk -> comparison -> level
	parallelRange(len(rows), chunks, func(ch, lo, hi int) {
		cc := make([][]float64, len(d.compare))
		for ci, c := range d.compare {
			cc[ci] = make([]float64, len(c.labels))
		}
		for i := lo; i < hi; i++ {
			a := rows[i]
			for _, b := range rows[i+1:] {
				levels := packLevels(d, a, b)
				for ci := range d.compare {
					cc[ci][level(levels, ci)]++
				}
			}
		}
		counts[ch] = cc
	})
	for ci, c := range d.compare {
		nl := len(c.labels)
		if c.kind == KindOrder {
			us[ci] = orderU(nl, c.members[0], c.members[1])
			continue
		}
		u := make([]float64, nl)
		// Exact matches: from the frequencies, precise even for rare values.
		var exactMass float64
		for l := 2; l < nl; l++ {
			if m := c.exactOf[l]; m >= 0 {
				if c.members[m].nonNull() < 2 {
					// A part no record holds (address.line1 in a file of cities): its exact
					// level never occurs, and must not take the probability of the others.
					u[l] = minProb
					continue
				}
				u[l] = c.members[m].uExact()
				exactMass += u[l]
			}
		}
		exactMass = min(exactMass, 0.99)
		// The other non-null levels: from the random pairs, with a pseudo-count each.
		tally := make([]float64, nl)
		for _, cc := range counts {
			if cc == nil {
				continue
			}
			for l := range nl {
				tally[l] += cc[ci][l]
			}
		}
		var rest float64
		for l := 1; l < nl; l++ {
			if l == 1 || c.exactOf[l] < 0 {
				rest += tally[l] + 1
			}
		}
		for l := 1; l < nl; l++ {
			if l == 1 || c.exactOf[l] < 0 {
				u[l] = max((tally[l]+1)/rest*(1-exactMass), minProb)
			}
		}
		us[ci] = u
	}
	return us
}

// priorM is the starting m of EM for a field with nl levels: most matches agree exactly.
func priorM(nl int) []float64 {
	m := make([]float64, nl)
	top := nl - 1
	m[levelElse] = 0.05
	m[top] = 0.8
	if mid := top - 1 - int(levelElse); mid > 0 {
		for l := int(levelElse) + 1; l < top; l++ {
			m[l] = 0.15 / float64(mid)
		}
	} else {
		m[top] = 0.95
	}
	return m
}
