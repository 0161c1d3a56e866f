// swap.go holds swapped-field handling. People's first and last names get entered the wrong
// way round ("fitzpatrick lucy"), and address lines get swapped ("flat 3" in line 1 one time,
// line 2 the next). For names the pair is read crosswise when that agrees better: the name
// comparisons take their crosswise levels, and a name_order comparison records that the pair
// was read swapped, with its own weight (m estimated like any level; u from the value
// frequencies, see orderU). Address lines are compared crosswise inside the address
// composite. Blocking rules on both names key on the two names in either order.
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
const minSwapLevel = nameJW92

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

// orderU is u of the name_order levels. Between different people the crosswise name levels
// are scored as if they were in their own columns, but a first name equals a random last name
// less often than a random first name: u of the swapped reading is that correction, from the
// value frequencies (crosswise exact agreement over in-order exact agreement), at most 1.
// u of the in-order reading is 1: it adds nothing against chance.
func orderU(nl int, first, last *fieldData) []float64 {
	u := make([]float64, nl)
	u[orderInOrder] = 1
	u[orderSwapped] = min(max(crossRatio(first, last), minProb), 1)
	return u
}

// crossRatio is P(a's first name = b's last name and a's last name = b's first name) over
// P(same first names and same last names) for two records drawn at random.
func crossRatio(first, last *fieldData) float64 {
	nf, nl := float64(first.nonNull()), float64(last.nonNull())
	if nf < 2 || nl < 2 {
		return 1
	}
	lastCount := make(map[string]uint32, len(last.dict))
	for id := 1; id < len(last.dict); id++ {
		lastCount[last.dict[id]] = last.counts[id]
	}
	var shared float64
	for id := 1; id < len(first.dict); id++ {
		if c, ok := lastCount[first.dict[id]]; ok {
			shared += float64(first.counts[id]) * float64(c)
		}
	}
	cross := shared / (nf * nl) // one crosswise name agrees
	same := first.uExact() * last.uExact()
	if same <= 0 {
		return 1
	}
	return cross * cross / same
}

// capSwapped keeps the swapped reading from weighing more than the in-order one: u of the
// swapped level is raised to m(swapped)/m(in order) when the frequencies made it smaller.
// Being written the wrong way round is never better evidence than being written right.
func capSwapped(fm *FieldModel) {
	sw, in := &fm.Levels[orderSwapped], &fm.Levels[orderInOrder]
	if sw.Weight > in.Weight {
		sw.U = sw.M / in.M * in.U
		sw.Weight = in.Weight
	}
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
