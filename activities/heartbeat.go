// This file holds the activities' heartbeat: a background beat every few seconds carrying the
// latest details, so a worker that dies is noticed within the heartbeat timeout (20 s, see
// workflows/options.go) and its activity resumes on another worker from those details, however
// long a single page fetch, rate-limit wait or CPU-bound step takes.
package activities

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// HeartbeatInterval is how often a running activity heartbeats; well inside the heartbeat timeout.
// The SDK throttles what it sends to the server to about 80 % of the timeout.
const HeartbeatInterval = 5 * time.Second

// heartbeat is one activity's background beat.
type heartbeat struct {
	ctx    context.Context
	mu     sync.Mutex
	last   json.RawMessage // the details of the latest Beat, encoded once so the ticker never races the caller
	cancel context.CancelFunc
}

// startHeartbeat begins beating details every HeartbeatInterval until Stop or ctx ends. Outside
// an activity (unit tests) it does nothing.
func startHeartbeat(ctx context.Context, details any) *heartbeat {
	hb := &heartbeat{ctx: ctx}
	if !activity.IsActivity(ctx) {
		return hb
	}
	bctx, cancel := context.WithCancel(ctx)
	hb.cancel = cancel
	hb.Beat(details)
	go func() {
		t := time.NewTicker(HeartbeatInterval)
		defer t.Stop()
		for {
			select {
			case <-bctx.Done():
				return
			case <-t.C:
				hb.mu.Lock()
				last := hb.last
				hb.mu.Unlock()
				activity.RecordHeartbeat(ctx, last)
			}
		}
	}()
	return hb
}

// Beat records new details (a checkpoint, a batch key) now; the ticker repeats them until the next Beat.
func (hb *heartbeat) Beat(details any) {
	if hb.cancel == nil {
		return
	}
	b, err := json.Marshal(details)
	if err != nil {
		b = nil // details that cannot be encoded are not resumable; the beat still keeps the activity alive
	}
	hb.mu.Lock()
	hb.last = b
	hb.mu.Unlock()
	activity.RecordHeartbeat(hb.ctx, json.RawMessage(b))
}

// Stop ends the background beat.
func (hb *heartbeat) Stop() {
	if hb.cancel != nil {
		hb.cancel()
	}
}
