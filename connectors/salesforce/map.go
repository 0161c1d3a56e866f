// This file maps Salesforce Contact rows to canonical customer records.
package salesforce

import (
	"fmt"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// ConsentSource names the field email consent is read from.
const ConsentSource = "salesforce.HasOptedOutOfEmail"

// toCustomer maps one Contact. Values are kept as received; cleansing normalizes them.
//
// UpdatedAt is SystemModstamp (the field incremental syncs filter on; it moves with system changes
// too), falling back to LastModifiedDate. Consent: HasOptedOutOfEmail true is an explicit email
// opt-out (unsubscribed); false only says no opt-out was recorded, so the state is unknown. DoNotCall
// concerns phone calls, not SMS: it is kept as the attribute do_not_call.
func toCustomer(source string, r contact) (record.Customer, error) {
	if r.ID == "" {
		return record.Customer{}, fmt.Errorf("contact without Id")
	}
	modstamp := r.SystemModstamp
	if modstamp == "" {
		modstamp = r.LastModifiedDate
	}
	updated, err := parseTime(modstamp)
	if err != nil {
		return record.Customer{}, fmt.Errorf("contact %s: SystemModstamp: %w", r.ID, err)
	}
	created, _ := parseTime(r.CreatedDate)
	c := record.Customer{
		Source: source, SourceID: r.ID, UpdatedAt: updated, CreatedAt: created,
		Email: str(r.Email), Phone: str(r.Phone), FirstName: str(r.FirstName), LastName: str(r.LastName),
		BirthDate: str(r.Birthdate), Deleted: r.IsDeleted,
	}
	attrs := map[string]string{}
	if m := str(r.MobilePhone); m != "" {
		if c.Phone == "" {
			c.Phone = m
		} else if m != c.Phone {
			attrs["mobile_phone"] = m
		}
	}
	if r.DoNotCall {
		attrs["do_not_call"] = "true"
	}
	if len(attrs) > 0 {
		c.Attributes = attrs
	}
	state := record.ConsentUnknown
	if r.HasOptedOutOfEmail {
		state = record.ConsentUnsubscribed
	}
	c.Consent = map[record.Channel]record.Consent{record.ChannelEmail: {State: state, Source: ConsentSource}}
	return c, nil
}

// parseTime reads Salesforce datetimes (2013-05-20T20:49:32.000+0000), tolerating RFC 3339.
func parseTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable datetime %q", v)
}
