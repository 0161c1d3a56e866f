// uniqueness.go finds identifiers (emails, phones) that one source has on two different
// persons, so identity resolution does not merge those persons on them.

package cleansing

import (
	"fmt"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/cdpflow/cdpflow/record"
)

// maxPairwise bounds the distinct names compared pairwise in one group; a group with more
// distinct names than this is shared without further checks.
const maxPairwise = 64

// FindSharedIdentifiers takes the accepted customers of one source and returns, keyed by
// record key, a shared_email or shared_phone flag for every record whose email (compared by
// EmailMatchKey) or phone is also on a record of a different person of the same source. Two
// records are different persons when both have a name and the names do not fit together:
// different last names, or first names that are neither equal, nor one a prefix or initial of
// the other ("J." / "John", "Chris" / "Christopher"); swapped first/last names fit. When a
// group holds different persons, every record of the group is flagged, the unnamed ones too:
// the identifier cannot tell them apart. Flags never quarantine. Deleted records are ignored.
func FindSharedIdentifiers(recs []record.Customer) map[record.RecordKey][]Issue {
	var x SharedIndex
	for _, r := range recs {
		x.Add(r)
	}
	return x.Find()
}

// SharedIndex is FindSharedIdentifiers over a stream: it keeps only what the check needs of each
// record (key, identifiers and their match keys, folded names), about a tenth of a decoded
// record, so a source of millions is checked without holding its records.
type SharedIndex struct {
	entries []sharedEntry
}

type sharedEntry struct {
	key                record.RecordKey
	email, phone       string // as on the record (the flag's value)
	emailKey, phoneKey string
	p                  person
}

// MatchKeys returns the keys FindSharedIdentifiers groups a record by: its email by
// EmailMatchKey and its phone as E.164 or digits ("" when absent).
func MatchKeys(c record.Customer) (email, phone string) {
	return EmailMatchKey(c.Email), phoneKey(c.Phone)
}

// Add takes one accepted record; deleted records and records without an email or phone are ignored.
func (x *SharedIndex) Add(r record.Customer) {
	if r.Deleted {
		return
	}
	ek, pk := MatchKeys(r)
	if ek == "" && pk == "" {
		return
	}
	x.entries = append(x.entries, sharedEntry{key: r.Key(), email: r.Email, phone: r.Phone, emailKey: ek, phoneKey: pk, p: personOf(r)})
}

// Len is the number of records held.
func (x *SharedIndex) Len() int { return len(x.entries) }

// Find returns the flags of every record added (see FindSharedIdentifiers).
func (x *SharedIndex) Find() map[record.RecordKey][]Issue {
	byEmail, byPhone := map[string][]int{}, map[string][]int{}
	for i, e := range x.entries {
		if e.emailKey != "" {
			byEmail[e.key.Source+"\x00"+e.emailKey] = append(byEmail[e.key.Source+"\x00"+e.emailKey], i)
		}
		if e.phoneKey != "" {
			byPhone[e.key.Source+"\x00"+e.phoneKey] = append(byPhone[e.key.Source+"\x00"+e.phoneKey], i)
		}
	}
	out := map[record.RecordKey][]Issue{}
	flag := func(groups map[string][]int, field, reason string, value func(sharedEntry) string) {
		keys := make([]string, 0, len(groups))
		for k, g := range groups {
			if len(g) > 1 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys) // deterministic output order
		for _, k := range keys {
			g := groups[k]
			if !x.holdsDifferentPersons(g) {
				continue
			}
			for _, i := range g {
				e := x.entries[i]
				out[e.key] = append(out[e.key], Issue{Field: field, Reason: reason, Value: value(e),
					Detail: fmt.Sprintf("the same %s is on %d records of different persons in source %q", field, len(g), e.key.Source)})
			}
		}
	}
	flag(byEmail, "email", ReasonSharedEmail, func(e sharedEntry) string { return e.email })
	flag(byPhone, "phone", ReasonSharedPhone, func(e sharedEntry) string { return e.phone })
	return out
}

// phoneKey is the comparison key of a phone: E.164 as is, otherwise its digits.
func phoneKey(p string) string {
	p = strings.TrimSpace(p)
	if p == "" || strings.HasPrefix(p, "+") && isDigits(p[1:]) {
		return p
	}
	return phonenumbers.NormalizeDigitsOnly(p)
}

// person is a folded name for comparison.
type person struct{ first, last string }

func personOf(r record.Customer) person {
	return person{first: foldKey(r.FirstName), last: foldKey(r.LastName)}
}

// holdsDifferentPersons reports whether the entries at idx include two persons whose names do
// not fit together.
func (x *SharedIndex) holdsDifferentPersons(idx []int) bool {
	seen := map[person]bool{}
	var ps []person
	for _, i := range idx {
		p := x.entries[i].p
		if (p.first == "" && p.last == "") || seen[p] {
			continue
		}
		seen[p] = true
		ps = append(ps, p)
	}
	if len(ps) > maxPairwise {
		return true
	}
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if !samePerson(ps[i], ps[j]) {
				return true
			}
		}
	}
	return false
}

// samePerson reports whether two named records may be the same person.
func samePerson(a, b person) bool {
	fits := func(a, b person) bool {
		if a.last != "" && b.last != "" && a.last != b.last {
			return false
		}
		return a.first == "" || b.first == "" || strings.HasPrefix(a.first, b.first) || strings.HasPrefix(b.first, a.first)
	}
	return fits(a, b) || fits(a, person{first: b.last, last: b.first})
}
