// This file maps engine members onto Meta's hashed multi-key rows.
package meta

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/hashing"
)

// fields maps each supported schema key to its normalizer over a member.
var fields = map[string]func(connectors.Member) string{
	"EMAIL":        func(m connectors.Member) string { return hashing.Email(m.Email) },
	"EMAIL_SHA256": func(m connectors.Member) string { return hashing.Email(m.Email) },
	"PHONE":        func(m connectors.Member) string { return hashing.PhoneDigits(m.Phone, m.Address.Country) },
	"PHONE_SHA256": func(m connectors.Member) string { return hashing.PhoneDigits(m.Phone, m.Address.Country) },
	"FN":           func(m connectors.Member) string { return hashing.Letters(m.FirstName) },
	"LN":           func(m connectors.Member) string { return hashing.Letters(m.LastName) },
	"FI": func(m connectors.Member) string {
		if n := hashing.Letters(m.FirstName); n != "" {
			return n[:1]
		}
		return ""
	},
	"CT":      func(m connectors.Member) string { return hashing.Letters(m.Address.City) },
	"ST":      func(m connectors.Member) string { return hashing.MetaState(m.Address.Region, m.Address.Country) },
	"ZIP":     func(m connectors.Member) string { return hashing.Postcode(m.Address.Postcode, m.Address.Country) },
	"COUNTRY": func(m connectors.Member) string { return hashing.Country(m.Address.Country) },
	"GEN":     func(m connectors.Member) string { return hashing.Gender(m.Gender) },
	"DOBY":    func(m connectors.Member) string { y, _, _ := hashing.BirthParts(m.BirthDate); return y },
	"DOBM":    func(m connectors.Member) string { _, mo, _ := hashing.BirthParts(m.BirthDate); return mo },
	"DOBD":    func(m connectors.Member) string { _, _, d := hashing.BirthParts(m.BirthDate); return d },
}

func isStrong(f string) bool {
	return f == "EMAIL" || f == "EMAIL_SHA256" || f == "PHONE" || f == "PHONE_SHA256"
}

// row returns the member's hashed values in schema order; ok is false when no strong key (email or
// phone) is usable, since Meta cannot match on the rest alone. Absent values are "".
func (d *Destination) row(m connectors.Member) (vals []string, ok bool) {
	vals = make([]string, len(d.cfg.Schema))
	for i, f := range d.cfg.Schema {
		vals[i] = hashing.SHA256(fields[f](m))
		ok = ok || (vals[i] != "" && isStrong(f))
	}
	return vals, ok
}

// Handle is the member's hashed email and phone as Meta matches them (connectors.Handler): what a
// removal sends when the member's profile is gone.
func (d *Destination) Handle(m connectors.Member) string {
	return handleOf(m).String()
}

func handleOf(m connectors.Member) hashing.Handle {
	return hashing.Handle{Email: hashing.SHA256(hashing.Email(m.Email)), Phone: hashing.SHA256(hashing.PhoneDigits(m.Phone, m.Address.Country))}
}

// removalSchema is what removal rows carry: the strong keys, hashed, from the fields or the ledger.
var removalSchema = []string{"EMAIL", "PHONE"}

// removalRow returns a member's removal row: from its fields, else from the ledger's handle.
func removalRow(m connectors.Member) ([]string, bool) {
	h := handleOf(m)
	if h.Empty() {
		var err error
		if h, err = hashing.ParseHandle(m.Handle); err != nil {
			return nil, false
		}
	}
	return []string{h.Email, h.Phone}, !h.Empty()
}
