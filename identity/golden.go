// golden.go holds survivorship: the golden record of a profile takes each field from one
// member record, chosen by the field's rule (most recent, most trusted source, most complete,
// most frequent), and the lineage says which record gave each field. The address survives as
// a whole, so that a golden address is always one a source actually holds.
package identity

import (
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/record"
)

// FieldSource says which member record gave a golden field.
type FieldSource struct {
	Field  string           `json:"field"`
	Record record.RecordKey `json:"record"`
}

// survivor picks field values for golden records.
type survivor struct {
	cfg   Config
	rank  map[string]int // source -> priority (lower is more trusted)
	rules map[string]string
}

// scalarFields are the golden fields chosen one by one (the address goes as a whole).
var scalarFields = []string{FieldEmail, FieldPhone, FieldTitle, FieldFirstName, FieldLastName, FieldSuffix, FieldBirthDate, FieldGender}

var addressFields = []string{FieldAddressLine1, FieldAddressLine2, FieldAddressCity, FieldAddressRegion, FieldAddressPostcode, FieldAddressCountry}

func newSurvivor(cfg Config) *survivor {
	s := &survivor{cfg: cfg, rank: map[string]int{}, rules: map[string]string{}}
	for i, src := range cfg.SourcePriority {
		if _, ok := s.rank[src]; !ok {
			s.rank[src] = i
		}
	}
	for _, f := range append(slices.Clone(scalarFields), "address") {
		s.rules[f] = s.rule(f)
	}
	return s
}

// rule returns the survivorship rule of a field (or group "address", "attributes").
func (s *survivor) rule(field string) string {
	if r, ok := s.rules[field]; ok {
		return r
	}
	if r, ok := s.cfg.Survivorship[field]; ok {
		return r
	}
	if name, ok := strings.CutPrefix(field, attributesPrefix); ok && name != "" {
		if r, ok := s.cfg.Survivorship["attributes"]; ok {
			return r
		}
	}
	if r, ok := s.cfg.Survivorship["default"]; ok {
		return r
	}
	if len(s.cfg.SourcePriority) > 0 {
		return RulePriority
	}
	return RuleRecent
}

// sourceRank is a source's priority; unlisted sources come last.
func (s *survivor) sourceRank(src string) int {
	if r, ok := s.rank[src]; ok {
		return r
	}
	return len(s.rank)
}

// newer reports whether a is preferred to b by recency (ties broken by key).
func newer(a, b *record.Customer) bool {
	if !a.UpdatedAt.Equal(b.UpdatedAt) {
		return a.UpdatedAt.After(b.UpdatedAt)
	}
	return compareKeys(a.Key(), b.Key()) < 0
}

// candidateValue describes a field of the members for pick: value is "" when the member has
// none; size measures completeness.
type candidateValue struct {
	value func(*record.Customer) string
	size  func(*record.Customer) int
}

// pick returns the index of the member whose value wins under rule, or -1.
func (s *survivor) pick(rule string, members []*record.Customer, cv candidateValue) int {
	var freq map[string]int
	if rule == RuleFrequent {
		freq = map[string]int{}
		for _, m := range members {
			if v := cv.value(m); v != "" {
				freq[NormalizeText(v)]++
			}
		}
	}
	best := -1
	for i, m := range members {
		if cv.value(m) == "" {
			continue
		}
		if best < 0 || s.better(rule, m, members[best], cv, freq) {
			best = i
		}
	}
	return best
}

func (s *survivor) better(rule string, a, b *record.Customer, cv candidateValue, freq map[string]int) bool {
	switch rule {
	case RulePriority:
		if ra, rb := s.sourceRank(a.Source), s.sourceRank(b.Source); ra != rb {
			return ra < rb
		}
	case RuleComplete:
		if sa, sb := cv.size(a), cv.size(b); sa != sb {
			return sa > sb
		}
	case RuleFrequent:
		if fa, fb := freq[NormalizeText(cv.value(a))], freq[NormalizeText(cv.value(b))]; fa != fb {
			return fa > fb
		}
	}
	return newer(a, b)
}

var (
	scalarValues = func() map[string]candidateValue {
		m := map[string]candidateValue{}
		for _, f := range scalarFields {
			get := fieldGetter(f)
			m[f] = candidateValue{value: get, size: func(c *record.Customer) int { return len(get(c)) }}
		}
		return m
	}()
	addressValue = candidateValue{
		value: func(c *record.Customer) string {
			a := c.Address
			return a.Line1 + a.Line2 + a.City + a.Region + a.Postcode + a.Country
		},
		size: func(c *record.Customer) int {
			a, n := c.Address, 0
			for _, v := range [...]string{a.Line1, a.Line2, a.City, a.Region, a.Postcode, a.Country} {
				if v != "" {
					n++
				}
			}
			return n
		},
	}
)

// lineage collects the sources of the golden fields and lists them sorted by field.
type lineage struct {
	scalar  [8]record.RecordKey // by index in scalarFields
	has     [8]bool
	address record.RecordKey
	addr    bool
	attrs   []FieldSource // sorted by field
	consent []FieldSource // sorted by field
}

// sortedScalars lists the indexes of scalarFields in field order, split around the
// "attributes." and "consent." entries: before are the address fields, then attributes,
// then birth_date, then consent, then the rest.
var sortedScalars = func() []int {
	idx := make([]int, len(scalarFields))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(scalarFields[a], scalarFields[b]) })
	return idx
}()

var sortedAddress = func() []string { a := slices.Clone(addressFields); slices.Sort(a); return a }()

func (l *lineage) list(g *record.Customer) []FieldSource {
	n := len(l.attrs) + len(l.consent)
	for _, h := range l.has {
		if h {
			n++
		}
	}
	if l.addr {
		for _, p := range sortedAddress {
			if *fieldPtr(g, p) != "" {
				n++
			}
		}
	}
	out := make([]FieldSource, 0, n)
	if l.addr {
		for _, p := range sortedAddress {
			if *fieldPtr(g, p) != "" {
				out = append(out, FieldSource{p, l.address})
			}
		}
	}
	out = append(out, l.attrs...)
	for _, i := range sortedScalars {
		if scalarFields[i] > "consent." && len(l.consent) > 0 {
			out = append(out, l.consent...)
			l.consent = nil
		}
		if l.has[i] {
			out = append(out, FieldSource{scalarFields[i], l.scalar[i]})
		}
	}
	return append(out, l.consent...)
}

// golden builds the golden record of a profile and its lineage (sorted by field).
func (s *survivor) golden(id string, members []*record.Customer) (record.Customer, []FieldSource) {
	if len(members) == 1 {
		return singleGolden(id, members[0])
	}
	g := record.Customer{Source: "identity", SourceID: id}
	var lin lineage
	for _, m := range members {
		if m.UpdatedAt.After(g.UpdatedAt) {
			g.UpdatedAt = m.UpdatedAt
		}
		if !m.CreatedAt.IsZero() && (g.CreatedAt.IsZero() || m.CreatedAt.Before(g.CreatedAt)) {
			g.CreatedAt = m.CreatedAt
		}
	}
	for fi, path := range scalarFields {
		cv := scalarValues[path]
		if i := s.pick(s.rule(path), members, cv); i >= 0 {
			*fieldPtr(&g, path) = cv.value(members[i])
			lin.scalar[fi], lin.has[fi] = members[i].Key(), true
		}
	}
	if i := s.pick(s.rule("address"), members, addressValue); i >= 0 {
		g.Address = members[i].Address
		lin.address, lin.addr = members[i].Key(), true
	}
	// Attributes, one by one.
	var names []string
	for _, m := range members {
		for k := range m.Attributes {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	for _, name := range names {
		path := attributesPrefix + name
		get := func(c *record.Customer) string { return c.Attributes[name] }
		cv := candidateValue{value: get, size: func(c *record.Customer) int { return len(get(c)) }}
		if i := s.pick(s.rule(path), members, cv); i >= 0 {
			if g.Attributes == nil {
				g.Attributes = map[string]string{}
			}
			g.Attributes[name] = get(members[i])
			lin.attrs = append(lin.attrs, FieldSource{path, members[i].Key()})
		}
	}
	g.Consent, lin.consent = survivingConsent(members)
	return g, lin.list(&g)
}

// singleGolden is the golden record of a one-record profile: the record itself.
func singleGolden(id string, m *record.Customer) (record.Customer, []FieldSource) {
	g := *m
	g.Source, g.SourceID, g.Deleted, g.Shared = "identity", id, false, nil
	key := m.Key()
	lin := lineage{address: key, addr: true}
	for fi, path := range scalarFields {
		if *fieldPtr(&g, path) != "" {
			lin.scalar[fi], lin.has[fi] = key, true
		}
	}
	for name, v := range m.Attributes {
		if v != "" {
			lin.attrs = append(lin.attrs, FieldSource{attributesPrefix + name, key})
		}
	}
	for ch := range m.Consent {
		lin.consent = append(lin.consent, FieldSource{"consent." + string(ch), key})
	}
	sortLineage(lin.attrs)
	sortLineage(lin.consent)
	return g, lin.list(&g)
}

func sortLineage(l []FieldSource) {
	if len(l) > 1 {
		slices.SortFunc(l, func(a, b FieldSource) int { return strings.Compare(a.Field, b.Field) })
	}
}

// SourceOf returns the record that gave the golden field, if any.
func (p Profile) SourceOf(field string) (record.RecordKey, bool) {
	i, ok := slices.BinarySearchFunc(p.Lineage, field, func(s FieldSource, f string) int { return strings.Compare(s.Field, f) })
	if !ok {
		return record.RecordKey{}, false
	}
	return p.Lineage[i].Record, true
}
