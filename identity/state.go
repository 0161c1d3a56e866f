// state.go holds the state a resolution carries from one run to the next: which profile
// each record belonged to, the unmerge decisions, and the estimated model. It is plain data
// (rows, JSON) that the store persists.
package identity

import "github.com/cdpflow/cdpflow/record"

// State is what earlier runs decided.
type State struct {
	// Links maps records to the profile they belonged to.
	Links []PriorLink `json:"links,omitempty"`
	// Splits are unmerge decisions that later runs keep.
	Splits []Split `json:"splits,omitempty"`
	// Model is the model of the last full run; incremental runs reuse it.
	Model *Model `json:"model,omitempty"`
	// KeepUnchanged says the golden records stored for the prior profiles were built under the
	// present configuration: an incremental run that reuses the prior model then builds no golden
	// record for a profile holding exactly its earlier records, none of them changed, and marks
	// it Unchanged instead. Not stored: the caller decides it for each run.
	KeepUnchanged bool `json:"-"`
}

// PriorLink is one record's profile in an earlier run.
type PriorLink struct {
	Record  record.RecordKey `json:"record"`
	Profile string           `json:"profile"`
}

// Split is an unmerge decision: Record must never again share a profile with the records in
// Apart (the other members of Profile when the unmerge was made).
type Split struct {
	Profile string             `json:"profile"`
	Record  record.RecordKey   `json:"record"`
	Apart   []record.RecordKey `json:"apart"`
	// NewProfile is the profile id the record received.
	NewProfile string `json:"new_profile"`
}

// linkMap indexes the prior links by record.
func (s State) linkMap() map[record.RecordKey]string {
	m := make(map[record.RecordKey]string, len(s.Links))
	for _, l := range s.Links {
		m[l.Record] = l.Profile
	}
	return m
}

// NextState returns the state to persist after this result: its links and model, and the
// splits carried over from the state the run started from.
func (r Result) NextState(prev State) State {
	next := State{Splits: prev.Splits, Links: make([]PriorLink, len(r.Links))}
	for i, l := range r.Links {
		next.Links[i] = PriorLink{Record: l.Record, Profile: l.Profile}
	}
	m := r.Model
	next.Model = &m
	return next
}
