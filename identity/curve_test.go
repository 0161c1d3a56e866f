// curve_test.go tests the model's own precision/recall estimate, the automatic threshold
// chosen from it, and how well the estimate tracks the truth on generated data.
package identity

import (
	"math"
	"strconv"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// histogramOf builds a histogram from weights, with expected matches over n records.
func histogramOf(lambda float64, n int, weights ...float64) ScoreHistogram {
	t := new(scoreTally)
	for _, w := range weights {
		t.add(w)
	}
	return t.histogram(lambda, n)
}

func TestScoreHistogram_Curve(t *testing.T) {
	// Weights 10 (p≈0.999), 0 (p=0.5) and -10 (p≈0.001); λ says 4 matches among all pairs.
	h := histogramOf(4.0/(10*9/2), 10, 10, 10, 0, -10)
	require.Len(t, h.Bins, 3)
	assert.InDelta(t, 4.0, h.ExpectedMatches, 1e-9)
	p10 := probabilityFromWeight(10)

	at := h.At(probabilityFromWeight(10))
	assert.Equal(t, int64(2), at.Pairs)
	assert.InDelta(t, p10, at.Precision, 1e-9)
	assert.InDelta(t, 2*p10/4, at.Recall, 1e-9, "two of the four expected matches")

	at = h.At(0.5)
	assert.Equal(t, int64(3), at.Pairs)
	assert.InDelta(t, (2*p10+0.5)/3, at.Precision, 1e-9)

	curve := h.Curve()
	require.Len(t, curve, 3)
	for i := 1; i < len(curve); i++ {
		assert.Greater(t, curve[i].Threshold, curve[i-1].Threshold, "lowest threshold first")
		assert.LessOrEqual(t, curve[i].Pairs, curve[i-1].Pairs)
		assert.GreaterOrEqual(t, curve[i].Precision, curve[i-1].Precision)
		assert.LessOrEqual(t, curve[i].Recall, curve[i-1].Recall)
	}
	best, ok := ChooseThreshold(curve, 0.9)
	require.True(t, ok)
	assert.InDelta(t, 10, best.Weight, ScoreBinWidth, "only the top bin reaches precision 0.9")
	_, ok = ChooseThreshold(curve, 1.0)
	assert.False(t, ok)

	t.Run("the expected matches are at least those found", func(t *testing.T) {
		h := histogramOf(1e-12, 10, 10, 10, 10)
		assert.InDelta(t, 3*p10, h.ExpectedMatches, 1e-9)
	})
	t.Run("empty", func(t *testing.T) {
		assert.Nil(t, ScoreHistogram{}.Curve())
		assert.Zero(t, ScoreHistogram{}.At(0.9).Pairs)
	})
}

func TestChooseThreshold_Bounds(t *testing.T) {
	// Many sure matches and a long tail of weak pairs: the best F1 would sit below 0.8.
	var ws []float64
	for range 1000 {
		ws = append(ws, 15)
	}
	for i := range 200 {
		ws = append(ws, -2+float64(i%8)*0.5) // p 0.2 .. 0.85
	}
	h := histogramOf(1100.0/(3000*2999/2), 3000, ws...)
	got := chooseThreshold(h, 0.99)
	assert.GreaterOrEqual(t, got, minAutoThreshold, "never below 0.8")
	assert.LessOrEqual(t, got, maxAutoThreshold)
	assert.GreaterOrEqual(t, h.At(got).Precision, 0.99)

	// Nothing reaches the target precision: the most conservative threshold.
	h = histogramOf(0.5, 10, 0, 0, 0.2, 0.4)
	assert.Equal(t, maxAutoThreshold, chooseThreshold(h, 0.998))
}

// TestAutoThreshold_TracksTheTruth resolves generated people with the automatic threshold
// and checks the model's own estimates against the generator's truth.
func TestAutoThreshold_TracksTheTruth(t *testing.T) {
	g := generateCustomers(20_000, 11)
	cfg := DefaultConfig()
	require.True(t, cfg.Threshold.Auto())
	res := mustResolve(t, cfg, g.records, State{})
	st := res.Stats
	assert.True(t, st.ThresholdChosen)
	assert.GreaterOrEqual(t, st.Threshold, minAutoThreshold)
	assert.LessOrEqual(t, st.Threshold, maxAutoThreshold)
	assert.Equal(t, st.Threshold, res.Model.Threshold, "the model keeps the threshold it was chosen with")
	assert.GreaterOrEqual(t, st.EstimatedPrecision, DefaultTargetPrecision)

	// The truth for the probabilistic pairs only: compare estimated and actual precision of
	// the candidate pairs over the threshold.
	truth := func(k record.RecordKey) string { return strconv.Itoa(g.person[k]) }
	var over, correct int
	for _, l := range res.Links {
		if l.Evidence.Rule == EvidenceMatch {
			over++
			if truth(l.Record) == truth(l.Evidence.With) {
				correct++
			}
		}
	}
	require.Positive(t, over)
	actual := float64(correct) / float64(over)
	t.Logf("threshold %.3f: estimated precision %.4f recall %.4f; links over it %d, actual precision %.4f",
		st.Threshold, st.EstimatedPrecision, st.EstimatedRecall, over, actual)
	assert.InDelta(t, actual, st.EstimatedPrecision, 0.01, "the estimated precision tracks the truth")
	m := EvaluatePairs(res.Links, truth)
	assert.GreaterOrEqual(t, m.Precision(), 0.99)

	t.Run("a fixed threshold is used as given", func(t *testing.T) {
		fixed := cfg
		fixed.Threshold = 0.95
		res := mustResolve(t, fixed, g.records, State{})
		assert.False(t, res.Stats.ThresholdChosen)
		assert.Equal(t, 0.95, res.Stats.Threshold)
		assert.NotEmpty(t, res.Scores.Bins, "the curve is reported either way")
	})
	t.Run("an incremental run keeps the chosen threshold", func(t *testing.T) {
		state := res.NextState(State{})
		all := append([]record.Customer(nil), g.records...)
		all[5].LastName += "x"
		inc, err := ResolveIncremental(t.Context(), cfg, all, []record.RecordKey{all[5].Key()}, state)
		require.NoError(t, err)
		require.True(t, inc.Stats.ModelReused)
		assert.Equal(t, st.Threshold, inc.Stats.Threshold)
		assert.Empty(t, inc.Scores.Bins, "no curve from the changed pairs alone")
	})
	t.Run("a reused model whose threshold was configured is not taken as chosen", func(t *testing.T) {
		fixed := cfg
		fixed.Threshold = 0.9
		state := mustResolve(t, fixed, g.records, State{}).NextState(State{})
		require.False(t, state.Model.ThresholdChosen)
		all := append([]record.Customer(nil), g.records...)
		all[5].LastName += "x"
		inc, err := ResolveIncremental(t.Context(), cfg, all, []record.RecordKey{all[5].Key()}, state)
		require.NoError(t, err)
		require.True(t, inc.Stats.ModelReused)
		assert.Equal(t, DefaultThreshold, inc.Stats.Threshold)
	})
	assert.False(t, math.IsNaN(st.EstimatedRecall))
}
