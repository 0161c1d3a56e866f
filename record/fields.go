// This file holds the canonical field paths of a Customer ("first_name", "address.postcode",
// "attributes.x", "consent.email") and the getter and setter every package reads and writes a
// customer by path with: mappings, identity comparisons, golden-record lineage.
package record

import (
	"fmt"
	"strings"
)

// Canonical field paths. Any "attributes.<name>" path is valid too, and "consent.<channel>" reads
// the channel's consent state.
const (
	FieldEmail           = "email"
	FieldPhone           = "phone"
	FieldTitle           = "title"
	FieldFirstName       = "first_name"
	FieldLastName        = "last_name"
	FieldSuffix          = "suffix"
	FieldBirthDate       = "birth_date"
	FieldGender          = "gender"
	FieldAddressLine1    = "address.line1"
	FieldAddressLine2    = "address.line2"
	FieldAddressCity     = "address.city"
	FieldAddressRegion   = "address.region"
	FieldAddressPostcode = "address.postcode"
	FieldAddressCountry  = "address.country"

	// AttributesPrefix starts the path of a vendor attribute.
	AttributesPrefix = "attributes."
	// ConsentPrefix starts the path of a channel's consent state.
	ConsentPrefix = "consent."
)

// Fields lists the canonical string field paths (no attributes), in record order.
var Fields = []string{
	FieldEmail, FieldPhone, FieldTitle, FieldFirstName, FieldLastName, FieldSuffix,
	FieldBirthDate, FieldGender, FieldAddressLine1, FieldAddressLine2, FieldAddressCity,
	FieldAddressRegion, FieldAddressPostcode, FieldAddressCountry,
}

// ValidField reports whether path names a canonical string field or an attribute.
func ValidField(path string) bool {
	if name, ok := strings.CutPrefix(path, AttributesPrefix); ok {
		return name != ""
	}
	return new(Customer).FieldPtr(path) != nil
}

// UnknownFieldError is the error for a path that names no field; it lists the valid ones.
func UnknownFieldError(path string) error {
	return fmt.Errorf("unknown field %q: use one of %s or attributes.<name>", path, strings.Join(Fields, ", "))
}

// FieldValue returns the value at path ("" when not set): a string field, an attribute, or
// "consent.<channel>" as that channel's consent state.
func (c *Customer) FieldValue(path string) (string, error) {
	if name, ok := strings.CutPrefix(path, AttributesPrefix); ok && name != "" {
		return c.Attributes[name], nil
	}
	if ch, ok := strings.CutPrefix(path, ConsentPrefix); ok && ch != "" {
		return string(c.Consent[Channel(ch)].State), nil
	}
	p := c.FieldPtr(path)
	if p == nil {
		return "", UnknownFieldError(path)
	}
	return *p, nil
}

// SetField sets a string field or an attribute (created as needed) at path.
func (c *Customer) SetField(path, value string) error {
	if name, ok := strings.CutPrefix(path, AttributesPrefix); ok && name != "" {
		if c.Attributes == nil {
			c.Attributes = make(map[string]string)
		}
		c.Attributes[name] = value
		return nil
	}
	p := c.FieldPtr(path)
	if p == nil {
		return UnknownFieldError(path)
	}
	*p = value
	return nil
}

// FieldPtr returns a pointer to the string field at path, or nil for any other path.
func (c *Customer) FieldPtr(path string) *string {
	switch path {
	case FieldEmail:
		return &c.Email
	case FieldPhone:
		return &c.Phone
	case FieldTitle:
		return &c.Title
	case FieldFirstName:
		return &c.FirstName
	case FieldLastName:
		return &c.LastName
	case FieldSuffix:
		return &c.Suffix
	case FieldBirthDate:
		return &c.BirthDate
	case FieldGender:
		return &c.Gender
	case FieldAddressLine1:
		return &c.Address.Line1
	case FieldAddressLine2:
		return &c.Address.Line2
	case FieldAddressCity:
		return &c.Address.City
	case FieldAddressRegion:
		return &c.Address.Region
	case FieldAddressPostcode:
		return &c.Address.Postcode
	case FieldAddressCountry:
		return &c.Address.Country
	}
	return nil
}

// FieldGetter returns a fast reader for a string field or attribute path; it panics on any other
// path (callers validate paths first).
func FieldGetter(path string) func(*Customer) string {
	if name, ok := strings.CutPrefix(path, AttributesPrefix); ok && name != "" {
		return func(c *Customer) string { return c.Attributes[name] }
	}
	if new(Customer).FieldPtr(path) == nil {
		panic("record: unknown field " + path)
	}
	return func(c *Customer) string { return *c.FieldPtr(path) }
}
