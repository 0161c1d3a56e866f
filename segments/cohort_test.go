// cohort_test.go tests acquisition cohort labels.

package segments

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCohortLabels(t *testing.T) {
	tests := []struct {
		at      time.Time
		month   string
		quarter string
	}{
		{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "2024-01", "2024Q1"},
		{time.Date(2024, 3, 31, 23, 59, 59, 0, time.UTC), "2024-03", "2024Q1"},
		{time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), "2024-04", "2024Q2"},
		{time.Date(2024, 7, 15, 0, 0, 0, 0, time.UTC), "2024-07", "2024Q3"},
		{time.Date(2024, 12, 31, 12, 0, 0, 0, time.UTC), "2024-12", "2024Q4"},
		// 2024-07-01 01:00 in Tokyo is still June in UTC.
		{time.Date(2024, 7, 1, 1, 0, 0, 0, time.FixedZone("JST", 9*3600)), "2024-06", "2024Q2"},
		{time.Date(999, 5, 1, 0, 0, 0, 0, time.UTC), "0999-05", "0999Q2"},
	}
	for _, tt := range tests {
		t.Run(tt.month, func(t *testing.T) {
			m, q := cohortLabels(cohortKey(tt.at))
			assert.Equal(t, tt.month, m)
			assert.Equal(t, tt.quarter, q)
		})
	}
}

func TestCohortFromFirstCountedOrder(t *testing.T) {
	first := time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)
	p := prof("p",
		withStatus(ord(700, 100), "cancelled"), // earlier, but not a purchase
		ord(10, 100),
	)
	p.Orders = append(p.Orders, ord(0, 100))
	p.Orders[2].CreatedAt = first
	res, err := mustEngine(t).Evaluate([]Profile{p, prof("q")}, asOf)
	assert.NoError(t, err)
	assert.Equal(t, "2023-11", res.Facts["p"].Cohort)
	assert.Equal(t, "2023Q4", res.Facts["p"].CohortQuarter)
	assert.Empty(t, res.Facts["q"].Cohort)
	assert.Equal(t, []string{"p"}, res.Members["cohort.2023-11"])
}
