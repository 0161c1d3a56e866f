// cleanser.go applies every rule to whole records: Options, New, Cleanser.Customer and
// Cleanser.Order, which keep the good fields, drop and flag the bad ones, and quarantine
// records that cannot be used.

package cleansing

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Options configures a Cleanser (the cleanse.* configuration keys).
type Options struct {
	// DefaultRegion (cleanse.default_region) is an ISO-3166 alpha-2 code, e.g. "US". Phone
	// numbers without a country code are read in the record's country, or in this region when
	// the record has none; postcodes and regions of addresses without a country are
	// canonicalized with this country's rules when they fit them. Empty means: phones need a
	// country code unless the record has a country.
	DefaultRegion string
	// RejectDisposable (cleanse.reject_disposable): when true a disposable email is dropped and
	// flagged (disposable_email); when false it is kept and flagged.
	RejectDisposable bool
	// DateOrder (cleanse.date_order) is "DMY" (the default) or "MDY": how 02/01/2006 is read.
	DateOrder string
	// Now returns the current time, to reject birth dates in the future; nil means time.Now.
	Now func() time.Time
	// AllowNoIdentifier keeps records with neither email nor phone (flagged no_identifier instead of
	// quarantined): for offline resolution of files that hold names and addresses only. The
	// pipeline quarantines them, since no destination can reach them.
	AllowNoIdentifier bool
	// MinBirthYear (cleanse.min_birth_year) is the earliest plausible birth year; 0 means 1900.
	// Customers are alive, so an older date is junk; files of historical persons lower it.
	MinBirthYear int
}

// DefaultMinBirthYear is MinBirthYear's default.
const DefaultMinBirthYear = 1900

// Cleanser normalizes and validates records. It is safe for concurrent use.
type Cleanser struct {
	region           string
	rejectDisposable bool
	order            DateOrder
	now              func() time.Time
	// allowNoIdentifier: see Options.AllowNoIdentifier.
	allowNoIdentifier bool
	minBirth          string // earliest accepted birth date, YYYY-MM-DD
	minBirthYear      int
}

// Validate checks the options; each error names its cleanse.* key and the fix.
func (o Options) Validate() error {
	var errs []error
	if r := strings.TrimSpace(o.DefaultRegion); r != "" {
		up := strings.ToUpper(r)
		if len(up) != 2 || countryNames[up] == "" {
			if code, err := NormalizeCountry(r); err == nil && code != "" {
				errs = append(errs, fmt.Errorf("cleanse.default_region: %q is not an ISO-3166 alpha-2 code: use %q", o.DefaultRegion, code))
			} else {
				errs = append(errs, fmt.Errorf("cleanse.default_region: %q is not an ISO-3166 alpha-2 country code: use a two-letter code such as \"US\" or \"DE\", or leave it empty", o.DefaultRegion))
			}
		}
	}
	switch DateOrder(strings.ToUpper(strings.TrimSpace(o.DateOrder))) {
	case "", DMY, MDY:
	default:
		errs = append(errs, fmt.Errorf("cleanse.date_order: %q is not supported: use \"DMY\" (02/01/2006 is 2 January 2006) or \"MDY\" (02/01/2006 is February 1, 2006)", o.DateOrder))
	}
	if o.MinBirthYear < 0 || o.MinBirthYear > 9999 {
		errs = append(errs, fmt.Errorf("cleanse.min_birth_year: %d is not a year: use e.g. 1900 (the default), or 1 to accept any past date", o.MinBirthYear))
	}
	return errors.Join(errs...)
}

// New validates opts and returns a Cleanser.
func New(opts Options) (*Cleanser, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c := &Cleanser{rejectDisposable: opts.RejectDisposable, now: opts.Now, region: strings.ToUpper(strings.TrimSpace(opts.DefaultRegion)),
		order: DMY, allowNoIdentifier: opts.AllowNoIdentifier}
	if c.now == nil {
		c.now = time.Now
	}
	if DateOrder(strings.ToUpper(strings.TrimSpace(opts.DateOrder))) == MDY {
		c.order = MDY
	}
	c.minBirthYear = opts.MinBirthYear
	if c.minBirthYear == 0 {
		c.minBirthYear = DefaultMinBirthYear
	}
	c.minBirth = fmt.Sprintf("%04d-01-01", c.minBirthYear)
	return c, nil
}

// Result is a cleansed customer.
type Result struct {
	// Record is the normalized record with bad fields cleared. For a quarantined record it is
	// still the normalized record, for the quarantine table.
	Record record.Customer `json:"record"`
	// Issues lists every field dropped or flagged; for a quarantined record the first issue
	// carries the primary reason (missing_id, all_junk or no_identifier).
	Issues []Issue `json:"issues,omitempty"`
	// Quarantined records are unusable and must not go downstream.
	Quarantined bool `json:"quarantined,omitempty"`
}

// Reason returns the primary quarantine reason, or "" when the record was accepted.
func (r Result) Reason() string {
	if !r.Quarantined || len(r.Issues) == 0 {
		return ""
	}
	return r.Issues[0].Reason
}

// recordField is the pseudo field path of record-level issues (no_identifier, all_junk).
const recordField = "record"

// Customer cleanses one customer record. Bad fields are cleared and reported in Issues; the
// record is quarantined when it has no source id, or no valid email and no valid phone left
// (no_identifier, or all_junk when every field it carried was dropped). Records marked Deleted
// are never quarantined for lack of an identifier: their key is all a deletion needs.
func (c *Cleanser) Customer(in record.Customer) Result {
	out := in
	var issues []Issue
	drop := func(path, raw string, err error) {
		issues = append(issues, dropIssue(path, raw, err))
	}

	// Address first: the country decides how the phone, region and postcode are read.
	country, err := NormalizeCountry(in.Address.Country)
	if err != nil {
		drop("address.country", in.Address.Country, err)
	}
	out.Address.Country = country
	out.Address.Line1 = c.cleanFreeText("address.line1", in.Address.Line1, &issues)
	out.Address.Line2 = c.cleanFreeText("address.line2", in.Address.Line2, &issues)
	out.Address.City = c.cleanFreeText("address.city", in.Address.City, &issues)
	out.Address.Region = c.addressPart("address.region", in.Address.Region, country, NormalizeRegion, &issues)
	out.Address.Postcode = c.addressPart("address.postcode", in.Address.Postcode, country, NormalizePostcode, &issues)

	out.Email = c.cleanEmail(in.Email, &issues)

	region := country
	if phoneRegion(region) == "ZZ" {
		region = c.region
	}
	out.Phone = cleanPhone(in.Phone, region, &issues)

	c.cleanNames(in, &out, &issues)

	out.BirthDate = c.cleanBirthDate(in.BirthDate, &issues)

	gender, err := NormalizeGender(in.Gender)
	if err != nil {
		drop("gender", in.Gender, err)
	}
	out.Gender = gender

	res := Result{Record: out, Issues: issues}
	switch {
	case strings.TrimSpace(in.SourceID) == "":
		res.Quarantined = true
		res.Issues = prepend(Issue{Field: "source_id", Reason: ReasonMissingID, Value: in.SourceID,
			Detail: "the record has no source id, so it cannot be keyed"}, issues)
	case out.Email == "" && out.Phone == "" && !in.Deleted && c.allowNoIdentifier && contentFields(out) > 0:
		// Offline resolution: names and addresses are enough to compare; flag, keep.
		res.Issues = append(res.Issues, Issue{Field: recordField, Reason: ReasonNoIdentifier,
			Detail: "no valid email and no valid phone: kept for comparison on the other fields"})
	case out.Email == "" && out.Phone == "" && !in.Deleted:
		res.Quarantined = true
		if supplied := contentFields(in); supplied > 0 && contentFields(out) == 0 {
			res.Issues = prepend(Issue{Field: recordField, Reason: ReasonAllJunk,
				Detail: fmt.Sprintf("all %d fields the record carried were dropped", supplied)}, issues)
		} else {
			res.Issues = prepend(Issue{Field: recordField, Reason: ReasonNoIdentifier,
				Detail: "no valid email and no valid phone left"}, issues)
		}
	}
	return res
}

func prepend(first Issue, rest []Issue) []Issue {
	return append([]Issue{first}, rest...)
}

// contentFields counts the non-blank person fields of a customer (not ids, times or maps).
func contentFields(r record.Customer) int {
	n := 0
	for _, v := range []string{r.Email, r.Phone, r.Title, r.FirstName, r.LastName, r.Suffix,
		r.BirthDate, r.Gender, r.Address.Line1, r.Address.Line2, r.Address.City,
		r.Address.Region, r.Address.Postcode, r.Address.Country} {
		if cleanText(v) != "" {
			n++
		}
	}
	return n
}
