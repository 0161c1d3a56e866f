// Package approval decides when a destination run's removals wait for an operator: a run that
// would remove a large share of an audience (a broken source, a rule typo) is held until someone
// approves it, and no decision in time removes nobody. Adds are never held.
package approval

import (
	"fmt"
	"time"
)

// Policy is when removals are held (the approval: configuration block).
type Policy struct {
	// MaxRemoveFraction holds a run removing more than this share of the current audience
	// (0 or 1 and above: never on the share).
	MaxRemoveFraction float64
	// MaxRemoves holds a run removing more than this many members (0: no count limit).
	MaxRemoves int
	// Timeout is how long a held run waits for a decision before it removes nobody.
	Timeout time.Duration
}

// Hold says whether removing removes of current members needs approval, and why (in words an
// operator reads in the console and Temporal UI).
func (p Policy) Hold(current, removes int) (bool, string) {
	if removes <= 0 {
		return false, ""
	}
	if p.MaxRemoves > 0 && removes > p.MaxRemoves {
		return true, fmt.Sprintf("would remove %d of %d members, more than approval.max_removes (%d)", removes, current, p.MaxRemoves)
	}
	if p.MaxRemoveFraction > 0 && p.MaxRemoveFraction < 1 && current > 0 {
		share := float64(removes) / float64(current)
		if share > p.MaxRemoveFraction {
			return true, fmt.Sprintf("would remove %d of %d members (%.0f%%), more than approval.max_remove_fraction (%.0f%%)",
				removes, current, 100*share, 100*p.MaxRemoveFraction)
		}
	}
	return false, ""
}

// Decision is an operator's answer to a held destination run (the approval signal's payload).
type Decision struct {
	Destination string `json:"destination"`
	Approve     bool   `json:"approve"`
	// By names who decided (a console token's name, or the CLI user); shown in the summary.
	By string `json:"by,omitempty"`
}

// Outcomes of a held run, as the summary reports them.
const (
	Approved = "approved"
	Rejected = "rejected"
	TimedOut = "timed_out"
)
