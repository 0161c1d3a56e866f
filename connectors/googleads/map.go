// This file maps engine members onto Customer Match user identifiers and reads errors back.
package googleads

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/hashing"
)

// identifiers returns the member's hashed identifiers: email (trimmed, lowercased), phone (E.164
// with "+"), and the address (hashed first and last name, trimmed and lowercased with punctuation
// kept, ISO country, postal code) when all four parts are known.
func identifiers(m connectors.Member) []userIdentifier {
	var ids []userIdentifier
	if e := hashing.Email(m.Email); e != "" {
		ids = append(ids, userIdentifier{HashedEmail: hashing.SHA256(e)})
	}
	if p := hashing.PhoneE164(m.Phone, m.Address.Country); p != "" {
		ids = append(ids, userIdentifier{HashedPhoneNumber: hashing.SHA256(p)})
	}
	first, last := hashing.GoogleName(m.FirstName), hashing.GoogleName(m.LastName)
	country := strings.ToUpper(hashing.Country(m.Address.Country))
	postal := strings.TrimSpace(m.Address.Postcode)
	if first != "" && last != "" && country != "" && postal != "" {
		ids = append(ids, userIdentifier{AddressInfo: &addressInfo{HashedFirstName: hashing.SHA256(first),
			HashedLastName: hashing.SHA256(last), CountryCode: country, PostalCode: postal}})
	}
	return ids
}

// Handle is the member's hashed email and phone as Google matches them (connectors.Handler).
func (d *Destination) Handle(m connectors.Member) string { return handleOf(m).String() }

func handleOf(m connectors.Member) hashing.Handle {
	return hashing.Handle{Email: hashing.SHA256(hashing.Email(m.Email)), Phone: hashing.SHA256(hashing.PhoneE164(m.Phone, m.Address.Country))}
}

// removalIdentifiers are a removed member's identifiers: from its fields, else from the ledger's
// handle (its profile may be gone).
func removalIdentifiers(m connectors.Member) []userIdentifier {
	if ids := identifiers(m); len(ids) > 0 {
		return ids
	}
	h, err := hashing.ParseHandle(m.Handle)
	if err != nil {
		return nil
	}
	var ids []userIdentifier
	if h.Email != "" {
		ids = append(ids, userIdentifier{HashedEmail: h.Email})
	}
	if h.Phone != "" {
		ids = append(ids, userIdentifier{HashedPhoneNumber: h.Phone})
	}
	return ids
}

// describe renders one Google Ads error as "kind=CODE: message".
func describe(e adsError) string {
	var codes []string
	for k, v := range e.ErrorCode {
		codes = append(codes, fmt.Sprintf("%s=%v", k, v))
	}
	sort.Strings(codes)
	s := strings.Join(codes, ",")
	if e.Message != "" {
		if s != "" {
			s += ": "
		}
		s += e.Message
	}
	return s
}

// opIndex returns the operations[] index an error points at.
func opIndex(e adsError) (int, bool) {
	if e.Location == nil {
		return 0, false
	}
	for _, el := range e.Location.FieldPathElements {
		if el.FieldName != "operations" || len(el.Index) == 0 {
			continue
		}
		var n int
		if json.Unmarshal(el.Index, &n) == nil {
			return n, true
		}
		var s string
		if json.Unmarshal(el.Index, &s) == nil {
			if n, err := strconv.Atoi(s); err == nil {
				return n, true
			}
		}
	}
	return 0, false
}
