// protect.go holds merge protection: the constraints a cluster must keep while records are
// merged (at most N distinct emails or phones or records, one value of each unique field,
// one record of each one-to-one source, and the unmerge decisions), tracked per cluster as
// small sorted sets.
package identity

import (
	"slices"

	"github.com/cdpflow/cdpflow/record"
)

// constraints is the merge protection of one resolution.
type constraints struct {
	maxEmails, maxPhones, maxRecords int
	emails, phones                   []uint32   // row -> value id (nil when not limited)
	unique                           [][]uint32 // unique field -> row -> value id
	sources                          []uint32   // row -> one-to-one source id (0: not one-to-one)
	tags                             map[int32][]uint64
}

// newConstraints prepares the constraints of the configuration, the one-to-one sources of the
// rows (oneToOneSources) and the unmerge decisions.
func newConstraints(d *dataset, cfg Config, oneToOne []uint32, splits []Split) *constraints {
	c := &constraints{
		maxEmails:  cfg.Limits.MaxEmailsPerProfile,
		maxPhones:  cfg.Limits.MaxPhonesPerProfile,
		maxRecords: cfg.Limits.MaxRecordsPerProfile,
	}
	if c.maxEmails > 0 {
		c.emails = d.field(FieldEmail).vals
	}
	if c.maxPhones > 0 {
		c.phones = d.field(FieldPhone).vals
	}
	for _, p := range cfg.Limits.Unique {
		c.unique = append(c.unique, d.field(p).vals)
	}
	c.sources = oneToOne
	if len(splits) > 0 {
		row := make(map[record.RecordKey]int32, d.n())
		for i, k := range d.keys {
			row[k] = int32(i)
		}
		c.tags = map[int32][]uint64{}
		for si, s := range splits {
			if r, ok := row[s.Record]; ok {
				c.tags[r] = append(c.tags[r], uint64(si)<<1)
			}
			for _, k := range s.Apart {
				if r, ok := row[k]; ok {
					c.tags[r] = append(c.tags[r], uint64(si)<<1|1)
				}
			}
		}
	}
	return c
}

// oneToOneSources maps each row to its one-to-one source (1-based index in
// cfg.Link.OneToOne, 0 for other sources); nil when no source is one-to-one.
func oneToOneSources(d *dataset, cfg Config) []uint32 {
	if len(cfg.Link.OneToOne) == 0 {
		return nil
	}
	ids := map[string]uint32{}
	for i, s := range cfg.Link.OneToOne {
		ids[s] = uint32(i + 1)
	}
	out := make([]uint32, d.n())
	for i, k := range d.keys {
		out[i] = ids[k.Source]
	}
	return out
}

// active reports whether any constraint can refuse a merge.
func (c *constraints) active() bool {
	return c.emails != nil || c.phones != nil || c.maxRecords > 0 || len(c.unique) > 0 || c.sources != nil || len(c.tags) > 0
}

// clusterSet is what a cluster holds that the constraints look at.
type clusterSet struct {
	size           int
	emails, phones []uint32
	unique         [][]uint32
	sources        []uint32 // one-to-one sources present
	tags           []uint64 // split<<1 | side
}

// single returns the set of one row.
func (c *constraints) single(row int32) *clusterSet {
	s := &clusterSet{size: 1}
	one := func(vals []uint32) []uint32 {
		if vals == nil || vals[row] == 0 {
			return nil
		}
		return []uint32{vals[row]}
	}
	s.emails, s.phones, s.sources = one(c.emails), one(c.phones), one(c.sources)
	for _, u := range c.unique {
		s.unique = append(s.unique, one(u))
	}
	if t := c.tags[row]; len(t) > 0 {
		s.tags = slices.Clone(t)
		slices.Sort(s.tags)
	}
	return s
}

// merge returns the union of a and b, or false with the reason when it breaks a constraint.
func (c *constraints) merge(a, b *clusterSet) (*clusterSet, string, bool) {
	if c.maxRecords > 0 && a.size+b.size > c.maxRecords {
		return nil, "max_records_per_profile", false
	}
	emails := union(a.emails, b.emails)
	if c.maxEmails > 0 && len(emails) > c.maxEmails {
		return nil, "max_emails_per_profile", false
	}
	phones := union(a.phones, b.phones)
	if c.maxPhones > 0 && len(phones) > c.maxPhones {
		return nil, "max_phones_per_profile", false
	}
	sources := union(a.sources, b.sources)
	if len(sources) < len(a.sources)+len(b.sources) {
		return nil, "one_to_one", false
	}
	s := &clusterSet{size: a.size + b.size, emails: emails, phones: phones, sources: sources}
	for i := range c.unique {
		u := union(a.unique[i], b.unique[i])
		if len(u) > 1 {
			return nil, "unique", false
		}
		s.unique = append(s.unique, u)
	}
	s.tags = union(a.tags, b.tags)
	for i := 1; i < len(s.tags); i++ {
		if s.tags[i]>>1 == s.tags[i-1]>>1 {
			return nil, "unmerge", false
		}
	}
	return s, "", true
}

// union merges two sorted sets.
func union[T uint32 | uint64](a, b []T) []T {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]T, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}
