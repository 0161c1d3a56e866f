// This file maps Square customers and orders to canonical records.
package square

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// ConsentSource names the field email consent is read from.
const ConsentSource = "square.preferences.email_unsubscribed"

// mapCustomer maps one Square customer.
//
// Rules:
//   - preferences.email_unsubscribed true is an explicit opt-out (unsubscribed); false only says the
//     customer has not opted out, which is not an opt-in, so it maps to not_subscribed; no
//     preferences at all records no email consent.
//   - a birthday with the year 0000 (Square keeps month and day only) is not a birth date: BirthDate
//     stays empty and the month-day goes to attributes["birthday_month_day"] ("MM-DD"). Any other
//     birthday is passed on as received.
//   - country "ZZ" (Square's unknown country) is dropped.
//   - reference_id, company_name, nickname, note and creation_source go to attributes.
func mapCustomer(source string, c customer) (record.Customer, error) {
	updated, err := parseTime(c.UpdatedAt)
	if err != nil {
		return record.Customer{}, fmt.Errorf("updated_at: %w", err)
	}
	created, err := parseTime(c.CreatedAt)
	if err != nil {
		return record.Customer{}, fmt.Errorf("created_at: %w", err)
	}
	rec := record.Customer{
		Source: source, SourceID: c.ID, UpdatedAt: updated, CreatedAt: created,
		Email: c.EmailAddress, Phone: c.PhoneNumber, FirstName: c.GivenName, LastName: c.FamilyName,
	}
	attrs := map[string]string{}
	if b := c.Birthday; strings.HasPrefix(b, "0000-") {
		attrs["birthday_month_day"] = strings.TrimPrefix(b, "0000-")
	} else {
		rec.BirthDate = b
	}
	if a := c.Address; a != nil {
		line2 := strings.TrimSpace(strings.Join(nonEmpty(a.AddressLine2, a.AddressLine3), ", "))
		country := a.Country
		if country == "ZZ" {
			country = ""
		}
		rec.Address = record.Address{Line1: a.AddressLine1, Line2: line2, City: a.Locality,
			Region: a.AdministrativeDistrictLevel1, Postcode: a.PostalCode, Country: country}
		if rec.Address.City == "" {
			rec.Address.City = a.Sublocality
		}
	}
	if p := c.Preferences; p != nil && p.EmailUnsubscribed != nil {
		state := record.ConsentNotSubscribed
		if *p.EmailUnsubscribed {
			state = record.ConsentUnsubscribed
		}
		rec.Consent = map[record.Channel]record.Consent{record.ChannelEmail: {State: state, Source: ConsentSource}}
	}
	for k, v := range map[string]string{"reference_id": c.ReferenceID, "company": c.CompanyName,
		"nickname": c.Nickname, "note": c.Note, "creation_source": c.CreationSource} {
		if v != "" {
			attrs[k] = v
		}
	}
	if len(attrs) > 0 {
		rec.Attributes = attrs
	}
	return rec, nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// orderStatus maps Square order states to canonical statuses.
var orderStatus = map[string]string{"COMPLETED": "completed", "CANCELED": "cancelled", "OPEN": "open", "DRAFT": "draft"}

// mapOrder maps one Square order. Money stays in minor units as Square sends it. A line whose
// quantity is fractional (items sold by weight or volume, "1.5") cannot be held in LineItem's integer
// quantity: it becomes quantity 1 at the line's gross sales amount, with the real quantity in the
// title, so that line sums still match the order total.
func mapOrder(source string, o order) (record.Order, error) {
	created, err := parseTime(o.CreatedAt)
	if err != nil {
		return record.Order{}, fmt.Errorf("created_at: %w", err)
	}
	updated, err := parseTime(o.UpdatedAt)
	if err != nil {
		return record.Order{}, fmt.Errorf("updated_at: %w", err)
	}
	closed, err := parseTime(o.ClosedAt)
	if err != nil {
		return record.Order{}, fmt.Errorf("closed_at: %w", err)
	}
	status, ok := orderStatus[o.State]
	if !ok {
		status = strings.ToLower(o.State)
	}
	rec := record.Order{Source: source, ID: o.ID, CustomerID: o.CustomerID, Total: toMoney(o.TotalMoney),
		CreatedAt: created, UpdatedAt: updated, ClosedAt: closed, Status: status}
	for _, l := range o.LineItems {
		qty, whole, err := parseQuantity(l.Quantity)
		if err != nil {
			return record.Order{}, fmt.Errorf("line item %s: quantity: %w", l.UID, err)
		}
		li := record.LineItem{ProductID: l.CatalogObjectID, Title: l.Name, Quantity: qty, Price: toMoney(l.BasePriceMoney)}
		if !whole {
			li.Quantity = 1
			li.Title = fmt.Sprintf("%s (quantity %s)", l.Name, l.Quantity)
			switch {
			case l.GrossSalesMoney != nil:
				li.Price = toMoney(l.GrossSalesMoney)
			case l.TotalMoney != nil:
				li.Price = toMoney(l.TotalMoney)
			}
		}
		rec.Lines = append(rec.Lines, li)
	}
	return rec, nil
}

func toMoney(m *money) record.Money {
	if m == nil {
		return record.Money{}
	}
	out := record.Money{Currency: m.Currency}
	if m.Amount != nil {
		out.Amount = *m.Amount
	}
	return out
}

// parseQuantity parses Square's decimal quantity string. whole is false when it has a non-zero
// fraction; qty is then the integer part.
func parseQuantity(s string) (qty int64, whole bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 1, true, nil // Square requires a quantity; treat a missing one as a single unit
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" {
		intPart = "0"
	}
	qty, err = strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a decimal number", s)
	}
	for _, r := range frac {
		if r < '0' || r > '9' {
			return 0, false, fmt.Errorf("%q is not a decimal number", s)
		}
		if r != '0' {
			return qty, false, nil
		}
	}
	return qty, true, nil
}

// parseTime parses Square's RFC 3339 timestamps; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return t.UTC(), nil
}
