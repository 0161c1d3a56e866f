// swap.go holds swapped-field handling. People's first and last names get entered the wrong
// way round ("fitzpatrick lucy"), and address lines get swapped ("flat 3" in line 1 one time,
// line 2 the next). For names the pair is read crosswise when that agrees better: the name
// comparisons take their crosswise levels, and a name_order comparison records that the pair
// was read swapped, with its own weight (m estimated like any level; u is 1, because the
// crosswise name agreements already carry the evidence against chance). Address lines
// are compared crosswise inside the address composite. Blocking rules on both names key on
// the two names in either order.
package identity

// KindOrder is the kind of the name_order comparison.
const KindOrder Kind = "order"

// compositeNameOrder is the name of the comparison that says whether the names were read
// crosswise.
const compositeNameOrder = "name_order"

// Levels of the name_order comparison: the names agree better crosswise (swapped), or in
// their own columns (in order).
const (
	orderSwapped uint8 = 1
	orderInOrder uint8 = 2
)

var orderLabels = []string{"null", "swapped", "in order"}

// minSwapLevel is the level both crosswise name comparisons need for a swapped reading:
// Jaro-Winkler ≥ 0.92.
const minSwapLevel = 3

// nameSwap locates the comparisons a swapped reading changes.
type nameSwap struct {
	first, last *fieldData
	ciFirst     int
	ciLast      int
	ciOrder     int
}

// newNameOrder returns the name_order comparison when both names are compared as names.
func newNameOrder(first, last *fieldData) *comparison {
	return &comparison{name: compositeNameOrder, kind: KindOrder, members: []*fieldData{first, last},
		labels: orderLabels, exactOf: []int8{-1, -1, -1}}
}

// findNameSwap returns the swap handling of the dataset's comparisons, or nil.
func findNameSwap(cs []*comparison) *nameSwap {
	s := &nameSwap{ciFirst: -1, ciLast: -1, ciOrder: -1}
	for ci, c := range cs {
		switch {
		case c.kind == KindOrder:
			s.ciOrder = ci
		case len(c.members) == 1 && c.name == FieldFirstName:
			s.ciFirst, s.first = ci, c.members[0]
		case len(c.members) == 1 && c.name == FieldLastName:
			s.ciLast, s.last = ci, c.members[0]
		}
	}
	if s.ciFirst < 0 || s.ciLast < 0 || s.ciOrder < 0 {
		return nil
	}
	return s
}

// adjust rewrites packed levels for a pair whose names agree better crosswise, and sets the
// name_order level.
func (s *nameSwap) adjust(levels uint64, a, b int32) uint64 {
	lf, ll := level(levels, s.ciFirst), level(levels, s.ciLast)
	if lf == levelNull || ll == levelNull {
		return levels // name_order stays null: one side lacks a name
	}
	order := orderInOrder
	top := uint8(len(levelLabels[KindName]) - 1)
	if lf != top || ll != top {
		cf := s.first.levelAgainst(s.last, a, b)
		if cf >= minSwapLevel {
			if cl := s.last.levelAgainst(s.first, a, b); cl >= minSwapLevel && cf+cl > lf+ll {
				order = orderSwapped
				levels = setLevel(levels, s.ciFirst, cf)
				levels = setLevel(levels, s.ciLast, cl)
			}
		}
	}
	return setLevel(levels, s.ciOrder, order)
}

// setLevel replaces comparison c's level in packed levels.
func setLevel(levels uint64, c int, l uint8) uint64 {
	shift := levelBits * c
	return levels&^(uint64(1<<levelBits-1)<<shift) | uint64(l)<<shift
}

// levelAgainst compares row i's value of f with row j's value of g (another field), with f's
// comparator.
func (f *fieldData) levelAgainst(g *fieldData, i, j int32) uint8 {
	a, b := f.vals[i], g.vals[j]
	if a == 0 || b == 0 {
		return levelNull
	}
	va, vb := f.dict[a], g.dict[b]
	if va == vb {
		return uint8(len(levelLabels[f.kind]) - 1)
	}
	return compareValues(f.kind, va, vb, f.ascii[a] && g.ascii[b], date{}, date{})
}

// exactAgainst reports whether row i's value of f equals row j's value of g.
func (f *fieldData) exactAgainst(g *fieldData, i, j int32) bool {
	a, b := f.vals[i], g.vals[j]
	return a != 0 && b != 0 && f.dict[a] == g.dict[b]
}

// orderU is u of the name_order levels: the crosswise name levels already say how unlikely
// the agreement is between different people, so the reading itself adds no evidence
// against chance. Its weight is log2(m): how often a match is written swapped.
func orderU(nl int) []float64 {
	u := make([]float64, nl)
	for l := 1; l < nl; l++ {
		u[l] = 1
	}
	return u
}

// swappedLines returns, for the address composite, each member's partner for a crosswise
// comparison (line1 <-> line2), -1 for none.
func swappedLines(members []*fieldData) []int {
	partner := make([]int, len(members))
	l1, l2 := -1, -1
	for i, m := range members {
		partner[i] = -1
		switch m.path {
		case FieldAddressLine1:
			l1 = i
		case FieldAddressLine2:
			l2 = i
		}
	}
	if l1 >= 0 && l2 >= 0 {
		partner[l1], partner[l2] = l2, l1
	}
	return partner
}
