// This file holds what `starter check` and a run's pre-flight ask of a connector: Checker (test
// the connection: authenticate, verify the configured ids and scopes, read one page), the report it
// returns, and APIVersion, the vendor API version a connector calls with its support window.
package connectors

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Checker is implemented by connectors that can test their connection without changing anything
// at the vendor.
type Checker interface {
	// Check authenticates and verifies what the configuration names (list, audience, property,
	// locations, scopes). Deep also reads one page of data (a source) or validates a request
	// without storing it (a destination), for `starter check`; a run's pre-flight is not deep.
	Check(ctx context.Context, deep bool) CheckReport
}

// CheckReport is what a check found.
type CheckReport struct {
	// Steps are the probes in order; the first failed one ends the check.
	Steps []CheckStep `json:"steps"`
	// Warnings do not fail the check (a missing optional scope, a version near its end).
	Warnings []string `json:"warnings,omitempty"`
	// API is the vendor API version called (empty when the vendor has none).
	API APIVersion `json:"api"`
}

// CheckStep is one probe.
type CheckStep struct {
	Name   string `json:"name"`             // "authenticate", "list exists", "read one page"
	OK     bool   `json:"ok"`               //
	Detail string `json:"detail,omitempty"` // what was found, or the vendor's words on failure
	Err    error  `json:"-"`                // the failure, for classification
}

// Step records a probe's outcome; it reports whether the probe passed.
func (r *CheckReport) Step(name string, err error, detail string, args ...any) bool {
	st := CheckStep{Name: name, OK: err == nil, Err: err}
	if err != nil {
		st.Detail = err.Error()
	} else if detail != "" {
		st.Detail = fmt.Sprintf(detail, args...)
	}
	r.Steps = append(r.Steps, st)
	return err == nil
}

// Warn adds a warning.
func (r *CheckReport) Warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// Err returns the first failed step's error (nil when every step passed).
func (r CheckReport) Err() error {
	for _, s := range r.Steps {
		if !s.OK {
			return s.Err
		}
	}
	return nil
}

// APIVersion is a vendor API version and what is known of its end of support.
type APIVersion struct {
	API     string    `json:"api"`            // e.g. "Meta Marketing API"
	Version string    `json:"version"`        // e.g. "v26.0"
	Ends    time.Time `json:"ends,omitzero"`  // the announced end of support (zero: none announced)
	Note    string    `json:"note,omitempty"` // how the date is known, or what replaces the version
}

// WarnBefore is how long before a version's end `starter check` and runs start to warn.
const WarnBefore = 90 * 24 * time.Hour

// Support says whether the version may be used on day now: expired (calls fail), a warning
// within WarnBefore of the end, or neither.
func (v APIVersion) Support(now time.Time) (expired bool, warning string) {
	if v.Ends.IsZero() || v.Version == "" {
		return false, ""
	}
	day := v.Ends.Format("2006-01-02")
	switch left := v.Ends.Sub(now); {
	case left <= 0:
		return true, fmt.Sprintf("%s %s is no longer supported since %s%s: set a live version", v.API, v.Version, day, note(v.Note))
	case left <= WarnBefore:
		return false, fmt.Sprintf("%s %s stops being supported on %s (in %d days)%s: move to a newer version",
			v.API, v.Version, day, int(left.Hours()/24)+1, note(v.Note))
	}
	return false, ""
}

func note(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// Day parses a YYYY-MM-DD date for support tables (it panics on a typo, at start-up).
func Day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// Warner is implemented by sources that learn something the run summary should flag (orders cut
// to 60 days for lack of a scope); Warnings is read after the extraction.
type Warner interface {
	Warnings() []string
}

// RunCheck checks one connector: its own Check (when it has one), then its API version's support
// window on day now (an ended version fails the check, one ending within WarnBefore warns).
func RunCheck(ctx context.Context, c any, deep bool, now time.Time) CheckReport {
	ch, ok := c.(Checker)
	if !ok {
		r := CheckReport{}
		r.Step("configuration", nil, "nothing remote to check")
		return r
	}
	r := ch.Check(ctx, deep)
	if expired, warning := r.API.Support(now); expired {
		r.Step("api version supported", errors.New(warning), "")
	} else if warning != "" {
		r.Warnings = append(r.Warnings, warning)
	}
	return r
}
