// febrl_test.go measures accuracy on the Febrl synthetic data sets: pairwise precision,
// recall and F1 of the default configuration plus a field mapping (no labels, no tuning).
package identity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/require"
)

// febrlDir finds the Febrl files: $CDPFLOW_FEBRL_DIR, or shared/data/febrl beside the repo.
func febrlDir(t testing.TB) string {
	candidates := []string{os.Getenv("CDPFLOW_FEBRL_DIR"), "../../shared/data/febrl", "/work/shared/data/febrl"}
	for _, dir := range candidates {
		if dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "dataset2.csv")); err == nil {
			return dir
		}
	}
	t.Skip("Febrl data not found: set CDPFLOW_FEBRL_DIR to the folder holding dataset1.csv and dataset2.csv")
	return ""
}

// pairMetrics compares predicted clusters with true entities, pair by pair.
type pairMetrics struct {
	truePairs, predicted, correct int
}

func (m pairMetrics) precision() float64 { return float64(m.correct) / float64(max(m.predicted, 1)) }
func (m pairMetrics) recall() float64    { return float64(m.correct) / float64(max(m.truePairs, 1)) }
func (m pairMetrics) f1() float64 {
	p, r := m.precision(), m.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// evaluatePairs scores links against entity labels (record id -> entity).
func evaluatePairs(links []Link, entity func(record.RecordKey) string) pairMetrics {
	byProfile := map[string][]string{}
	byEntity := map[string]int{}
	for _, l := range links {
		e := entity(l.Record)
		byProfile[l.Profile] = append(byProfile[l.Profile], e)
		byEntity[e]++
	}
	var m pairMetrics
	for _, n := range byEntity {
		m.truePairs += n * (n - 1) / 2
	}
	for _, ents := range byProfile {
		n := len(ents)
		m.predicted += n * (n - 1) / 2
		same := map[string]int{}
		for _, e := range ents {
			same[e]++
		}
		for _, c := range same {
			m.correct += c * (c - 1) / 2
		}
	}
	return m
}

// febrlEntity maps "rec-12-dup-0" and "rec-12-org" to "12".
func febrlEntity(k record.RecordKey) string {
	parts := strings.Split(k.ID, "-")
	if len(parts) < 2 {
		return k.ID
	}
	return parts[1]
}

func resolveFebrl(t testing.TB, file string) (Result, pairMetrics) {
	dir := febrlDir(t)
	m, err := LoadMapping("testdata/febrl.mapping.yaml")
	require.NoError(t, err)
	f, err := os.Open(filepath.Join(dir, file))
	require.NoError(t, err)
	defer f.Close()
	records, err := ReadCSV(f, m)
	require.NoError(t, err)
	res, err := Resolve(context.Background(), m.Config(DefaultConfig()), records, State{})
	require.NoError(t, err)
	return res, evaluatePairs(res.Links, febrlEntity)
}

func TestResolve_Febrl(t *testing.T) {
	for _, tc := range []struct {
		file  string
		minF1 float64
	}{
		{"dataset1.csv", 0.95},
		{"dataset2.csv", 0.98},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, m := resolveFebrl(t, tc.file)
			t.Logf("%s: records %d profiles %d pairs compared %d matched %d | true pairs %d predicted %d correct %d | precision %.4f recall %.4f F1 %.4f",
				tc.file, res.Stats.Records, res.Stats.Profiles, res.Stats.PairsCompared, res.Stats.PairsMatched,
				m.truePairs, m.predicted, m.correct, m.precision(), m.recall(), m.f1())
			t.Logf("blocking: %v", res.Stats.BlockingRules)
			require.GreaterOrEqual(t, m.f1(), tc.minF1)
		})
	}
}
