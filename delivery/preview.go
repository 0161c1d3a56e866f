// preview.go holds Preview: what a destination sync would do, from the ledger and the audience
// alone, without calling the vendor (a campaign preview, and the approval check before removals).
package delivery

import (
	"context"
	"fmt"

	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
)

// sampleSize is how many profile ids a preview lists per change.
const sampleSize = 10

// Preview plans req as Sync would and counts the changes. Removes counts members that would
// leave the audience (not the re-adds of a changed handle).
func Preview(ctx context.Context, l store.Ledger, req Request) (summary.Preview, error) {
	p := summary.Preview{Destination: req.Destination, SkippedNoConsent: req.Audience.SkippedNoConsent,
		SkippedNoIdentifier: req.Audience.SkippedNoIdentifier}
	current, err := l.DestinationMembers(ctx, req.Destination)
	if err != nil {
		return p, fmt.Errorf("read current members: %w", err)
	}
	exclude, err := Blocked(ctx, l, req.Connector, req.Destination, req.Run, req.Audience.Members)
	if err != nil {
		return p, err
	}
	plan := Plan(req.Audience.Members, current, Options{AddOnly: req.AddOnly, NoUpdates: !req.Connector.Idempotent(), Exclude: exclude})
	p.Current, p.Adds, p.Updates, p.Removes, p.Unchanged = len(current), len(plan.Adds), len(plan.Updates), len(plan.Removes), plan.Unchanged
	for status, n := range plan.Excluded {
		if n > 0 {
			if p.Held == nil {
				p.Held = map[string]int{}
			}
			p.Held[string(status)] = n
		}
	}
	for op, es := range map[string][]Entry{"adds": plan.Adds, "updates": plan.Updates, "removes": plan.Removes} {
		if len(es) == 0 {
			continue
		}
		if p.Samples == nil {
			p.Samples = map[string][]string{}
		}
		for _, e := range es[:min(len(es), sampleSize)] {
			p.Samples[op] = append(p.Samples[op], e.Member.ProfileID)
		}
	}
	return p, nil
}
