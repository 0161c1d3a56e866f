// order.go holds Cleanser.Order: orders' emails and phones normalized like customers', currencies
// checked against ISO-4217, negative and zero totals flagged, orders without an id quarantined.

package cleansing

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cdpflow/cdpflow/record"
)

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
