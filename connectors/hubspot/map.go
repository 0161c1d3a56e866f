// This file maps HubSpot contact objects to canonical customer records.
package hubspot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// ConsentSource names the field email consent is read from.
const ConsentSource = "hubspot.hs_email_optout"

// toCustomer maps one contact. Values are kept as received (cleansing normalizes them), except that
// a date_of_birth sent as epoch milliseconds becomes YYYY-MM-DD.
//
// Consent: hs_email_optout "true" means the contact opted out of all email, so email consent is
// unsubscribed. "false" or null only says no opt-out was recorded; HubSpot keeps subscriptions per
// subscription type, not in this property, so the state is unknown rather than subscribed.
func toCustomer(source string, o contactObject, extra []string) (record.Customer, error) {
	id := o.ID
	if id == "" {
		id = o.prop("hs_object_id")
	}
	if id == "" {
		return record.Customer{}, fmt.Errorf("contact without id")
	}
	updated, err := parseTime(o.prop("lastmodifieddate"), o.UpdatedAt)
	if err != nil {
		return record.Customer{}, fmt.Errorf("contact %s: lastmodifieddate: %w", id, err)
	}
	created, _ := parseTime(o.prop("createdate"), o.CreatedAt)
	c := record.Customer{
		Source: source, SourceID: id, UpdatedAt: updated, CreatedAt: created,
		Email: o.prop("email"), FirstName: o.prop("firstname"), LastName: o.prop("lastname"),
		Phone: o.prop("phone"), BirthDate: birthDate(o.prop("date_of_birth")), Gender: o.prop("gender"),
		Address: record.Address{Line1: o.prop("address"), City: o.prop("city"), Region: o.prop("state"),
			Postcode: o.prop("zip"), Country: o.prop("country")},
		Deleted: o.Archived,
	}
	if o.Archived && o.ArchivedAt != "" {
		// Archiving does not change lastmodifieddate: the deletion's time is archivedAt.
		if at, err := parseTime(o.ArchivedAt, ""); err == nil {
			c.UpdatedAt = at
		}
	}
	attrs := map[string]string{}
	if mobile := o.prop("mobilephone"); mobile != "" {
		if c.Phone == "" {
			c.Phone = mobile
		} else if mobile != c.Phone {
			attrs["mobilephone"] = mobile
		}
	}
	state := record.ConsentUnknown
	if strings.EqualFold(strings.TrimSpace(o.prop("hs_email_optout")), "true") {
		state = record.ConsentUnsubscribed
	}
	c.Consent = map[record.Channel]record.Consent{record.ChannelEmail: {State: state, Source: ConsentSource}}
	for _, p := range extra {
		if v := o.prop(p); v != "" {
			attrs[p] = v
		}
	}
	if len(attrs) > 0 {
		c.Attributes = attrs
	}
	return c, nil
}

// parseTime reads a HubSpot datetime (ISO-8601 or epoch milliseconds), falling back to the
// object's top-level timestamp.
func parseTime(prop, fallback string) (time.Time, error) {
	for _, v := range []string{prop, fallback} {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.UnixMilli(ms).UTC(), nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("unreadable datetime %q", v)
		}
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("missing")
}

// birthDate keeps the value as received unless it is epoch milliseconds (HubSpot date properties
// can come back as midnight UTC in ms), which becomes YYYY-MM-DD.
func birthDate(v string) string {
	if len(v) >= 9 && strings.Trim(v, "-0123456789") == "" {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.UnixMilli(ms).UTC().Format("2006-01-02")
		}
	}
	return v
}
