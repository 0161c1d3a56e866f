// cohort.go holds the acquisition cohort: the UTC calendar month and quarter of a profile's
// first counted order, and the "cohort.<YYYY-MM>" built-in segment names derived from it.

package segments

import (
	"fmt"
	"time"
)

// CohortPrefix starts the name of every per-month cohort segment ("cohort.2024-07").
const CohortPrefix = "cohort."

// cohortKey numbers a month as year*12 + month-1, in UTC.
func cohortKey(t time.Time) int32 {
	y, m, _ := t.UTC().Date()
	return int32(y*12 + int(m) - 1)
}

// cohortLabels returns the month ("2024-07") and quarter ("2024Q3") of a cohort key.
func cohortLabels(key int32) (month, quarter string) {
	y, m := int(key)/12, int(key)%12+1
	return fmt.Sprintf("%04d-%02d", y, m), fmt.Sprintf("%04dQ%d", y, (m-1)/3+1)
}

// cohortNames caches the labels of each cohort seen, so a million profiles share a handful
// of strings instead of allocating two each.
type cohortNames map[int32][2]string

func (c cohortNames) labels(key int32) (month, quarter string) {
	l, ok := c[key]
	if !ok {
		l[0], l[1] = cohortLabels(key)
		c[key] = l
	}
	return l[0], l[1]
}

// assignCohorts fills Facts.Cohort and CohortQuarter from each profile's cohort key.
func assignCohorts(facts []Facts, st []stats) {
	names := cohortNames{}
	for i := range facts {
		if st[i].cohort >= 0 {
			facts[i].Cohort, facts[i].CohortQuarter = names.labels(st[i].cohort)
		}
	}
}
