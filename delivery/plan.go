// Package delivery plans destination syncs: it diffs the members a destination should have against
// what the delivery ledger says it has, batches the changes, and decides what a retried attempt may
// resend. The Push activity executes the plan; this package holds only the decisions, so they can
// be tested on their own.
package delivery

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/store"
)

// Options shape a plan.
type Options struct {
	// AddOnly plans no removals (campaign runs add their segments' members and leave the rest).
	AddOnly bool
	// NoUpdates treats a changed member as unchanged (a transactional send happens once per entry).
	NoUpdates bool
	// Exclude maps profiles that must not be sent now to the reason (in_doubt, rejected ...).
	Exclude map[string]string
}

// Changes is what a sync must do, each list sorted by profile id.
type Changes struct {
	Adds      []connectors.Member
	Updates   []connectors.Member // already present, but fields or segments changed
	Removes   []connectors.Member // present, no longer desired (only ProfileID is reliable)
	Unchanged int
	Excluded  map[string]int // reason -> count
}

// Plan diffs desired members against the destination's current members.
func Plan(desired []connectors.Member, current map[string]store.DestinationMember, opts Options) Changes {
	ch := Changes{Excluded: map[string]int{}}
	want := make(map[string]bool, len(desired))
	for _, m := range desired {
		want[m.ProfileID] = true
		cur, present := current[m.ProfileID]
		switch {
		case present && (opts.NoUpdates || cur.Fingerprint == Fingerprint(m)):
			ch.Unchanged++
		case opts.Exclude[m.ProfileID] != "":
			ch.Excluded[opts.Exclude[m.ProfileID]]++
		case present:
			ch.Updates = append(ch.Updates, m)
		default:
			ch.Adds = append(ch.Adds, m)
		}
	}
	if !opts.AddOnly {
		for id := range current {
			if !want[id] {
				ch.Removes = append(ch.Removes, connectors.Member{ProfileID: id})
			}
		}
	}
	for _, l := range [][]connectors.Member{ch.Adds, ch.Updates, ch.Removes} {
		sort.Slice(l, func(i, j int) bool { return l[i].ProfileID < l[j].ProfileID })
	}
	return ch
}

// Fingerprint hashes the fields a destination receives, so a later run can tell whether a member
// changed. Segment order does not matter.
func Fingerprint(m connectors.Member) string {
	segs := slices.Clone(m.Segments)
	sort.Strings(segs)
	parts := []string{m.Email, m.Phone, m.FirstName, m.LastName, m.BirthDate, m.Gender,
		m.Address.Line1, m.Address.City, m.Address.Region, m.Address.Postcode, m.Address.Country, strings.Join(segs, ",")}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:12])
}

// Batches splits members into consecutive batches of at most size (size <= 0: one batch).
func Batches(ms []connectors.Member, size int) [][]connectors.Member {
	if len(ms) == 0 {
		return nil
	}
	if size <= 0 {
		size = len(ms)
	}
	var out [][]connectors.Member
	for start := 0; start < len(ms); start += size {
		out = append(out, ms[start:min(start+size, len(ms))])
	}
	return out
}

// Resumption says what to do with a batch given the ledger rows an earlier attempt left.
type Resumption struct {
	Send    []connectors.Member // to send now
	Done    []string            // already delivered or rejected: nothing to do
	InDoubt []string            // a non-idempotent send that may have happened: never resend
}

// Resume decides, for a batch whose ledger rows may already exist, what to send. Delivered and
// rejected rows are final. A pending row means an earlier attempt may have sent it: an idempotent
// destination gets it again; a non-idempotent one (transactional email) must not, so it is in doubt.
// A failed row was refused by the vendor and is safe to resend.
func Resume(batch []connectors.Member, existing []store.Delivery, idempotent bool) Resumption {
	prev := make(map[string]store.Delivery, len(existing))
	for _, d := range existing {
		prev[d.ProfileID] = d
	}
	var r Resumption
	for _, m := range batch {
		d, seen := prev[m.ProfileID]
		switch {
		case !seen || d.Status == store.DeliveryFailed:
			r.Send = append(r.Send, m)
		case d.Status == store.DeliveryDelivered || d.Status == store.DeliveryRejected || d.Status == store.DeliverySkipped:
			r.Done = append(r.Done, m.ProfileID)
		case d.Status == store.DeliveryInDoubt:
			r.InDoubt = append(r.InDoubt, m.ProfileID)
		case idempotent: // pending
			r.Send = append(r.Send, m)
		default:
			r.InDoubt = append(r.InDoubt, m.ProfileID)
		}
	}
	return r
}
