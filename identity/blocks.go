// blocks.go builds the blocks of the rules (rows sharing a key, blocks over the cap skipped:
// other rules cover their records) and enumerates their candidate pairs, each pair once.
package identity

import "slices"

// block is a run of rows sharing one key under one rule.
type block struct {
	rule  int
	rows  []int32 // ascending
	pairs int64
}

// blockIndex groups the rows of every rule into blocks. Keys of oversized blocks are
// cleared (set to 0) so that pair deduplication across rules stays exact.
type blockIndex struct {
	rules       []blockingRule
	keys        [][]uint64 // rule -> row -> key
	blocks      []block
	skipped     int // blocks over the cap
	skippedRows int
}

// buildBlocks groups the rows by key under each rule. With only set (an incremental run that
// compares only pairs with a changed row), it builds just the blocks of the keys some row of only
// holds: the others could give no pair to compare. Their sizes, and so which are over the cap,
// are those of the whole data.
func buildBlocks(d *dataset, rules []blockingRule, capSize int, only []bool) *blockIndex {
	bi := &blockIndex{rules: rules, keys: make([][]uint64, len(rules))}
	type entry struct {
		key uint64
		row int32
	}
	for ri, r := range rules {
		keys := d.ruleKeys(r)
		bi.keys[ri] = keys
		var want map[uint64]struct{}
		if only != nil {
			want = map[uint64]struct{}{}
			for row, k := range keys {
				if k != 0 && only[row] {
					want[k] = struct{}{}
				}
			}
		}
		entries := make([]entry, 0, len(keys))
		for row, k := range keys {
			if k == 0 {
				continue
			}
			if want != nil {
				if _, ok := want[k]; !ok {
					continue
				}
			}
			entries = append(entries, entry{k, int32(row)})
		}
		slices.SortFunc(entries, func(a, b entry) int {
			if a.key != b.key {
				if a.key < b.key {
					return -1
				}
				return 1
			}
			return int(a.row - b.row)
		})
		backing := make([]int32, 0, len(entries))
		for start := 0; start < len(entries); {
			end := start + 1
			for end < len(entries) && entries[end].key == entries[start].key {
				end++
			}
			size := end - start
			switch {
			case size > capSize:
				bi.skipped++
				bi.skippedRows += size
				for _, e := range entries[start:end] {
					keys[e.row] = 0
				}
			case size > 1:
				at := len(backing)
				for _, e := range entries[start:end] {
					backing = append(backing, e.row)
				}
				rows := backing[at:len(backing):len(backing)]
				bi.blocks = append(bi.blocks, block{rule: ri, rows: rows, pairs: int64(size) * int64(size-1) / 2})
			}
			start = end
		}
	}
	return bi
}

// firstRule returns the lowest rule under which rows a and b share a key, or -1.
func (bi *blockIndex) firstRule(a, b int32) int {
	for ri, keys := range bi.keys {
		if k := keys[a]; k != 0 && k == keys[b] {
			return ri
		}
	}
	return -1
}

// ruleMask returns the set of rules under which rows a and b share a key.
func (bi *blockIndex) ruleMask(a, b int32) uint32 {
	var m uint32
	for ri, keys := range bi.keys {
		if k := keys[a]; k != 0 && k == keys[b] {
			m |= 1 << ri
		}
	}
	return m
}

// forEachPair calls fn for every candidate pair of the blocks in [lo,hi): each pair once
// (under the first rule that groups it) and, when changed is not nil, only pairs with a
// changed row.
func (bi *blockIndex) forEachPair(lo, hi int, changed []bool, fn func(a, b int32)) {
	for _, bl := range bi.blocks[lo:hi] {
		for x, a := range bl.rows {
			for _, b := range bl.rows[x+1:] {
				if changed != nil && !changed[a] && !changed[b] {
					continue
				}
				if bi.firstRule(a, b) != bl.rule {
					continue
				}
				fn(a, b)
			}
		}
	}
}
