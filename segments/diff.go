// diff.go holds Diff, the membership delta between two evaluations that destinations use to
// add and remove audience members.

package segments

import "slices"

// Diff returns the ids in next but not prev (added) and in prev but not next (removed), both
// sorted and free of duplicates; nil when there are none. Inputs are expected sorted (as
// Result.Members are); unsorted inputs are sorted on a copy first, never in place.
func Diff(prev, next []string) (added, removed []string) {
	if !slices.IsSorted(prev) {
		prev = slices.Sorted(slices.Values(prev))
	}
	if !slices.IsSorted(next) {
		next = slices.Sorted(slices.Values(next))
	}
	i, j := 0, 0
	for i < len(prev) || j < len(next) {
		switch {
		case j == len(next) || (i < len(prev) && prev[i] < next[j]):
			removed = appendNew(removed, prev[i])
			i++
		case i == len(prev) || next[j] < prev[i]:
			added = appendNew(added, next[j])
			j++
		default: // equal: in both
			v := prev[i]
			for i < len(prev) && prev[i] == v {
				i++
			}
			for j < len(next) && next[j] == v {
				j++
			}
		}
	}
	return added, removed
}

// appendNew appends v unless it repeats the last element.
func appendNew(s []string, v string) []string {
	if len(s) > 0 && s[len(s)-1] == v {
		return s
	}
	return append(s, v)
}
