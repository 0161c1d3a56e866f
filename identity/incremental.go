// incremental.go holds what incremental resolution adds to the pipeline: unchanged records
// keep their earlier profile through "prior" links (the strongest kind), so only pairs with
// a changed record need comparing; a changed record then joins, leaves or bridges profiles.
package identity

import "github.com/cdpflow/cdpflow/record"

// priorEdges links the unchanged rows of each earlier profile to the profile's first
// unchanged row.
func priorEdges(d *dataset, changed []bool, prior map[record.RecordKey]string) []edge {
	first := map[string]int32{}
	var edges []edge
	for row, k := range d.keys {
		if changed[row] {
			continue
		}
		p, ok := prior[k]
		if !ok {
			continue
		}
		a, seen := first[p]
		if !seen {
			first[p] = int32(row)
			continue
		}
		edges = append(edges, edge{a: a, b: int32(row), kind: edgePrior, strength: strengthPrior})
	}
	return edges
}
