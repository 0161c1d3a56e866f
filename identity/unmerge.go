// unmerge.go holds Unmerge: taking a wrongly merged record out of its profile and recording
// the decision in the state, so that later runs keep the record apart.
package identity

import (
	"fmt"
	"slices"

	"github.com/cdpflow/cdpflow/record"
)

// Unmerge takes rec out of profile profileID: the record gets a profile of its own and a
// Split is recorded so that later runs never put it back with the profile's other members.
// It returns the record's new profile id.
func Unmerge(state *State, profileID string, rec record.RecordKey) (string, error) {
	var apart []record.RecordKey
	found := false
	used := map[string]bool{}
	for _, l := range state.Links {
		used[l.Profile] = true
		if l.Profile != profileID {
			continue
		}
		if l.Record == rec {
			found = true
		} else {
			apart = append(apart, l.Record)
		}
	}
	for _, s := range state.Splits {
		used[s.Profile], used[s.NewProfile] = true, true
	}
	if !found {
		return "", fmt.Errorf("unmerge %s --record %s: the record is not in that profile: run explain %s to see its members", profileID, rec, profileID)
	}
	if len(apart) == 0 {
		return "", fmt.Errorf("unmerge %s --record %s: the record is the profile's only member, there is nothing to split", profileID, rec)
	}
	slices.SortFunc(apart, compareKeys)
	newID := uniqueID(rec.String()+"#unmerged-from:"+profileID, used)
	for i := range state.Links {
		if state.Links[i].Record == rec {
			state.Links[i].Profile = newID
		}
	}
	state.Splits = append(state.Splits, Split{Profile: profileID, Record: rec, Apart: apart, NewProfile: newID})
	return newID, nil
}
