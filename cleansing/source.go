// source.go holds SourceRun: cleansing one source's customers as a whole. Every record goes
// through Cleanser.Customer; once all are in, the identifiers two different persons of the source
// share are marked on the accepted records (record.Customer.Shared) and the quality report is
// complete. The Cleanse activity and the offline `starter resolve` command both cleanse this way,
// so they keep and link exactly the same records.
package cleansing

import (
	"slices"

	"github.com/cdpflow/cdpflow/record"
)

// SourceRun cleanses the customers of one source. It is not safe for concurrent use.
type SourceRun struct {
	cl       *Cleanser
	quality  *QualityBuilder
	accepted []record.Customer
	deleted  int
	// Suppressed, when set, reports whether a cleansed email or phone belongs to an erased person:
	// such a record is quarantined as erased and its data is not kept.
	Suppressed func(email, phone string) bool
}

// Tombstone is what is kept of a record deleted at its source: its key and the deletion's time,
// no personal data.
func Tombstone(c record.Customer) record.Customer {
	return record.Customer{Source: c.Source, SourceID: c.SourceID, UpdatedAt: c.UpdatedAt, Deleted: true}
}

// Source starts cleansing the customers of source.
func (c *Cleanser) Source(source string) *SourceRun {
	return &SourceRun{cl: c, quality: NewQualityBuilder(source)}
}

// Add cleanses one record. An accepted record is kept until Finish; a quarantined one is only
// reported in the result (the caller stores it with its reasons).
func (s *SourceRun) Add(in record.Customer) Result {
	if in.Deleted && in.SourceID != "" {
		t := Tombstone(in)
		s.deleted++
		s.accepted = append(s.accepted, t)
		return Result{Record: t}
	}
	r := s.cl.Customer(in)
	if !r.Quarantined && s.Suppressed != nil && s.Suppressed(r.Record.Email, r.Record.Phone) {
		r = Result{Record: record.Customer{Source: in.Source, SourceID: in.SourceID}, Quarantined: true,
			Issues: []Issue{{Field: recordField, Reason: ReasonErased, Detail: "the person was erased; a later import is suppressed"}}}
	}
	s.quality.Add(r)
	if !r.Quarantined {
		s.accepted = append(s.accepted, r.Record)
	}
	return r
}

// Finish marks shared identifiers on the accepted records and returns them, in the order they
// were added, with the source's quality report.
func (s *SourceRun) Finish() ([]record.Customer, Quality) {
	shared := FindSharedIdentifiers(s.accepted)
	s.quality.AddShared(shared)
	for i := range s.accepted {
		for _, is := range shared[s.accepted[i].Key()] {
			if !slices.Contains(s.accepted[i].Shared, is.Field) {
				s.accepted[i].Shared = append(s.accepted[i].Shared, is.Field)
			}
		}
	}
	out := s.accepted
	s.accepted = nil
	q := s.quality.Report()
	q.Deleted = s.deleted
	return out, q
}
