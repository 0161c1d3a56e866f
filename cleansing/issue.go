// issue.go holds the reason codes, the Issue a cleansing step reports, and the Error the
// individual normalizers return.

package cleansing

import (
	"errors"
	"strconv"
)

// Reason codes. They are part of the package's contract: quarantine tables, quality reports and
// identity resolution key on them, so never rename one.
const (
	// Quarantine reasons (a record with one of these as its first issue does not go downstream).
	ReasonMissingID    = "missing_id"    // the record has no source id (customers) or order id
	ReasonErased       = "erased"        // the person was erased: the record is suppressed, its data not kept
	ReasonNoIdentifier = "no_identifier" // no usable email and no usable phone left
	ReasonAllJunk      = "all_junk"      // every field the record carried was dropped

	// Email.
	ReasonInvalidEmail     = "invalid_email"     // not a syntactically valid address
	ReasonPlaceholderEmail = "placeholder_email" // test@example.com, none@none.com, n/a ...
	ReasonNoReplyEmail     = "noreply_email"     // noreply@, mailer-daemon@ ...: cannot receive mail
	ReasonDisposableEmail  = "disposable_email"  // domain on the shipped disposable-provider list
	ReasonRoleEmail        = "role_email"        // info@, sales@ ...: a shared mailbox, kept but flagged

	// Phone.
	ReasonInvalidPhone     = "invalid_phone"     // not a valid number for its region
	ReasonPlaceholderPhone = "placeholder_phone" // 0000000000, 1234567890, 555-0100 ...
	ReasonPhoneExtension   = "phone_extension"   // an extension was cut off (E.164 has none); phone kept

	// Names.
	ReasonInvalidName     = "invalid_name"     // digits, an email address, symbols, no letters, too long
	ReasonPlaceholderName = "placeholder_name" // test, unknown, n/a, asdf ...
	ReasonInvalidTitle    = "invalid_title"    // the title field is not a known honorific
	ReasonInvalidSuffix   = "invalid_suffix"   // the suffix field is not a known suffix

	// Dates and codes.
	ReasonInvalidDate      = "invalid_date"      // unparseable, impossible (31/02) or out of range
	ReasonPlaceholderDate  = "placeholder_date"  // 0000-00-00, 1900-01-01 ...
	ReasonInvalidGender    = "invalid_gender"    // not a recognised gender value
	ReasonInvalidCountry   = "invalid_country"   // not an ISO-3166 country
	ReasonInvalidRegion    = "invalid_region"    // not a subdivision of the record's country
	ReasonInvalidPostcode  = "invalid_postcode"  // does not match the country's postcode format
	ReasonPlaceholderValue = "placeholder_value" // n/a, null, unknown, - ... in any other field

	// Orders.
	ReasonInvalidCurrency = "invalid_currency" // not an ISO-4217 code; the currency is cleared
	ReasonMissingCurrency = "missing_currency" // a non-zero amount without a currency
	ReasonNegativeTotal   = "negative_total"   // flagged, kept (refunds can be negative)
	ReasonZeroTotal       = "zero_total"       // flagged, kept

	// Uniqueness within one source (flags, never quarantine).
	ReasonSharedEmail = "shared_email" // the same mailbox on two different persons
	ReasonSharedPhone = "shared_phone" // the same number on two different persons
)

// Issue is one finding about one field of one record: a field that was dropped (cleared) or
// flagged (kept, but marked so downstream stages can treat it with care).
type Issue struct {
	Field  string `json:"field"`  // canonical field path: "email", "phone", "address.country", ...
	Reason string `json:"reason"` // one of the Reason* codes
	Value  string `json:"value"`  // the offending value as received
	// Dropped is true when the field was cleared from the record; false when it was kept and only
	// flagged (role_email, disposable_email without RejectDisposable, shared_email ...).
	Dropped bool `json:"dropped,omitempty"`
	// Detail says what was wrong in words, e.g. `phone "12": too short for region US`.
	Detail string `json:"detail,omitempty"`
}

// Error is what the normalizers return when a value cannot be normalized: the reason code, the
// value as received and what was wrong. Use ReasonOf to get the code from any error.
type Error struct {
	Field  string // the kind of value, e.g. "phone", "email", "date"
	Reason string // one of the Reason* codes
	Value  string // the value as received
	Msg    string // what was wrong, e.g. "too short for region US"
}

// maxQuoted bounds how much of a value an error message repeats.
const maxQuoted = 80

func (e *Error) Error() string {
	v := e.Value
	if len(v) > maxQuoted {
		v = truncateUTF8(v, maxQuoted) + "..."
	}
	return e.Field + " " + strconv.Quote(v) + ": " + e.Msg
}

// ReasonOf returns the reason code carried by err, or "" when err is nil or not an *Error.
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func newError(field, reason, value, msg string) *Error {
	return &Error{Field: field, Reason: reason, Value: value, Msg: msg}
}

// dropIssue turns a normalizer error into a dropped-field issue for path.
func dropIssue(path, value string, err error) Issue {
	return Issue{Field: path, Reason: reasonOrInvalid(err), Value: value, Dropped: true, Detail: err.Error()}
}

func reasonOrInvalid(err error) string {
	if r := ReasonOf(err); r != "" {
		return r
	}
	return "invalid_value"
}
