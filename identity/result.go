// result.go holds what a resolution returns: profiles with golden records and lineage, the
// link of every record with its evidence, the merges of earlier profiles, statistics and the
// model.
package identity

import (
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Result is the outcome of a resolution.
type Result struct {
	Profiles []Profile `json:"profiles"` // in the order of their first record in the input
	Links    []Link    `json:"links"`    // one per (non-deleted) input record, in input order
	Merges   []Merge   `json:"merges,omitempty"`
	Stats    Stats     `json:"stats"`
	Model    Model     `json:"model"`
	// Scores is the match-weight histogram of a full run's candidate pairs, from which
	// Curve estimates precision and recall per threshold (empty for incremental runs).
	Scores ScoreHistogram `json:"scores,omitzero"`
}

// Profile is one person.
type Profile struct {
	ID      string             `json:"id"`
	Members []record.RecordKey `json:"members"` // sorted
	// Golden is the survived record (Source "identity", SourceID = ID).
	Golden record.Customer `json:"golden"`
	// Lineage tells which member record gave each field of Golden, sorted by field.
	Lineage []FieldSource `json:"lineage"`
	// Unchanged marks a profile of an incremental run (State.KeepUnchanged) that holds exactly
	// the records it held before, none changed, under the same model: its Golden and Lineage
	// are not built, the stored ones stand.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Link places one record in its profile, with the evidence that put it there.
type Link struct {
	Record   record.RecordKey `json:"record"`
	Profile  string           `json:"profile"`
	Evidence Evidence         `json:"evidence"`
}

// Evidence rules.
const (
	EvidenceAnchor = "anchor" // the profile's first record: nothing links it, others link to it
	EvidenceMatch  = "match"  // a probabilistic match over the threshold
	EvidencePrior  = "prior"  // kept from an earlier run (incremental resolution)
	// Deterministic links read "exact:<field>", e.g. "exact:email".
)

// Evidence is why a record joined its profile: the link to another member, and the
// comparison of the two records.
type Evidence struct {
	Rule string           `json:"rule"`
	With record.RecordKey `json:"with,omitzero"`
	// Fields holds the comparison per compared field, in Model.Fields order.
	Fields []FieldScore `json:"fields,omitempty"`
	// MatchWeight is the total match weight in bits (prior included); Probability follows.
	MatchWeight float64 `json:"match_weight,omitempty"`
	Probability float64 `json:"probability,omitempty"`
}

// FieldScore is one field's comparison level (index into Model.Fields[i].Levels) and its
// weight in bits, term-frequency adjustment included.
type FieldScore struct {
	Level  uint8   `json:"level"`
	Weight float64 `json:"weight"`
}

// Merge records that an earlier profile was absorbed into another.
type Merge struct {
	From string `json:"from"`
	Into string `json:"into"`
	// Record and Evidence are the link that joined them: Record (of From) linked to
	// Evidence.With (of Into).
	Record   record.RecordKey `json:"record,omitzero"`
	Evidence Evidence         `json:"evidence"`
}

// Stats describes a run.
type Stats struct {
	Records       int            `json:"records"`        // records resolved
	Deleted       int            `json:"deleted"`        // deleted records left out
	Changed       int            `json:"changed"`        // records compared (all of them in a full run)
	Profiles      int            `json:"profiles"`       //
	BlockingRules []string       `json:"blocking_rules"` //
	Blocks        int            `json:"blocks"`         // blocks with at least one pair
	BlocksSkipped int            `json:"blocks_skipped"` // blocks over max_block_size
	PairsCompared int            `json:"pairs_compared"` //
	PairsMatched  int            `json:"pairs_matched"`  // over the threshold
	ExactLinks    int            `json:"exact_links"`    //
	LinksRefused  int            `json:"links_refused"`  // refused by merge protection
	RefusedBy     map[string]int `json:"refused_by,omitempty"`
	ClustersSplit int            `json:"clusters_split"` // groups split by merge protection
	Merges        int            `json:"merges"`         //
	ModelReused   bool           `json:"model_reused"`   //
	// Threshold is the match probability pairs needed; ThresholdChosen says it was chosen
	// from the model (identity.threshold auto). EstimatedPrecision and EstimatedRecall are
	// the model's estimates at it (full runs).
	Threshold          float64 `json:"threshold"`
	ThresholdChosen    bool    `json:"threshold_chosen,omitempty"`
	EstimatedPrecision float64 `json:"estimated_precision,omitempty"`
	EstimatedRecall    float64 `json:"estimated_recall,omitempty"`
	Phases             []Phase `json:"phases"` //
}

// Phase is the duration of one step of the run.
type Phase struct {
	Name     string        `json:"name"`
	Duration time.Duration `json:"duration"`
}
