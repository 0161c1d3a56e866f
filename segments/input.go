// input.go holds the compact form of what segments read from a golden record: the customer
// fields, consent states and attributes behind CustomerFacts and ConsentFacts, nothing else.
// Resolution stores it beside each profile it writes, so evaluating segments reads a few dozen
// bytes per profile instead of decoding the whole golden record and its lineage.

package segments

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// inputVersion leads every encoded input; DecodeCustomer refuses any other (ErrInputVersion),
// and the reader falls back to the golden record.
const inputVersion = 1

// ErrInputVersion says an encoded input was written in another format.
var ErrInputVersion = errors.New("segment input: unknown format version")

// SlimCustomer keeps only the fields of c that segments read (baseFacts): the rest of a golden
// record never reaches a rule. Consent keeps only each channel's state.
func SlimCustomer(c record.Customer) record.Customer {
	out := record.Customer{
		CreatedAt: c.CreatedAt, Email: c.Email, Phone: c.Phone, FirstName: c.FirstName,
		LastName: c.LastName, Gender: c.Gender, BirthDate: c.BirthDate, Deleted: c.Deleted,
		Address: record.Address{City: c.Address.City, Region: c.Address.Region,
			Postcode: c.Address.Postcode, Country: c.Address.Country},
	}
	for _, ch := range [...]record.Channel{record.ChannelEmail, record.ChannelSMS} {
		if s := c.Consent[ch].State; s != "" {
			if out.Consent == nil {
				out.Consent = map[record.Channel]record.Consent{}
			}
			out.Consent[ch] = record.Consent{State: s}
		}
	}
	if len(c.Attributes) > 0 {
		out.Attributes = maps.Clone(c.Attributes)
	}
	return out
}

// EncodeCustomer appends the compact form of SlimCustomer(c) to dst: a version byte, then the
// deleted flag, the creation time, length-prefixed strings in a fixed order and the attributes by key.
func EncodeCustomer(dst []byte, c record.Customer) []byte {
	dst = append(dst, inputVersion)
	var flags byte
	if c.Deleted {
		flags |= 1
	}
	dst = append(dst, flags)
	if c.CreatedAt.IsZero() {
		dst = append(dst, 0)
	} else {
		dst = append(dst, 1)
		dst = binary.AppendVarint(dst, c.CreatedAt.Unix())
		dst = binary.AppendUvarint(dst, uint64(c.CreatedAt.Nanosecond()))
	}
	for _, s := range [...]string{c.Email, c.Phone, c.FirstName, c.LastName, c.Gender, c.BirthDate,
		c.Address.City, c.Address.Region, c.Address.Postcode, c.Address.Country,
		string(c.Consent[record.ChannelEmail].State), string(c.Consent[record.ChannelSMS].State)} {
		dst = appendString(dst, s)
	}
	keys := slices.Sorted(maps.Keys(c.Attributes))
	dst = binary.AppendUvarint(dst, uint64(len(keys)))
	for _, k := range keys {
		dst = appendString(appendString(dst, k), c.Attributes[k])
	}
	return dst
}

// DecodeCustomer reads what EncodeCustomer wrote: SlimCustomer of the encoded record.
func DecodeCustomer(b []byte) (record.Customer, error) {
	var c record.Customer
	if len(b) < 3 {
		return c, errors.New("segment input: truncated")
	}
	if b[0] != inputVersion {
		return c, fmt.Errorf("%w %d", ErrInputVersion, b[0])
	}
	c.Deleted = b[1]&1 != 0
	r := reader{b: b[3:], all: string(b[3:])}
	if b[2] == 1 {
		sec := r.varint()
		c.CreatedAt = time.Unix(sec, int64(r.uvarint())).UTC()
	}
	for _, p := range [...]*string{&c.Email, &c.Phone, &c.FirstName, &c.LastName, &c.Gender, &c.BirthDate,
		&c.Address.City, &c.Address.Region, &c.Address.Postcode, &c.Address.Country} {
		*p = r.str()
	}
	for _, ch := range [...]record.Channel{record.ChannelEmail, record.ChannelSMS} {
		if s := r.str(); s != "" {
			if c.Consent == nil {
				c.Consent = map[record.Channel]record.Consent{}
			}
			c.Consent[ch] = record.Consent{State: record.ConsentState(s)}
		}
	}
	if n := r.uvarint(); n > 0 && r.err == nil {
		if n > uint64(len(r.b)) {
			return record.Customer{}, errors.New("segment input: attribute count past the end")
		}
		c.Attributes = make(map[string]string, n)
		for range n {
			k := r.str()
			c.Attributes[k] = r.str()
		}
	}
	if r.err != nil {
		return record.Customer{}, r.err
	}
	if len(r.b) != 0 {
		return record.Customer{}, errors.New("segment input: trailing bytes")
	}
	return c, nil
}

func appendString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// reader consumes an encoded input; the first error sticks. Strings are cut from all, one copy
// of the whole input, instead of being allocated one by one (a dozen per profile).
type reader struct {
	b   []byte
	all string // the input b started as
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("segment input: bad length")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errors.New("segment input: bad time")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) str() string {
	n := r.uvarint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.b)) {
		r.err = errors.New("segment input: string past the end")
		return ""
	}
	start := len(r.all) - len(r.b)
	r.b = r.b[n:]
	return r.all[start : start+int(n)]
}
