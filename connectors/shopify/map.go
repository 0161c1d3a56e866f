// This file maps Shopify customers and orders to canonical records.
package shopify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

// Consent sources, naming the Shopify field each consent was read from.
const (
	ConsentSourceEmail            = "shopify.email_marketing_consent"
	ConsentSourceSMS              = "shopify.sms_marketing_consent"
	ConsentSourceAcceptsMarketing = "shopify.accepts_marketing"
)

// toCustomer maps one customer. Values are kept as received; cleansing normalizes them.
//
// Consent comes from email_marketing_consent and sms_marketing_consent with their state,
// opt_in_level and consent_updated_at; a null consent object (Shopify sends null when the customer
// has no email / phone) records nothing for that channel. Only when email_marketing_consent is
// absent is the deprecated accepts_marketing read (true: subscribed, false: not_subscribed).
// Shopify customers carry no birth date or gender.
func toCustomer(source string, c customer) (record.Customer, error) {
	id := strconv.FormatInt(c.ID, 10)
	if c.ID == 0 {
		return record.Customer{}, fmt.Errorf("customer without id")
	}
	updated, err := parseTime(c.UpdatedAt)
	if err != nil {
		return record.Customer{}, fmt.Errorf("customer %s: updated_at: %w", id, err)
	}
	created, _ := parseTime(c.CreatedAt)
	rc := record.Customer{
		Source: source, SourceID: id, UpdatedAt: updated, CreatedAt: created,
		Email: str(c.Email), Phone: str(c.Phone), FirstName: str(c.FirstName), LastName: str(c.LastName),
	}
	if a := c.DefaultAddress; a != nil {
		rc.Address = record.Address{Line1: str(a.Address1), Line2: str(a.Address2), City: str(a.City),
			Region: first(str(a.ProvinceCode), str(a.Province)), Postcode: str(a.Zip),
			Country: first(str(a.CountryCode), str(a.Country))}
		if rc.Phone == "" {
			rc.Phone = str(a.Phone)
		}
	}
	consent := map[record.Channel]record.Consent{}
	if m := c.EmailMarketingConsent; m != nil {
		consent[record.ChannelEmail] = toConsent(*m, ConsentSourceEmail)
	} else if c.AcceptsMarketing != nil {
		st := record.ConsentNotSubscribed
		if *c.AcceptsMarketing {
			st = record.ConsentSubscribed
		}
		at, _ := parseTime(str(c.AcceptsMarketingUpdatedAt))
		consent[record.ChannelEmail] = record.Consent{State: st, UpdatedAt: at, Source: ConsentSourceAcceptsMarketing}
	}
	if m := c.SMSMarketingConsent; m != nil {
		consent[record.ChannelSMS] = toConsent(*m, ConsentSourceSMS)
	}
	if len(consent) > 0 {
		rc.Consent = consent
	}
	attrs := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			attrs[k] = v
		}
	}
	set("tags", strings.TrimSpace(c.Tags))
	set("account_state", c.State)
	set("note", str(c.Note))
	if c.VerifiedEmail != nil {
		set("verified_email", strconv.FormatBool(*c.VerifiedEmail))
	}
	if c.OrdersCount != nil {
		set("orders_count", strconv.FormatInt(*c.OrdersCount, 10))
	}
	set("total_spent", str(c.TotalSpent)) // decimal string as sent, in "currency"
	set("currency", c.Currency)
	if len(attrs) > 0 {
		rc.Attributes = attrs
	}
	return rc, nil
}

func toConsent(m marketingConsent, source string) record.Consent {
	at, _ := parseTime(str(m.ConsentUpdatedAt))
	return record.Consent{State: consentState(m.State), UpdatedAt: at, OptInLevel: str(m.OptInLevel), Source: source}
}

// consentState maps Shopify's marketing states; anything else (e.g. "invalid") is unknown.
func consentState(s string) record.ConsentState {
	switch st := record.ConsentState(strings.ToLower(strings.TrimSpace(s))); st {
	case record.ConsentSubscribed, record.ConsentNotSubscribed, record.ConsentUnsubscribed,
		record.ConsentPending, record.ConsentRedacted:
		return st
	}
	return record.ConsentUnknown
}

// toOrder maps one order. Money is converted from decimal strings to minor units of the currency
// with exact arithmetic.
//
// Status: cancelled_at set → "cancelled"; else by financial_status: paid → "completed", refunded →
// "refunded", partially_refunded → "partially_refunded", voided → "cancelled", pending / authorized /
// partially_paid / unpaid → "open"; any other value is passed on as received.
func toOrder(source string, o order) (record.Order, error) {
	id := strconv.FormatInt(o.ID, 10)
	if o.ID == 0 {
		return record.Order{}, fmt.Errorf("order without id")
	}
	created, err := parseTime(o.CreatedAt)
	if err != nil {
		return record.Order{}, fmt.Errorf("order %s: created_at: %w", id, err)
	}
	updated, _ := parseTime(o.UpdatedAt)
	closed, _ := parseTime(str(o.ClosedAt))
	currency := o.Currency
	amount := o.TotalPrice
	if ps := o.TotalPriceSet; ps != nil {
		if currency == "" {
			currency = ps.ShopMoney.CurrencyCode
		}
		if amount == "" {
			amount = ps.ShopMoney.Amount
		}
	}
	if currency == "" {
		return record.Order{}, fmt.Errorf("order %s: no currency", id)
	}
	total, err := connectors.ParseDecimalMinor(amount, connectors.CurrencyExponent(currency))
	if err != nil {
		return record.Order{}, fmt.Errorf("order %s: total_price: %w", id, err)
	}
	ro := record.Order{
		Source: source, ID: id, Email: first(str(o.Email), str(o.ContactEmail)), Phone: str(o.Phone),
		Total:     record.Money{Amount: total, Currency: currency},
		CreatedAt: created, ClosedAt: closed, UpdatedAt: updated, Status: orderStatus(o),
	}
	if o.Customer != nil && o.Customer.ID != 0 {
		ro.CustomerID = strconv.FormatInt(o.Customer.ID, 10)
	}
	for i, l := range o.LineItems {
		lc, price := currency, l.Price
		if ps := l.PriceSet; ps != nil {
			if ps.ShopMoney.CurrencyCode != "" {
				lc = ps.ShopMoney.CurrencyCode
			}
			if price == "" {
				price = ps.ShopMoney.Amount
			}
		}
		p, err := connectors.ParseDecimalMinor(price, connectors.CurrencyExponent(lc))
		if err != nil {
			return record.Order{}, fmt.Errorf("order %s: line %d price: %w", id, i+1, err)
		}
		li := record.LineItem{SKU: str(l.SKU), Title: l.Title, Quantity: l.Quantity, Price: record.Money{Amount: p, Currency: lc}}
		if l.ProductID != nil {
			li.ProductID = strconv.FormatInt(*l.ProductID, 10)
		}
		ro.Lines = append(ro.Lines, li)
	}
	return ro, nil
}

func orderStatus(o order) string {
	if str(o.CancelledAt) != "" {
		return "cancelled"
	}
	switch fs := str(o.FinancialStatus); fs {
	case "paid":
		return "completed"
	case "refunded", "partially_refunded":
		return fs
	case "voided":
		return "cancelled"
	case "pending", "authorized", "partially_paid", "unpaid", "":
		return "open"
	default:
		return fs
	}
}

// parseTime reads Shopify's ISO-8601 timestamps with the shop's offset, returned in UTC.
func parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("unreadable datetime %q", v)
	}
	return t.UTC(), nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
