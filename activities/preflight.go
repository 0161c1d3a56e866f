// This file holds the Preflight activity: before a run extracts anything, every connector it will
// use is checked cheaply (authenticate, verify the configured ids and scopes, API version support),
// so a revoked credential or a missing list fails the run at once with the vendor's words. A
// connector that still does not answer on the policy's last attempt is reported unreachable
// instead: the run skips it (reported failed) and goes on with the others.
package activities

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/connectors"
)

// PreflightInput names the connectors a run uses.
type PreflightInput struct {
	Sources      []string
	Destinations []string
}

// PreflightResult is what the checks found that does not stop the run.
type PreflightResult struct {
	// Warnings by connector name.
	Warnings map[string][]string
	// Unreachable are connectors that did not answer on any attempt, with the last error by name.
	Unreachable map[string]string `json:",omitempty"`
}

// Preflight checks every named source and destination (not deep: no data is read or written). A
// check a retry cannot fix (a refused credential, an unknown list, an ended API version) fails
// without retries; a vendor that does not answer is retried by the activity's policy.
func (a *Activities) Preflight(ctx context.Context, in PreflightInput) (*PreflightResult, error) {
	res := &PreflightResult{Warnings: map[string][]string{}}
	type target struct {
		role, name string
		build      func(string) (any, error)
	}
	var all []target
	for _, s := range in.Sources {
		all = append(all, target{"source", s, func(n string) (any, error) { return a.Connectors.Source(n) }})
	}
	for _, d := range in.Destinations {
		all = append(all, target{"destination", d, func(n string) (any, error) { return a.Connectors.Destination(n) }})
	}
	var permanent, retryable []string
	unreachable := map[string]string{}
	for _, t := range all {
		c, err := t.build(t.name)
		if err != nil {
			return nil, configError("preflight: %s %s: %v", t.role, t.name, err)
		}
		rep := connectors.RunCheck(ctx, c, false, a.now())
		for try := 0; try < maxCheckThrottles && waitOutThrottle(ctx, throttled(rep)); try++ {
			rep = connectors.RunCheck(ctx, c, false, a.now()) // throttled: the vendor answers, just not yet
		}
		if len(rep.Warnings) > 0 {
			res.Warnings[t.name] = rep.Warnings
			for _, w := range rep.Warnings {
				a.logger().Warn("connection check", t.role, t.name, "warning", w)
			}
		}
		for _, st := range rep.Steps {
			if st.OK {
				continue
			}
			msg := fmt.Sprintf("%s %s: %s: %s", t.role, t.name, st.Name, st.Detail)
			if ce, ok := connectors.AsError(st.Err); ok && ce.RateLimited() {
				// Still throttled after waiting: the vendor answers, so the run goes on and its
				// reads and writes wait the vendor out.
				w := fmt.Sprintf("%s: the vendor kept throttling the check; not verified", st.Name)
				res.Warnings[t.name] = append(res.Warnings[t.name], w)
				a.logger().Warn("connection check", t.role, t.name, "warning", w)
				continue
			}
			if ce, ok := connectors.AsError(st.Err); ok && ce.Retryable() {
				retryable = append(retryable, msg)
				unreachable[t.name] = msg
			} else {
				permanent = append(permanent, msg)
			}
		}
	}
	switch {
	case len(permanent) > 0:
		return nil, temporal.NewNonRetryableApplicationError(strings.Join(append(permanent, retryable...), "; "), ErrTypeVendorRejected, nil)
	case len(retryable) > 0 && !lastAttempt(ctx):
		return nil, temporal.NewApplicationError(strings.Join(retryable, "; "), ErrTypeVendorDown)
	case len(retryable) > 0:
		res.Unreachable = unreachable
		for name, msg := range unreachable {
			a.logger().Warn("connector unreachable; the run goes on without it", "connector", name, "error", msg)
		}
	}
	return res, nil
}

// lastAttempt reports whether this is the retry policy's last attempt (false when the policy is
// unknown or unbounded).
func lastAttempt(ctx context.Context) bool {
	if !activity.IsActivity(ctx) {
		return false
	}
	info := activity.GetInfo(ctx)
	return info.RetryPolicy != nil && info.RetryPolicy.MaximumAttempts > 0 && info.Attempt >= info.RetryPolicy.MaximumAttempts
}

// maxCheckThrottles bounds how often one connector's check is repeated after a throttle answer.
const maxCheckThrottles = 5

// throttled returns the first failed step's error when it is a rate-limit answer, else nil.
func throttled(rep connectors.CheckReport) error {
	for _, st := range rep.Steps {
		if ce, ok := connectors.AsError(st.Err); !st.OK && ok && ce.RateLimited() {
			return st.Err
		}
	}
	return nil
}
