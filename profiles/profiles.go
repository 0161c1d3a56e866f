// Package profiles is where identity resolution meets the store: it loads the identity state
// earlier runs left (links, unmerge decisions, the model) through one typed codec, runs
// resolution, saves the result as profiles, links with evidence and merges, explains a profile,
// and unmerges a record by key. ResolveFile is the offline `starter resolve` path over a CSV
// file, through the same mapping, cleansing and identity as a refresh.
//
// The identity package decides (matching, clustering, golden records, consent survivorship);
// this package only persists and reads what it decided.
package profiles

import (
	"github.com/cdpflow/cdpflow/store"
)

// Store is what profiles reads and writes.
type Store interface {
	store.Records
	store.Identity
	store.Consent
	store.Meta
}

// Meta keys of the identity state kept beside the links table.
const (
	metaSplits = "identity.splits"
	metaModel  = "identity.model"
)
