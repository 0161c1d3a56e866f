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
	byEmail, byPhone := map[string][]int{}, map[string][]int{}
	for i, r := range recs {
		if r.Deleted {
			continue
		}
		if k := EmailMatchKey(r.Email); k != "" {
			byEmail[r.Source+"\x00"+k] = append(byEmail[r.Source+"\x00"+k], i)
		}
		if k := phoneKey(r.Phone); k != "" {
			byPhone[r.Source+"\x00"+k] = append(byPhone[r.Source+"\x00"+k], i)
		}
	}
	out := map[record.RecordKey][]Issue{}
	flag := func(groups map[string][]int, field, reason string, value func(record.Customer) string) {
		keys := make([]string, 0, len(groups))
		for k, g := range groups {
			if len(g) > 1 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys) // deterministic output order
		for _, k := range keys {
			g := groups[k]
			if !holdsDifferentPersons(recs, g) {
				continue
			}
			for _, i := range g {
				r := recs[i]
				out[r.Key()] = append(out[r.Key()], Issue{Field: field, Reason: reason, Value: value(r),
					Detail: fmt.Sprintf("the same %s is on %d records of different persons in source %q", field, len(g), r.Source)})
			}
		}
	}
	flag(byEmail, "email", ReasonSharedEmail, func(r record.Customer) string { return r.Email })
	flag(byPhone, "phone", ReasonSharedPhone, func(r record.Customer) string { return r.Phone })
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

// holdsDifferentPersons reports whether the records at idx include two persons whose names do
// not fit together.
func holdsDifferentPersons(recs []record.Customer, idx []int) bool {
	seen := map[person]bool{}
	var ps []person
	for _, i := range idx {
		p := personOf(recs[i])
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
