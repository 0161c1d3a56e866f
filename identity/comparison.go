// comparison.go holds comparisons: what the model scores. A compared field is one comparison;
// the address fields together are one composite comparison, because they are far from
// independent (the same street nearly implies the same city and postcode): the composite
// takes the most specific part that agrees, so one shared address counts once, and a move
// counts as one disagreement, not one per part.
package identity

import "slices"

// KindAddress is the kind of the composite address comparison.
const KindAddress Kind = "address"

// compositeAddress is the name of the composite comparison of the address fields.
const compositeAddress = "address"

const (
	levelBits      = 5 // bits per comparison in packed levels
	maxComparisons = 64 / levelBits
)

// comparison scores one aspect of a pair of records.
type comparison struct {
	name    string       // field path, or "address"
	kind    Kind         // the field's kind, or KindAddress
	members []*fieldData // one field, or the address parts, most specific first
	offset  []uint8      // member -> level of its first level above else
	labels  []string     // level -> label
	exactOf []int8       // level -> member whose exact match it is, or -1
	partner []int        // address member -> member compared crosswise (line1 <-> line2), -1 for none
}

// newComparison builds the comparison of one field or of several address parts.
func newComparison(fields []*fieldData) *comparison {
	if len(fields) == 1 {
		f := fields[0]
		labels := levelLabels[f.kind]
		c := &comparison{name: f.path, kind: f.kind, members: fields, offset: []uint8{2}, labels: labels}
		c.exactOf = make([]int8, len(labels))
		for l := range c.exactOf {
			c.exactOf[l] = -1
		}
		c.exactOf[len(labels)-1] = 0
		return c
	}
	members := slices.Clone(fields)
	slices.SortStableFunc(members, func(a, b *fieldData) int {
		ua, ub := a.uExact(), b.uExact()
		switch {
		case ua < ub:
			return -1
		case ua > ub:
			return 1
		}
		return 0
	})
	c := &comparison{name: compositeAddress, kind: KindAddress, members: members,
		offset: make([]uint8, len(members)), partner: swappedLines(members)}
	c.labels = []string{"null", "else"}
	c.exactOf = []int8{-1, -1}
	// The least specific part gets the lowest levels; the most specific part's exact match is top.
	for i := len(members) - 1; i >= 0; i-- {
		m := members[i]
		c.offset[i] = uint8(len(c.labels))
		ml := levelLabels[m.kind]
		for l := 2; l < len(ml); l++ {
			c.labels = append(c.labels, m.path+" "+ml[l])
			if l == len(ml)-1 {
				c.exactOf = append(c.exactOf, int8(i))
			} else {
				c.exactOf = append(c.exactOf, -1)
			}
		}
	}
	return c
}

// level returns the comparison level of rows a and b.
func (c *comparison) level(a, b int32) uint8 {
	if len(c.members) == 1 {
		return c.members[0].level(a, b)
	}
	if c.kind == KindOrder {
		return levelNull // set by nameSwap.adjust, which sees the name levels
	}
	present := false
	for i, m := range c.members {
		l := m.level(a, b)
		if p := c.partner[i]; p >= 0 {
			// Swapped lines: an exact crosswise match counts as this line's exact match.
			other := c.members[p]
			if top := uint8(len(levelLabels[m.kind]) - 1); l != top && (m.exactAgainst(other, a, b) || other.exactAgainst(m, a, b)) {
				l = top
			}
		}
		switch {
		case l == levelNull:
		case l == levelElse:
			present = true
		default:
			return c.offset[i] + l - 2
		}
	}
	if present {
		return levelElse
	}
	return levelNull
}

// uExact is the probability that two records with a value hold the same one, from the
// value frequencies.
func (f *fieldData) uExact() float64 {
	nn := float64(f.nonNull())
	if nn < 2 {
		return 1
	}
	var same float64
	for _, c := range f.counts[1:] {
		same += float64(c) * float64(c-1)
	}
	return max(same/(nn*(nn-1)), 1/(nn*nn))
}

// buildComparisons groups the compared fields: each its own comparison, except the address
// parts (two or more), which form one, placed where the first address field was listed.
// When both names are compared as names, name_order comes last (room permitting).
func buildComparisons(fields []*fieldData) []*comparison {
	var address []*fieldData
	for _, f := range fields {
		if isAddressField(f.path) {
			address = append(address, f)
		}
	}
	var out []*comparison
	for _, f := range fields {
		switch {
		case len(address) > 1 && isAddressField(f.path):
			if f == address[0] {
				out = append(out, newComparison(address))
			}
		default:
			out = append(out, newComparison([]*fieldData{f}))
		}
	}
	var first, last *fieldData
	for _, c := range out {
		if len(c.members) == 1 && c.kind == KindName {
			switch c.name {
			case FieldFirstName:
				first = c.members[0]
			case FieldLastName:
				last = c.members[0]
			}
		}
	}
	if first != nil && last != nil && len(out) < maxComparisons {
		out = append(out, newNameOrder(first, last))
	}
	return out
}

func isAddressField(path string) bool {
	return len(path) > len("address.") && path[:len("address.")] == "address."
}

// countComparisons is the number of comparisons the compared paths make.
func countComparisons(paths []string) int {
	n, address := 0, 0
	for _, p := range paths {
		if isAddressField(p) {
			address++
		} else {
			n++
		}
	}
	switch {
	case address == 1:
		n++
	case address > 1:
		n++
	}
	return n
}
