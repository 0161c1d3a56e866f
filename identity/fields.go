// fields.go holds the canonical field paths of a record.Customer and the getter and setter
// that read and write a customer by path ("first_name", "address.postcode", "attributes.x").
package identity

import (
	"fmt"
	"strings"

	"github.com/cdpflow/cdpflow/record"
)

// Canonical field paths. Any "attributes.<name>" path is valid too.
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

	attributesPrefix = "attributes."
)

// Fields lists the canonical field paths other than attributes, in record order.
var Fields = []string{
	FieldEmail, FieldPhone, FieldTitle, FieldFirstName, FieldLastName, FieldSuffix,
	FieldBirthDate, FieldGender, FieldAddressLine1, FieldAddressLine2, FieldAddressCity,
	FieldAddressRegion, FieldAddressPostcode, FieldAddressCountry,
}

// ValidField reports whether path names a canonical field or an attribute.
func ValidField(path string) bool {
	if name, ok := strings.CutPrefix(path, attributesPrefix); ok {
		return name != ""
	}
	return fieldPtr(&record.Customer{}, path) != nil
}

// FieldValue returns the value of the field at path, "" when it is not set. Besides the fields
// resolution compares, it reads "consent.<channel>" as the channel's consent state (for lineage
// and explanations; consent is never compared).
func FieldValue(c record.Customer, path string) (string, error) {
	if name, ok := strings.CutPrefix(path, attributesPrefix); ok && name != "" {
		return c.Attributes[name], nil
	}
	if ch, ok := strings.CutPrefix(path, "consent."); ok && ch != "" {
		return string(c.Consent[record.Channel(ch)].State), nil
	}
	p := fieldPtr(&c, path)
	if p == nil {
		return "", unknownFieldError(path)
	}
	return *p, nil
}

// SetFieldValue sets the field at path to value (attributes are created as needed).
func SetFieldValue(c *record.Customer, path, value string) error {
	if name, ok := strings.CutPrefix(path, attributesPrefix); ok && name != "" {
		if c.Attributes == nil {
			c.Attributes = make(map[string]string)
		}
		c.Attributes[name] = value
		return nil
	}
	p := fieldPtr(c, path)
	if p == nil {
		return unknownFieldError(path)
	}
	*p = value
	return nil
}

func unknownFieldError(path string) error {
	return fmt.Errorf("unknown field %q: use one of %s or attributes.<name>", path, strings.Join(Fields, ", "))
}

// fieldPtr returns a pointer to the string field at path, or nil for an unknown path.
func fieldPtr(c *record.Customer, path string) *string {
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

// fieldGetter returns a fast accessor for path; it panics on an unknown path (validated before).
func fieldGetter(path string) func(*record.Customer) string {
	if name, ok := strings.CutPrefix(path, attributesPrefix); ok && name != "" {
		return func(c *record.Customer) string { return c.Attributes[name] }
	}
	if fieldPtr(&record.Customer{}, path) == nil {
		panic("identity: unknown field " + path)
	}
	return func(c *record.Customer) string { return *fieldPtr(c, path) }
}
