// plan.go holds the diff of desired members against the ledger's current members, batching, and
// the resume rule for a batch whose ledger rows an earlier attempt left.
package delivery

import (
	"sort"

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
	Exclude map[string]store.DeliveryStatus
}

// Changes is what a sync must do, each list sorted by profile id.
type Changes struct {
	Adds    []Entry
	Updates []Entry // already present, but fields or segments changed
	// Removes are present members no longer desired: their profile id and the handle the vendor
	// needs (from the ledger), since their profile may be gone.
	Removes   []Entry
	Unchanged int
	Excluded  map[store.DeliveryStatus]int
}

// Plan diffs desired members against the destination's current members.
func Plan(desired []Entry, current map[string]store.DestinationMember, opts Options) Changes {
	ch := Changes{Excluded: map[store.DeliveryStatus]int{}}
	want := make(map[string]bool, len(desired))
	for _, e := range desired {
		id := e.Member.ProfileID
		want[id] = true
		cur, present := current[id]
		switch {
		case present && (opts.NoUpdates || cur.Fingerprint == e.Fingerprint):
			ch.Unchanged++
		case opts.Exclude[id] != "":
			ch.Excluded[opts.Exclude[id]]++
		case present:
			e.Member.Handle = cur.Handle
			ch.Updates = append(ch.Updates, e)
		default:
			ch.Adds = append(ch.Adds, e)
		}
	}
	if !opts.AddOnly {
		for id, cur := range current {
			if !want[id] {
				ch.Removes = append(ch.Removes, Entry{Member: connectors.Member{ProfileID: id, Handle: cur.Handle}, Fingerprint: cur.Fingerprint})
			}
		}
	}
	for _, l := range [][]Entry{ch.Adds, ch.Updates, ch.Removes} {
		sort.Slice(l, func(i, j int) bool { return l[i].Member.ProfileID < l[j].Member.ProfileID })
	}
	return ch
}

// Batches splits entries into consecutive batches of at most size (size <= 0: one batch).
func Batches(es []Entry, size int) [][]Entry {
	if len(es) == 0 {
		return nil
	}
	if size <= 0 {
		size = len(es)
	}
	var out [][]Entry
	for start := 0; start < len(es); start += size {
		out = append(out, es[start:min(start+size, len(es))])
	}
	return out
}

// Resumption says what to do with a batch given the ledger rows an earlier attempt left.
type Resumption struct {
	Send    []Entry  // to send now
	Done    []string // already delivered or rejected: nothing to do
	InDoubt []string // a non-idempotent send already in doubt: never resend
	Sent    []Entry  // a non-idempotent call that left with no recorded answer: verify, never resend
}

// Resume decides, for a batch whose ledger rows may already exist, what to send. Delivered and
// rejected rows are final. A pending row was reserved but its call never left (a non-idempotent
// destination marks rows sending first), or the destination is idempotent: it is sent. A sending
// row's call went out and its answer was lost: an idempotent destination gets it again; a
// non-idempotent one (transactional email) must not, so it is verified at the vendor (Verify) or
// in doubt. A failed row was refused by the vendor and is safe to resend.
func Resume(batch []Entry, existing []store.Delivery, idempotent bool) Resumption {
	prev := make(map[string]store.Delivery, len(existing))
	for _, d := range existing {
		prev[d.ProfileID] = d
	}
	var r Resumption
	for _, e := range batch {
		id := e.Member.ProfileID
		d, seen := prev[id]
		switch {
		case !seen || d.Status == store.DeliveryFailed:
			r.Send = append(r.Send, e)
		case d.Status.Final(), d.Status == store.DeliveryQueued:
			r.Done = append(r.Done, id)
		case d.Status == store.DeliveryInDoubt:
			r.InDoubt = append(r.InDoubt, id)
		case d.Status == store.DeliveryPending, idempotent:
			r.Send = append(r.Send, e)
		default: // sending, non-idempotent
			r.Sent = append(r.Sent, e)
		}
	}
	return r
}
