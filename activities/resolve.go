// This file holds the Resolve activity: a Temporal adapter over profiles.Resolve (identity
// resolution over the clean customers, saved as profiles, links and merges).
package activities

import (
	"context"

	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/summary"
)

// ResolveInput names the run; Full recomputes every profile from scratch (the model too).
type ResolveInput struct {
	Run  string
	Full bool
}

// ResolveResult is the identity part of the run summary.
type ResolveResult = summary.Identity

// Resolve links the clean customers into profiles. Unless Full, it runs incrementally: records
// unchanged since the last run keep their profiles and only the run's new or changed records are
// compared, through the same blocking, against everything.
func (a *Activities) Resolve(ctx context.Context, in ResolveInput) (*ResolveResult, error) {
	hb := startHeartbeat(ctx, "resolving")
	defer hb.Stop()
	res, err := profiles.Resolve(ctx, a.Store, a.Config.Identity, profiles.Request{Run: in.Run, Full: in.Full, Now: a.now})
	if err != nil {
		return nil, err
	}
	return &res, nil
}
