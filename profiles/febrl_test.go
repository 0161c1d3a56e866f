// febrl_test.go measures accuracy on the Febrl synthetic data sets through the offline path
// (`starter resolve`: mapping, cleansing, identity): pairwise precision, recall and F1 of the
// default configuration plus a field mapping (no labels, no tuning).
package profiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
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

// febrlEntity maps "rec-12-dup-0" and "rec-12-org" to "12".
func febrlEntity(k record.RecordKey) string {
	parts := strings.Split(k.ID, "-")
	if len(parts) < 2 {
		return k.ID
	}
	return parts[1]
}

// resolveFebrl resolves one Febrl file the way `starter resolve` does, with the built-in
// configuration (cleanse defaults: region US, DMY dates).
func resolveFebrl(t testing.TB, file, mapping string) (FileResult, identity.PairMetrics) {
	dir := febrlDir(t)
	m, err := csvfile.LoadMapping(mapping)
	require.NoError(t, err)
	res, err := ResolveFile(context.Background(), FileRequest{Input: filepath.Join(dir, file), Mapping: m,
		Identity: identity.DefaultConfig(), Cleanse: cleansing.Options{DefaultRegion: "US", RejectDisposable: true, DateOrder: "DMY"}})
	require.NoError(t, err)
	require.Empty(t, res.Quarantined, "every Febrl row is usable")
	return res, identity.EvaluatePairs(res.Result.Links, febrlEntity)
}

func TestResolveFile_Febrl(t *testing.T) {
	for _, tc := range []struct {
		file, mapping string
		minF1         float64
	}{
		{"dataset1.csv", "testdata/febrl.mapping.yaml", 0.95},
		{"dataset2.csv", "testdata/febrl.mapping.yaml", 0.98},
		// Only names, address and birth date mapped, no compare list: every mapped field is used.
		{"dataset1.csv", "testdata/febrl.obvious.mapping.yaml", 0.98},
		{"dataset2.csv", "testdata/febrl.obvious.mapping.yaml", 0.98},
	} {
		t.Run(tc.file+"/"+filepath.Base(tc.mapping), func(t *testing.T) {
			res, m := resolveFebrl(t, tc.file, tc.mapping)
			st := res.Result.Stats
			t.Logf("%s: records %d profiles %d pairs compared %d matched %d | true pairs %d predicted %d correct %d | precision %.4f recall %.4f F1 %.4f",
				tc.file, st.Records, st.Profiles, st.PairsCompared, st.PairsMatched,
				m.TruePairs, m.Predicted, m.Correct, m.Precision(), m.Recall(), m.F1())
			t.Logf("blocking: %v", st.BlockingRules)
			require.GreaterOrEqual(t, m.F1(), tc.minF1)
		})
	}
}
