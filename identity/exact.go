// exact.go holds deterministic links: records sharing a non-empty value of a strong
// identifier (identity.exact: normalized email, E.164 phone ...) are linked whatever their
// other fields say. Such links are stronger than any probabilistic match.
package identity

import (
	"slices"

	"github.com/cdpflow/cdpflow/record"
)

// sharedOn reports whether the record's value of path is shared with a different person of its
// source (record.Customer.Shared, set by cleansing). Such a value does not link the record
// deterministically; the record can still match on its other fields.
func sharedOn(c *record.Customer, path string) bool { return slices.Contains(c.Shared, path) }

// Edge strengths: links kept from earlier runs first, then strong identifiers, then matches
// by their weight (which is far below these bases).
const (
	strengthExact = 1e6
	strengthPrior = 2e6
)

// exactEdges links each row to the first row holding the same value of an exact field.
// Each edge also carries the pair's comparison, for explanation and ordering.
func exactEdges(d *dataset, exact []string, s *scorer) []edge {
	var edges []edge
	for _, path := range exact {
		f := d.field(path)
		first := make([]int32, len(f.dict))
		for i := range first {
			first[i] = -1
		}
		for row, v := range f.vals {
			if v == 0 || sharedOn(d.rows[row], path) {
				continue
			}
			if first[v] < 0 {
				first[v] = int32(row)
				continue
			}
			a, b := first[v], int32(row)
			levels := packLevels(d, a, b)
			w := s.weight(a, levels)
			edges = append(edges, edge{a: a, b: b, levels: levels, weight: w, kind: edgeExact, strength: strengthExact + w, rule: path})
		}
	}
	return edges
}
