// This file holds the error scrubber every activity's failure passes on its way to Temporal: the
// message goes through redact.Scrub (vendors echo emails, hashes and values back in their
// errors), the wrapped cause chain is dropped (it would repeat the message and carry the raw
// texts), and the retry behaviour — type, non-retryable flag, next retry delay — is kept.
package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"

	"github.com/cdpflow/cdpflow/redact"
)

// ScrubInterceptor is the worker interceptor that scrubs activity failures.
type ScrubInterceptor struct {
	interceptor.WorkerInterceptorBase
}

// InterceptActivity wraps the activity inbound chain.
func (*ScrubInterceptor) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &scrubInbound{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type scrubInbound struct {
	interceptor.ActivityInboundInterceptorBase
}

func (s *scrubInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := s.Next.ExecuteActivity(ctx, in)
	return res, ScrubError(err)
}

// ScrubError returns err as an application error with a scrubbed message, keeping how Temporal
// retries it. Cancellations pass through unchanged.
func ScrubError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce *temporal.CanceledError
	if errors.As(err, &ce) {
		return err
	}
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		return temporal.NewApplicationError(redact.Scrub(err.Error()), fmt.Sprintf("%T", err))
	}
	msg := ae.Message()
	if msg == "" {
		msg = ae.Error()
	}
	opts := temporal.ApplicationErrorOptions{NonRetryable: ae.NonRetryable(), NextRetryDelay: ae.NextRetryDelay(), Category: ae.Category()}
	if ae.Type() == ErrTypeQuotaExhausted {
		var w QuotaWait
		if ae.Details(&w) == nil {
			w.Message = redact.Scrub(w.Message)
			opts.Details = []any{w}
		}
	}
	return temporal.NewApplicationErrorWithOptions(redact.Scrub(msg), ae.Type(), opts)
}
