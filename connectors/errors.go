// This file holds the error contract between connectors and the engine: what a failed vendor call
// says about retrying, waiting and whether it may have taken effect.
package connectors

import (
	"errors"
	"time"
)

// ErrInDoubt marks an Apply error after which the change may or may not have taken effect (a
// timeout after a transactional send). The engine records such members as in doubt and never
// re-sends them automatically, whatever the error's retry classification says.
var ErrInDoubt = errors.New("outcome unknown: not retried, the change may have been applied")

// Error is what a connector's failed vendor call tells the engine. Connectors return errors whose
// chain holds an Error (connectors/httpx.Error implements it); the engine never looks further.
type Error interface {
	error
	// Retryable reports whether the same call can succeed later (false: permanent, e.g. a 400 or 401).
	Retryable() bool
	// RateLimited reports whether the vendor signalled a rate limit or quota (429 or its own signal).
	RateLimited() bool
	// Delay is the vendor's requested wait before the next try (0 when it gave none).
	Delay() time.Duration
	// NoResponse reports that no answer arrived (connection lost, timeout): the call may or may not
	// have taken effect at the vendor.
	NoResponse() bool
}

// AsError returns the Error in err's chain, if any.
func AsError(err error) (Error, bool) {
	var ce Error
	if errors.As(err, &ce) {
		return ce, true
	}
	return nil, false
}
