// This file holds the erasure summary: what an Erasure workflow returns and `starter erase` prints.
// It names no person: receipts say what was erased where, never whom.
package summary

import "time"

// Erasure is the result of one erasure request.
type Erasure struct {
	ID       string    `json:"id"`
	Status   string    `json:"status"` // done | failed
	Deadline time.Time `json:"deadline"`
	Records  int       `json:"records"`  // records found
	Profiles int       `json:"profiles"` // profiles found
	// NothingHeld is true when no record of the person was found anywhere.
	NothingHeld bool      `json:"nothing_held"`
	Receipts    []Receipt `json:"receipts"`
	Error       string    `json:"error,omitempty"`
}

// Receipt records what one target did: a destination ("destination:newsletter") or a store table
// ("store:customers").
type Receipt struct {
	Target string    `json:"target"`
	Action string    `json:"action"`
	Status string    `json:"status"` // done | nothing_held | failed
	Count  int       `json:"count"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}
