// This file turns connector and store errors into Temporal errors with the right retry behaviour.
package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/connectors"
)

// Application error types, visible in Temporal UI and usable in NonRetryableErrorTypes.
const (
	ErrTypeVendorRejected  = "VendorRejected"  // 4xx: bad credentials, bad request; retrying cannot help
	ErrTypeVendorThrottled = "VendorThrottled" // 429 or vendor signal: retry after the vendor's delay
	ErrTypeVendorDown      = "VendorUnavailable"
	ErrTypeQuotaExhausted  = "QuotaExhausted" // wait durably until the quota resets, then resume
	ErrTypeConfig          = "ConfigError"
)

// quotaSleepThreshold: a vendor wait longer than this is slept by the workflow on a durable timer
// (resuming from the cursor) instead of by the activity retry policy.
const quotaSleepThreshold = 2 * time.Minute

// QuotaWait is the detail of a QuotaExhausted error: when to resume and from where.
type QuotaWait struct {
	ResumeAt   time.Time  `json:"resume_at"`
	Checkpoint Checkpoint `json:"checkpoint"`
	Message    string     `json:"message"`
}

// classify wraps err for Temporal: non-retryable for vendor rejections and config errors, retryable
// with the vendor's delay for throttling.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return err
	}
	ce, ok := connectors.AsError(err)
	if !ok {
		return err
	}
	switch {
	case !ce.Retryable():
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeVendorRejected, nil)
	case ce.RateLimited():
		return temporal.NewApplicationErrorWithOptions(err.Error(), ErrTypeVendorThrottled,
			temporal.ApplicationErrorOptions{NextRetryDelay: ce.Delay()})
	default:
		return temporal.NewApplicationErrorWithOptions(err.Error(), ErrTypeVendorDown,
			temporal.ApplicationErrorOptions{NextRetryDelay: ce.Delay()})
	}
}

// configError is a non-retryable error for a configuration problem found at run time.
func configError(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrTypeConfig, nil)
}

// waitOutThrottle sleeps a vendor's short rate-limit delay inside the activity and reports true
// when the caller should try again: throttling is the vendor working, not failing, so it must not
// use up the attempts that bound a dead vendor (see workflows/options.go). Longer waits are left
// to the caller (a durable timer or the next retry delay).
func waitOutThrottle(ctx context.Context, err error) bool {
	ce, ok := connectors.AsError(err)
	if !ok || !ce.RateLimited() || ce.Delay() > quotaSleepThreshold {
		return false
	}
	d := max(ce.Delay(), time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
