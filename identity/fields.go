// fields.go holds the identity package's names for the canonical field paths of record.Customer
// (record/fields.go owns them) and the helpers resolution reads fields with.
package identity

import "github.com/cdpflow/cdpflow/record"

// Field paths, as in record.
const (
	FieldEmail           = record.FieldEmail
	FieldPhone           = record.FieldPhone
	FieldTitle           = record.FieldTitle
	FieldFirstName       = record.FieldFirstName
	FieldLastName        = record.FieldLastName
	FieldSuffix          = record.FieldSuffix
	FieldBirthDate       = record.FieldBirthDate
	FieldGender          = record.FieldGender
	FieldAddressLine1    = record.FieldAddressLine1
	FieldAddressLine2    = record.FieldAddressLine2
	FieldAddressCity     = record.FieldAddressCity
	FieldAddressRegion   = record.FieldAddressRegion
	FieldAddressPostcode = record.FieldAddressPostcode
	FieldAddressCountry  = record.FieldAddressCountry

	attributesPrefix = record.AttributesPrefix
)

// Fields lists the canonical field paths other than attributes, in record order.
var Fields = record.Fields

// ValidField reports whether path names a canonical field or an attribute.
func ValidField(path string) bool { return record.ValidField(path) }

// FieldValue returns the value of the field at path (see record.Customer.FieldValue).
func FieldValue(c record.Customer, path string) (string, error) { return c.FieldValue(path) }

func fieldPtr(c *record.Customer, path string) *string { return c.FieldPtr(path) }

func fieldGetter(path string) func(*record.Customer) string { return record.FieldGetter(path) }
