// fields.go holds the per-field steps of Cleanser.Customer: free text, address parts, email (with
// the junk rules), phone, names (repeated until they settle) and birth date. A bad field is
// dropped and reported as an Issue.

package cleansing

import (
	"fmt"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

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

// cleanBirthDate normalizes a birth date and rejects placeholders, dates before
// cleanse.min_birth_year (1900) and dates in the future.
func (c *Cleanser) cleanBirthDate(raw string, issues *[]Issue) string {
	d, err := NormalizeDate(raw, c.order)
	if err == nil && d != "" {
		today := c.now().Format(time.DateOnly)
		switch {
		case placeholderBirthDates[d]:
			err = newError("date", ReasonPlaceholderDate, raw, "is a placeholder birth date")
		case d < c.minBirth:
			err = newError("date", ReasonInvalidDate, raw, fmt.Sprintf("is before %d, not a plausible birth date (cleanse.min_birth_year)", c.minBirthYear))
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
