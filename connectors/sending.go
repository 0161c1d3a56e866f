// This file holds the sending hook: how a destination sync learns the moment a write request is
// about to leave the process (after rate-limit waits and request building), so its ledger rows
// can say "sent, answer unknown" only for calls that really went out. A crash before that moment
// leaves the rows reserved but unsent, and a retry sends them; after it, they are verified at the
// vendor before anything is resent.
package connectors

import (
	"context"
	"errors"
)

// ErrNotSent marks an error raised before a request left the process: the change certainly did
// not take effect.
var ErrNotSent = errors.New("not sent")

type sendingKey struct{}

// WithSending returns ctx carrying fn, which the HTTP transport calls immediately before each write
// request goes out (repeatedly on HTTP-level retries). If fn fails, the request is not sent and the
// call fails with an error wrapping ErrNotSent. A nil fn removes an inherited hook.
func WithSending(ctx context.Context, fn func() error) context.Context {
	return context.WithValue(ctx, sendingKey{}, fn)
}

// SendingHook returns the hook carried by ctx, or nil.
func SendingHook(ctx context.Context) func() error {
	fn, _ := ctx.Value(sendingKey{}).(func() error)
	return fn
}
