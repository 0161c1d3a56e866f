// This file holds the destination side of the connector contract.
package connectors

import (
	"context"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Member is one profile as a destination receives it: the golden record's contact fields plus the
// segments it belongs to among those the destination syncs. Ad platforms hash identifiers themselves,
// inside their connector, immediately before sending.
type Member struct {
	ProfileID string
	Email     string // normalized (lowercase), never the gmail matching key
	Phone     string // E.164
	FirstName string
	LastName  string
	BirthDate string // YYYY-MM-DD
	Gender    string // m | f | x
	Address   record.Address
	// Segments the member belongs to, among the destination's configured segments (sorted).
	Segments []string
	// ConsentGranted is true when the person explicitly subscribed on the destination's channel
	// (not merely "no opt-out recorded" under an opt_out basis): Google's consent fields are
	// CONSENT_GRANTED only then.
	ConsentGranted bool
	// Handle is what the ledger kept for this member (see Handler): the only identifying field of
	// a remove whose profile is gone.
	Handle string
}

// Op is a membership change.
type Op string

// Ops.
const (
	OpAdd    Op = "add"
	OpRemove Op = "remove"
)

// Batch is one call's worth of changes, all with the same Op.
type Batch struct {
	// Key is the idempotency key computed by the workflow from business identity
	// (destination/run/op/sequence); connectors pass it on where the vendor accepts one.
	Key     string
	Op      Op
	Members []Member
	// Seq numbers batches from 1 within one Op of one run (Meta's batch_seq); Last marks the final one.
	Seq  int
	Last bool
	// Total is the number of members across all batches of this Op (Meta's estimated_num_total).
	Total int
}

// Status is a per-member delivery outcome.
type Status string

// Statuses.
const (
	StatusDelivered Status = "delivered" // the vendor accepted the change
	StatusRejected  Status = "rejected"  // the vendor refused this member for good (invalid, bounced, unsubscribed)
	StatusFailed    Status = "failed"    // a temporary refusal: retried on a later attempt or run
	// StatusQueued: the vendor accepted the send but reports its outcome later (Mandrill answers
	// queued for calls of more than 10 recipients, or when sending is throttled). Never re-sent;
	// settled later by a Settler.
	StatusQueued Status = "queued"
)

// Outcome is what happened to one member of a batch.
type Outcome struct {
	ProfileID  string
	Status     Status
	ProviderID string // the vendor's id for the change/message, when it returns one
	Reason     string // vendor's reason code for rejected/failed
}

// Destination applies membership changes to one vendor audience or sends one message per member.
type Destination interface {
	// MaxBatch is the most members one Apply call may carry (vendor limit).
	MaxBatch() int
	// Idempotent reports whether re-sending a change has no further effect (audience upserts: true;
	// transactional email: false). The engine never re-sends an in-doubt change to a non-idempotent
	// destination.
	Idempotent() bool
	// Supports reports whether the destination can apply op (a transactional sender cannot remove).
	Supports(op Op) bool
	// Apply sends one batch. A nil error with per-member outcomes means the call was made; an error
	// means nothing is known to have been applied (retry the whole batch); its chain holds an Error
	// when it comes from the vendor.
	Apply(ctx context.Context, b Batch) ([]Outcome, error)
}

// CheckBatch is the guard every Destination.Apply starts with: the batch fits the destination's
// limit and its op is one the destination supports.
func CheckBatch(d Destination, name string, b Batch) error {
	if !d.Supports(b.Op) {
		return fmt.Errorf("%s: op %q is not supported", name, b.Op)
	}
	if max := d.MaxBatch(); len(b.Members) > max {
		return fmt.Errorf("%s: batch of %d members exceeds the limit of %d", name, len(b.Members), max)
	}
	return nil
}

// Handler is implemented by destinations that can update or remove a member later without the
// member's contact fields: Handle returns what the vendor needs (a subscriber hash, hashed
// identifiers), which the ledger keeps. Never a raw identifier for an ad platform.
type Handler interface {
	Handle(m Member) string
}

// Settler is implemented by destinations whose outcome of a send can be learned after the call:
// queued sends, and sends whose answer was lost (in doubt). Settle returns one outcome per row the
// vendor knows: delivered or rejected (with the vendor's reason) once final, queued while the
// vendor still holds it; rows it has no trace of are left out.
type Settler interface {
	Settle(ctx context.Context, rows []Unsettled) ([]Outcome, error)
}

// Unsettled is one ledger row whose outcome is not known yet.
type Unsettled struct {
	ProfileID  string
	ProviderID string    // the vendor's id for the send ("" when the call's answer was lost)
	Email      string    // the recipient, from the profile ("" when the profile is gone)
	BatchKey   string    // the batch's idempotency key (Mandrill keeps it in message metadata)
	Since      time.Time // when the send was attempted
}

// Eraser is implemented by destinations that can erase a person for good on an erasure request,
// beyond a membership remove (Mailchimp's permanent delete, Mandrill's denylist). Destinations
// without it are erased with a remove. The member carries what is known: its email and phone from
// the request and the profile, and its handle from the ledger.
type Eraser interface {
	Erase(ctx context.Context, m Member) (Erased, error)
}

// Erased is what an erasure did at the vendor.
type Erased struct {
	Action string // e.g. "permanent delete", "denylist"
	Held   bool   // the vendor held the person (false: nothing to erase)
}
