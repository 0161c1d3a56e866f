// This file holds the erasure role of the store: erasure requests with their receipts, the
// suppression list that stops a later import of an erased person, and the deletion of every row
// about a person.
package store

import (
	"context"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Erasures keeps erasure requests and suppressions, and deletes a person's rows.
type Erasures interface {
	// CreateErasure stores a new request; a request with the same id is left as it is.
	CreateErasure(ctx context.Context, e Erasure) error
	GetErasure(ctx context.Context, id string) (Erasure, error) // ErrNotFound
	// UpdateErasure stores a request's status, receipts, finish time and subject (nil clears it).
	UpdateErasure(ctx context.Context, e Erasure) error
	ListErasures(ctx context.Context, limit int) ([]Erasure, error) // newest first
	// Suppress adds keyed hashes (package privacy) to the suppression list.
	Suppress(ctx context.Context, keys []string, erasure string, at time.Time) error
	// SuppressedKeys returns the whole suppression list.
	SuppressedKeys(ctx context.Context) (map[string]bool, error)
	// DeletePerson deletes, in one transaction, every row about a person, and reports the rows
	// deleted per table.
	DeletePerson(ctx context.Context, p PersonRows) (map[string]int, error)
}

// Erasure statuses.
const (
	ErasurePending = "pending" // requested; the workflow is at work
	ErasureDone    = "done"    // every destination and the store erased (or held nothing)
	ErasureFailed  = "failed"  // a destination failed: see the receipts; run it again
)

// Erasure is one erasure request.
type Erasure struct {
	ID          string    `json:"id"`
	Reason      string    `json:"reason"`
	Status      string    `json:"status"`
	RequestedAt time.Time `json:"requested_at"`
	// Deadline is when the law wants it done (30 days after the request).
	Deadline   time.Time `json:"deadline"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	// Subject holds the identifiers asked for, until the erasure is done.
	Subject *ErasureSubject `json:"subject,omitempty"`
	// Keys are the keyed hashes of the person's identifiers (kept: they are the suppression).
	Keys     []string         `json:"keys"`
	Receipts []ErasureReceipt `json:"receipts"`
}

// ErasureSubject is who is to be erased: any of an email, a phone or a profile id.
type ErasureSubject struct {
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Profile string `json:"profile,omitempty"`
}

// Receipt statuses.
const (
	ReceiptDone        = "done"         // the data was there and is gone
	ReceiptNothingHeld = "nothing_held" // nothing about the person was there
	ReceiptFailed      = "failed"       // the erasure of this target failed (Detail says why)
)

// ErasureReceipt records what one target did: a destination ("destination:newsletter") or a store
// table ("store:customers").
type ErasureReceipt struct {
	Target string    `json:"target"`
	Action string    `json:"action"` // e.g. "permanent delete", "denylist", "remove", "delete rows"
	Status string    `json:"status"`
	Count  int       `json:"count"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// PersonRows says which rows are about a person.
type PersonRows struct {
	// Records are the person's clean records: their rows in customers, staged, quarantine and
	// links go, and orders whose customer is one of them.
	Records []record.RecordKey
	// Engagements are the analytics rows keyed by one of the person's ids.
	Engagements []record.RecordKey
	// Profiles go with their segment memberships and changes, merges and ledger rows.
	Profiles []string
	// Texts are the person's identifiers as they may appear inside stored documents (staged and
	// quarantined records, orders): rows containing one of them, case-insensitively, go too.
	Texts []string
	// OptOutKeys are the person's entries of the opt-out index.
	OptOutKeys []string
}
