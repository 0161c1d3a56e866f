// pairs.go holds the comparison pass: every candidate pair of the blocks is compared field
// by field, in parallel, into a compact (rows, packed levels) form.
package identity

import "context"

// candidate is a compared pair: two rows and their packed comparison levels (4 bits/field).
type candidate struct {
	a, b   int32
	levels uint64
}

const pairChunks = 64

// comparePairs compares the candidate pairs of the blocks (only pairs with a changed row when
// changed is not nil). The order of the result does not depend on scheduling.
func comparePairs(ctx context.Context, d *dataset, bi *blockIndex, changed []bool) ([]candidate, error) {
	var total int64
	for _, bl := range bi.blocks {
		total += bl.pairs
	}
	// Cut the blocks into chunks of about equal pair counts.
	bounds := []int{0}
	var acc int64
	for i, bl := range bi.blocks {
		acc += bl.pairs
		if acc >= total/pairChunks && i+1 < len(bi.blocks) {
			bounds = append(bounds, i+1)
			acc = 0
		}
	}
	bounds = append(bounds, len(bi.blocks))
	out := make([][]candidate, len(bounds)-1)
	parallelChunks(len(out), func(c int) {
		if ctx.Err() != nil {
			return
		}
		var res []candidate
		bi.forEachPair(bounds[c], bounds[c+1], changed, func(a, b int32) {
			res = append(res, candidate{a: a, b: b, levels: packLevels(d, a, b)})
		})
		out[c] = res
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := 0
	for _, o := range out {
		n += len(o)
	}
	all := make([]candidate, 0, n)
	for i, o := range out {
		all = append(all, o...)
		out[i] = nil
	}
	return all, nil
}
