// rfm_test.go tests quintile scoring with ties and the R x FM segment grid.

package segments

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuintiles(t *testing.T) {
	tests := []struct {
		name string
		keys []int64
		want []int
	}{
		{"empty", nil, nil},
		{"single buyer beats nobody", []int64{7}, []int{1}},
		{"five distinct", []int64{10, 20, 30, 40, 50}, []int{1, 2, 3, 4, 5}},
		{"ten distinct, two per quintile", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}},
		{"input order does not matter", []int64{50, 10, 40, 20, 30}, []int{5, 1, 4, 2, 3}},
		{"all tied share the lowest score", []int64{3, 3, 3, 3}, []int{1, 1, 1, 1}},
		{
			"70% one-time buyers all get F=1",
			[]int64{1, 1, 1, 1, 1, 1, 1, 2, 2, 5},
			[]int{1, 1, 1, 1, 1, 1, 1, 4, 4, 5},
		},
		{"tie in the middle takes its lowest position", []int64{1, 2, 2, 2, 3}, []int{1, 2, 2, 2, 5}},
		{"negated recency", []int64{-5, -1, -3}, []int{1, 4, 2}},
		{"large values", []int64{1 << 60, -(1 << 60), 0}, []int{4, 1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]int, len(tt.keys))
			quintiles(tt.keys, got)
			if tt.want == nil {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestQuintilesDoesNotModifyKeys(t *testing.T) {
	keys := []int64{3, 1, 2}
	quintiles(keys, make([]int, 3))
	assert.Equal(t, []int64{3, 1, 2}, keys)
}

func TestRFMSegmentGrid(t *testing.T) {
	// Rows R=5..1, columns FM=1..5, as documented in rfm.go and doc.go.
	grid := [5][5]string{
		{NewCustomers, PotentialLoyalists, PotentialLoyalists, Champions, Champions},
		{Promising, PotentialLoyalists, PotentialLoyalists, LoyalCustomers, LoyalCustomers},
		{AboutToSleep, AboutToSleep, NeedAttention, LoyalCustomers, LoyalCustomers},
		{Hibernating, Hibernating, AtRisk, AtRisk, CantLose},
		{Lost, Lost, AtRisk, AtRisk, CantLose},
	}
	for row, cells := range grid {
		r := 5 - row
		for col, want := range cells {
			fm := col + 1
			t.Run(fmt.Sprintf("R%d_FM%d", r, fm), func(t *testing.T) {
				// F == M == FM gives that FM exactly.
				assert.Equal(t, want, RFMSegment(r, fm, fm))
			})
		}
	}
}

func TestRFMSegmentFMRounding(t *testing.T) {
	tests := []struct {
		r, f, m int
		want    string
	}{
		{5, 1, 5, PotentialLoyalists}, // FM = 3: one big recent order is not a champion
		{5, 5, 4, Champions},          // FM = 4
		{5, 4, 5, Champions},          // FM = 4
		{5, 1, 2, NewCustomers},       // FM = 1
		{5, 2, 1, NewCustomers},       // FM = 1
		{1, 5, 4, AtRisk},             // FM = 4
		{1, 5, 5, CantLose},           // FM = 5
		{2, 1, 3, Hibernating},        // FM = 2
		{3, 2, 4, NeedAttention},      // FM = 3
		{0, 3, 3, ""},
		{6, 3, 3, ""},
		{3, 3, 0, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d%d%d", tt.r, tt.f, tt.m), func(t *testing.T) {
			assert.Equal(t, tt.want, RFMSegment(tt.r, tt.f, tt.m))
		})
	}
}

func TestRFMGridCoversEveryName(t *testing.T) {
	used := map[string]bool{}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				s := RFMSegment(r, f, m)
				require.NotEmpty(t, s)
				used[s] = true
			}
		}
	}
	assert.ElementsMatch(t, RFMSegmentNames(), keys(used))
}

func TestRFMScoreStrings(t *testing.T) {
	assert.Equal(t, "111", rfmScores[0])
	assert.Equal(t, "545", rfmScores[4*25+3*5+4])
	assert.Equal(t, "555", rfmScores[124])
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
