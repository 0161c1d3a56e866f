package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
)

func TestScrubErrorKeepsRetryBehaviourAndDropsIdentifiers(t *testing.T) {
	raw := "mailchimp: PUT /lists/l/members/0cba00ca3da1b283a57287bcceb17e35: HTTP 400: jane.doe@example.com looks fake or invalid"
	err := ScrubError(temporal.NewNonRetryableApplicationError(raw, ErrTypeVendorRejected, errors.New("cause "+raw)))
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		t.Fatalf("not an application error: %v", err)
	}
	if !ae.NonRetryable() || ae.Type() != ErrTypeVendorRejected {
		t.Fatalf("retry behaviour lost: type %s non-retryable %v", ae.Type(), ae.NonRetryable())
	}
	for _, s := range []string{"jane.doe@example.com", "0cba00ca3da1b283a57287bcceb17e35"} {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("%q still in %q", s, err.Error())
		}
	}

	delay := temporal.NewApplicationErrorWithOptions("throttled bob@x.org", ErrTypeVendorThrottled,
		temporal.ApplicationErrorOptions{NextRetryDelay: 7 * time.Second})
	errors.As(ScrubError(delay), &ae)
	if ae.NextRetryDelay() != 7*time.Second || strings.Contains(ae.Error(), "bob@x.org") {
		t.Fatalf("throttle: %v delay %s", ae, ae.NextRetryDelay())
	}

	wait := QuotaWait{ResumeAt: time.Unix(100, 0).UTC(), Checkpoint: Checkpoint{Cursor: "c9"}, Message: "quota for ann@x.org"}
	errors.As(ScrubError(temporal.NewNonRetryableApplicationError("quota", ErrTypeQuotaExhausted, nil, wait)), &ae)
	var got QuotaWait
	if err := ae.Details(&got); err != nil || got.Checkpoint.Cursor != "c9" || strings.Contains(got.Message, "ann@x.org") {
		t.Fatalf("quota wait details: %+v %v", got, err)
	}

	plain := ScrubError(fmt.Errorf("store: row for carl@x.org: %w", errors.New("busy")))
	if !errors.As(plain, &ae) || strings.Contains(plain.Error(), "carl@x.org") || ae.NonRetryable() {
		t.Fatalf("plain error: %v", plain)
	}
	if ScrubError(context.Canceled) != context.Canceled {
		t.Fatal("cancellation changed")
	}
}
