// This file maps engine members onto Data Manager audience members: identifiers normalized the
// way Google asks (hashing.GoogleEmail, E.164 phones, names trimmed and lowercased), hashed with
// SHA-256 and written in the request's encoding; consent fields; and the handle removals use.
package datamanager

import (
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/hashing"
)

// Consent values.
const (
	consentGranted     = "CONSENT_GRANTED"
	consentUnspecified = "CONSENT_STATUS_UNSPECIFIED"
)

// encode writes a hex digest in the request's encoding.
func (d *Destination) encode(hexDigest string) string {
	if d.cfg.Encoding == EncodingBase64 {
		return hashing.Base64(hexDigest)
	}
	return hexDigest
}

// identifiers are the member's hashed identifiers: email, phone, and the address (hashed given
// and family name with region and postal code in clear) when all four parts are known.
func (d *Destination) identifiers(m connectors.Member) []userIdentifier {
	var ids []userIdentifier
	if e := hashing.GoogleEmail(m.Email); e != "" {
		ids = append(ids, userIdentifier{EmailAddress: d.encode(hashing.SHA256(e))})
	}
	if p := hashing.PhoneE164(m.Phone, m.Address.Country); p != "" {
		ids = append(ids, userIdentifier{PhoneNumber: d.encode(hashing.SHA256(p))})
	}
	given, family := hashing.GoogleName(m.FirstName), hashing.GoogleName(m.LastName)
	region := hashing.GoogleRegion(m.Address.Country)
	postal := hashing.GooglePostcode(m.Address.Postcode, m.Address.Country)
	if given != "" && family != "" && region != "" && postal != "" {
		ids = append(ids, userIdentifier{Address: &addressInfo{GivenName: d.encode(hashing.SHA256(given)),
			FamilyName: d.encode(hashing.SHA256(family)), RegionCode: region, PostalCode: postal}})
	}
	return ids
}

// removalIdentifiers are a removed member's identifiers: from its fields, else from the ledger's
// handle (its profile may be gone).
func (d *Destination) removalIdentifiers(m connectors.Member) []userIdentifier {
	if ids := d.identifiers(m); len(ids) > 0 {
		return ids
	}
	h, err := hashing.ParseHandle(m.Handle)
	if err != nil {
		return nil
	}
	var ids []userIdentifier
	if h.Email != "" {
		ids = append(ids, userIdentifier{EmailAddress: d.encode(h.Email)})
	}
	if h.Phone != "" {
		ids = append(ids, userIdentifier{PhoneNumber: d.encode(h.Phone)})
	}
	return ids
}

// consentOf is the member's consent: granted only for an explicit subscription; otherwise
// unspecified, which Google treats by its own rules (EEA and UK users need explicit consent).
func consentOf(m connectors.Member) *consentFields {
	v := consentUnspecified
	if m.ConsentGranted {
		v = consentGranted
	}
	return &consentFields{AdUserData: v, AdPersonalization: v}
}

// Handle is the member's hashed email and phone as Google matches them (connectors.Handler),
// always hex in the ledger.
func (d *Destination) Handle(m connectors.Member) string {
	return hashing.Handle{Email: hashing.SHA256(hashing.GoogleEmail(m.Email)),
		Phone: hashing.SHA256(hashing.PhoneE164(m.Phone, m.Address.Country))}.String()
}
