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

// SourceRun cleanses the customers of one source. It is not safe for concurrent use; in streaming
// mode the expensive half (Cleanser.Customer, which is) may run on other goroutines and the results
// be handed to Record in order.
type SourceRun struct {
	cl       *Cleanser
	quality  *QualityBuilder
	accepted []record.Customer
	deleted  int
	// stream: accepted records are not kept; only their identifiers, in shared (unless part).
	stream bool
	// part: one part of a source streamed in parts; shared identifiers are found over the whole
	// source afterwards (FindSharedIdentifiers over the store's candidates), not here.
	part   bool
	shared SharedIndex
	// Suppressed, when set, reports whether a cleansed email or phone belongs to an erased person:
	// such a record is quarantined as erased and its data is not kept.
	Suppressed func(email, phone string) bool
}

// Tombstone is what is kept of a record deleted at its source: its key and the deletion's time,
// no personal data.
func Tombstone(c record.Customer) record.Customer {
	return record.Customer{Source: c.Source, SourceID: c.SourceID, UpdatedAt: c.UpdatedAt, Deleted: true}
}

// Source starts cleansing the customers of source, keeping the accepted records until Finish.
func (c *Cleanser) Source(source string) *SourceRun {
	return &SourceRun{cl: c, quality: NewQualityBuilder(source)}
}

// Stream starts cleansing the customers of source in streaming mode: the caller stores each
// accepted record as Record returns it, and FinishStream tells which of them share identifiers.
func (c *Cleanser) Stream(source string) *SourceRun {
	return &SourceRun{cl: c, quality: NewQualityBuilder(source), stream: true}
}

// StreamPart starts cleansing one part of the customers of source in streaming mode, like Stream,
// but keeps nothing for the shared-identifier check: the parts of a source are cleansed apart, so
// the caller finds shared identifiers over the whole source once every part is stored.
// FinishStream returns no shared fields.
func (c *Cleanser) StreamPart(source string) *SourceRun {
	return &SourceRun{cl: c, quality: NewQualityBuilder(source), stream: true, part: true}
}

// Add cleanses one record. An accepted record is kept until Finish; a quarantined one is only
// reported in the result (the caller stores it with its reasons).
func (s *SourceRun) Add(in record.Customer) Result {
	if in.Deleted && in.SourceID != "" {
		return s.Record(in, Result{})
	}
	return s.Record(in, s.cl.Customer(in))
}

// Record does the ordered half of Add for r, the result of Cleanser.Customer(in) (ignored for a
// record deleted at its source, which becomes a tombstone): the erasure check, the quality report
// and the shared-identifier index. It returns the final result.
func (s *SourceRun) Record(in record.Customer, r Result) Result {
	if in.Deleted && in.SourceID != "" {
		t := Tombstone(in)
		s.deleted++
		s.keep(t)
		return Result{Record: t}
	}
	if !r.Quarantined && s.Suppressed != nil && s.Suppressed(r.Record.Email, r.Record.Phone) {
		r = Result{Record: record.Customer{Source: in.Source, SourceID: in.SourceID}, Quarantined: true,
			Issues: []Issue{{Field: recordField, Reason: ReasonErased, Detail: "the person was erased; a later import is suppressed"}}}
	}
	s.quality.Add(r)
	if !r.Quarantined {
		s.keep(r.Record)
	}
	return r
}

func (s *SourceRun) keep(c record.Customer) {
	if s.stream {
		if !s.part {
			s.shared.Add(c)
		}
		return
	}
	s.accepted = append(s.accepted, c)
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

// FinishStream returns, for the accepted records that share identifiers with a different person
// among the records recorded, the shared fields (as record.Customer.Shared would list them), with
// the quality report.
func (s *SourceRun) FinishStream() (map[record.RecordKey][]string, Quality) {
	flags := s.shared.Find()
	s.quality.AddShared(flags)
	s.shared = SharedIndex{}
	q := s.quality.Report()
	q.Deleted = s.deleted
	return SharedFields(flags), q
}

// SharedFields turns FindSharedIdentifiers' flags into the fields each record shares, in order.
func SharedFields(flags map[record.RecordKey][]Issue) map[record.RecordKey][]string {
	out := make(map[record.RecordKey][]string, len(flags))
	for k, issues := range flags {
		var fields []string
		for _, is := range issues {
			if !slices.Contains(fields, is.Field) {
				fields = append(fields, is.Field)
			}
		}
		out[k] = fields
	}
	return out
}
