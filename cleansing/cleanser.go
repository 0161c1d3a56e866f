// cleanser.go applies every rule to whole records: Options, New, Cleanser.Customer and
// Cleanser.Order, which keep the good fields, drop and flag the bad ones, and quarantine
// records that cannot be used.

package cleansing

import (
	"errors"
	"fmt"
	"strconv"
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
}

// Cleanser normalizes and validates records. It is safe for concurrent use.
type Cleanser struct {
	region           string
	rejectDisposable bool
	order            DateOrder
	now              func() time.Time
	// allowNoIdentifier: see Options.AllowNoIdentifier.
	allowNoIdentifier bool
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

// OrderResult is a cleansed order.
type OrderResult struct {
	Record      record.Order `json:"record"`
	Issues      []Issue      `json:"issues,omitempty"`
	Quarantined bool         `json:"quarantined,omitempty"`
}

// Reason returns the primary quarantine reason, or "" when the order was accepted.
func (r OrderResult) Reason() string {
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

// cleanFreeText cleans an address line or city: whitespace and invisible characters; a
// placeholder or a value without any letter or digit is dropped.
func (c *Cleanser) cleanFreeText(path, raw string, issues *[]Issue) string {
	s := cleanText(raw)
	if s == "" {
		return ""
	}
	if isNullMarker(s) || !hasLetterOrDigit(s) {
		*issues = append(*issues, dropIssue(path, raw,
			newError(strings.TrimPrefix(path, "address."), ReasonPlaceholderValue, raw, "is a placeholder for no value")))
		return ""
	}
	return s
}

// addressPart normalizes a region or postcode. With a country the country's rules apply
// strictly; without one the default region's rules are used when the value fits them, and the
// value is otherwise kept as cleaned text.
func (c *Cleanser) addressPart(path, raw, country string, norm func(raw, country string) (string, error), issues *[]Issue) string {
	if country != "" {
		v, err := norm(raw, country)
		if err != nil {
			*issues = append(*issues, dropIssue(path, raw, err))
		}
		return v
	}
	if c.region != "" {
		if v, err := norm(raw, c.region); err == nil {
			return v
		}
	}
	v, err := norm(raw, "")
	if err != nil {
		*issues = append(*issues, dropIssue(path, raw, err))
	}
	return v
}

// cleanEmail normalizes an email and applies the junk rules: placeholder and no-reply
// addresses are dropped, disposable ones dropped or flagged per RejectDisposable, role
// addresses flagged.
func (c *Cleanser) cleanEmail(raw string, issues *[]Issue) string {
	email, err := NormalizeEmail(raw)
	if err != nil {
		*issues = append(*issues, dropIssue("email", raw, err))
		return ""
	}
	if email == "" {
		return ""
	}
	junk := EmailJunkReason(email)
	if junk == "" {
		return email
	}
	dropped := junk == ReasonPlaceholderEmail || junk == ReasonNoReplyEmail ||
		(junk == ReasonDisposableEmail && c.rejectDisposable)
	*issues = append(*issues, Issue{Field: "email", Reason: junk, Value: raw, Dropped: dropped,
		Detail: (&Error{Field: "email", Value: raw, Msg: junkWords[junk]}).Error()})
	if dropped {
		return ""
	}
	return email
}

var junkWords = map[string]string{
	ReasonPlaceholderEmail: "is a placeholder address",
	ReasonNoReplyEmail:     "is a no-reply address that cannot receive mail",
	ReasonDisposableEmail:  "is at a disposable email provider",
	ReasonRoleEmail:        "is a shared role mailbox, not a person",
}

// cleanPhone normalizes a phone in region and flags a cut-off extension.
func cleanPhone(raw, region string, issues *[]Issue) string {
	p, err := parsePhone(raw, region)
	if err != nil {
		*issues = append(*issues, dropIssue("phone", raw, err))
		return ""
	}
	if p.extension != "" {
		*issues = append(*issues, Issue{Field: "phone", Reason: ReasonPhoneExtension, Value: raw,
			Detail: "extension " + p.extension + " was cut off: E.164 numbers have none"})
	}
	return p.e164
}

// cleanNames splits and normalizes title, first name, last name and suffix. Dropping one part
// can change how the rest splits (a whole name left in the first name field) or reveal a
// placeholder ("Test" + "User"), so the step is repeated on its own output until it settles:
// cleansing twice then equals cleansing once. Every round's issues are kept, each once.
func (c *Cleanser) cleanNames(in record.Customer, out *record.Customer, issues *[]Issue) {
	cur := in
	// A round that does not settle drops or moves at least one word, so the number of words
	// bounds the rounds (real names settle in two).
	rounds := 3 + len(strings.Fields(in.Title+" "+in.FirstName+" "+in.LastName+" "+in.Suffix))
	for round := 0; round < rounds; round++ {
		var found []Issue
		c.cleanNamesOnce(cur, out, &found)
		for _, is := range found {
			if round == 0 || !hasIssue(*issues, is.Field, is.Reason) {
				*issues = append(*issues, is)
			}
		}
		if out.Title == cur.Title && out.FirstName == cur.FirstName && out.LastName == cur.LastName && out.Suffix == cur.Suffix {
			return
		}
		cur.Title, cur.FirstName, cur.LastName, cur.Suffix = out.Title, out.FirstName, out.LastName, out.Suffix
	}
}

func hasIssue(issues []Issue, field, reason string) bool {
	for _, is := range issues {
		if is.Field == field && is.Reason == reason {
			return true
		}
	}
	return false
}

// cleanNamesOnce is one round of cleanNames.
func (c *Cleanser) cleanNamesOnce(in record.Customer, out *record.Customer, issues *[]Issue) {
	out.Title, out.FirstName, out.LastName, out.Suffix = "", "", "", ""

	title, err := NormalizeTitle(in.Title)
	if err != nil {
		*issues = append(*issues, dropIssue("title", in.Title, err))
	}
	suffix, err := NormalizeSuffix(in.Suffix)
	if err != nil {
		*issues = append(*issues, dropIssue("suffix", in.Suffix, err))
	}

	f, l := cleanName(in.FirstName), cleanName(in.LastName)
	if f != "" && l != "" && isPlaceholderName(f+" "+l) { // "Test User", "First Last"
		err := newError("name", ReasonPlaceholderName, in.FirstName+" "+in.LastName, "is a placeholder, not a name")
		*issues = append(*issues, dropIssue("first_name", in.FirstName, err), dropIssue("last_name", in.LastName, err))
		out.Title, out.Suffix = title, suffix
		return
	}

	n := SplitName(in.FirstName, in.LastName)
	out.Title = joinCodes(title, n.Title)
	out.Suffix = joinCodes(suffix, n.Suffix)
	firstRaw, lastRaw := in.FirstName, in.LastName
	if firstRaw == "" {
		firstRaw = in.LastName
	}
	if lastRaw == "" {
		lastRaw = in.FirstName
	}
	if out.FirstName, err = NormalizeName(n.First); err != nil {
		*issues = append(*issues, dropIssue("first_name", firstRaw, err))
	}
	if out.LastName, err = NormalizeName(n.Last); err != nil {
		*issues = append(*issues, dropIssue("last_name", lastRaw, err))
	}
}

// joinCodes merges two space-separated code lists without repeating a code.
func joinCodes(a, b string) string {
	list := strings.Fields(a)
	for _, c := range strings.Fields(b) {
		list = appendCode(list, c)
	}
	return strings.Join(list, " ")
}

// placeholderBirthDates are default values of date pickers and legacy systems.
var placeholderBirthDates = map[string]bool{"1900-01-01": true, "1899-12-31": true, "1899-12-30": true}

// cleanBirthDate normalizes a birth date and rejects placeholders, dates before 1900 and
// dates in the future.
func (c *Cleanser) cleanBirthDate(raw string, issues *[]Issue) string {
	d, err := NormalizeDate(raw, c.order)
	if err == nil && d != "" {
		today := c.now().Format(time.DateOnly)
		switch {
		case placeholderBirthDates[d]:
			err = newError("date", ReasonPlaceholderDate, raw, "is a placeholder birth date")
		case d < "1900-01-01":
			err = newError("date", ReasonInvalidDate, raw, "is before 1900, not a plausible birth date")
		case d > today:
			err = newError("date", ReasonInvalidDate, raw, "is in the future")
		}
	}
	if err != nil {
		*issues = append(*issues, dropIssue("birth_date", raw, err))
		return ""
	}
	return d
}

// Order cleanses one order: email and phone normalized (junk rules as for customers; phones
// read in the default region), currencies checked against ISO-4217 (an invalid one is
// cleared), negative and zero totals flagged. An order without an id is quarantined
// (missing_id).
func (c *Cleanser) Order(in record.Order) OrderResult {
	out := in
	var issues []Issue
	out.Email = c.cleanEmail(in.Email, &issues)
	out.Phone = cleanPhone(in.Phone, c.region, &issues)

	out.Total.Currency = cleanCurrency("total.currency", in.Total.Currency, &issues)
	if out.Total.Currency == "" && in.Total.Amount != 0 && strings.TrimSpace(in.Total.Currency) == "" {
		issues = append(issues, Issue{Field: "total.currency", Reason: ReasonMissingCurrency,
			Detail: "the total has an amount but no currency"})
	}
	amount := strconv.FormatInt(in.Total.Amount, 10)
	switch {
	case in.Total.Amount < 0:
		issues = append(issues, Issue{Field: "total.amount", Reason: ReasonNegativeTotal, Value: amount,
			Detail: "the order total is negative"})
	case in.Total.Amount == 0:
		issues = append(issues, Issue{Field: "total.amount", Reason: ReasonZeroTotal, Value: amount,
			Detail: "the order total is zero"})
	}
	if len(in.Lines) > 0 {
		out.Lines = make([]record.LineItem, len(in.Lines))
		for i, l := range in.Lines {
			l.Price.Currency = cleanCurrency(fmt.Sprintf("lines[%d].price.currency", i), l.Price.Currency, &issues)
			out.Lines[i] = l
		}
	}

	res := OrderResult{Record: out, Issues: issues}
	if strings.TrimSpace(in.ID) == "" {
		res.Quarantined = true
		res.Issues = prepend(Issue{Field: "id", Reason: ReasonMissingID, Value: in.ID,
			Detail: "the order has no id, so it cannot be keyed"}, issues)
	}
	return res
}

func cleanCurrency(path, raw string, issues *[]Issue) string {
	cur, err := NormalizeCurrency(raw)
	if err != nil {
		*issues = append(*issues, dropIssue(path, raw, err))
	}
	return cur
}
