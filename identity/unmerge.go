// unmerge.go holds Unmerge: taking a wrongly merged record out of its profile as a decision
// (a Split) that later runs keep, and BuildProfile, which builds the golden record of a set of
// member records the way resolution does.
package identity

import (
	"fmt"
	"slices"

	"github.com/cdpflow/cdpflow/record"
)

// Unmerge decides to take rec out of profile profileID, whose member records are members. It
// returns the Split to keep in the State, so that later runs never put rec back with the other
// members; Split.NewProfile is rec's new profile id. taken reports whether a profile id is in use.
func Unmerge(profileID string, members []record.RecordKey, rec record.RecordKey, taken func(id string) bool) (Split, error) {
	if !slices.Contains(members, rec) {
		return Split{}, fmt.Errorf("unmerge %s --record %s: the record is not in that profile: run explain %s to see its members", profileID, rec, profileID)
	}
	apart := slices.DeleteFunc(slices.Clone(members), func(k record.RecordKey) bool { return k == rec })
	if len(apart) == 0 {
		return Split{}, fmt.Errorf("unmerge %s --record %s: the record is the profile's only member, there is nothing to split", profileID, rec)
	}
	slices.SortFunc(apart, compareKeys)
	seed := rec.String() + "#unmerged-from:" + profileID
	id := hashID(seed)
	for i := 1; taken(id); i++ {
		id = hashID(fmt.Sprintf("%s#%d", seed, i))
	}
	return Split{Profile: profileID, Record: rec, Apart: apart, NewProfile: id}, nil
}

// BuildProfile builds the profile id of the given member records: golden record and lineage by
// the configuration's survivorship rules, exactly as resolution builds it.
func BuildProfile(cfg Config, id string, members []record.Customer) Profile {
	ptrs := make([]*record.Customer, len(members))
	keys := make([]record.RecordKey, len(members))
	for i := range members {
		ptrs[i], keys[i] = &members[i], members[i].Key()
	}
	slices.SortFunc(keys, compareKeys)
	golden, lineage := newSurvivor(cfg).golden(id, ptrs)
	return Profile{ID: id, Members: keys, Golden: golden, Lineage: lineage}
}
