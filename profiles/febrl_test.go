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

	"github.com/stretchr/testify/assert"
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
		{"dataset1.csv", "testdata/febrl.mapping.yaml", 0.995},
		{"dataset2.csv", "testdata/febrl.mapping.yaml", 0.995},
		// Only names, address and birth date mapped, no compare list: every mapped field is used.
		{"dataset1.csv", "testdata/febrl.obvious.mapping.yaml", 0.99},
		{"dataset2.csv", "testdata/febrl.obvious.mapping.yaml", 0.99},
	} {
		t.Run(tc.file+"/"+filepath.Base(tc.mapping), func(t *testing.T) {
			res, m := resolveFebrl(t, tc.file, tc.mapping)
			st := res.Result.Stats
			t.Logf("%s: records %d profiles %d pairs compared %d matched %d | true pairs %d predicted %d correct %d | precision %.4f recall %.4f F1 %.4f",
				tc.file, st.Records, st.Profiles, st.PairsCompared, st.PairsMatched,
				m.TruePairs, m.Predicted, m.Correct, m.Precision(), m.Recall(), m.F1())
			t.Logf("blocking: %v", st.BlockingRules)
			t.Logf("threshold %.4f (chosen from the model: %v), estimated precision %.4f recall %.4f",
				st.Threshold, st.ThresholdChosen, st.EstimatedPrecision, st.EstimatedRecall)
			require.GreaterOrEqual(t, m.F1(), tc.minF1)
			require.GreaterOrEqual(t, m.Precision(), 0.99)
			// The model's own estimate, without labels, is close to the truth.
			assert.InDelta(t, m.Precision(), st.EstimatedPrecision, 0.01, "estimated precision")
			assert.InDelta(t, m.Recall(), st.EstimatedRecall, 0.12, "estimated recall")
		})
	}
}

// TestResolveFile_FebrlTwoFiles links two files made from a Febrl data set, each holding every
// person at most once (the originals in one, one duplicate of each in the other), with and
// without --link-only. One-to-one linking must not lose precision and must not chain records
// of one file.
func TestResolveFile_FebrlTwoFiles(t *testing.T) {
	for _, tc := range []struct {
		file, mapping string
		minLinkF1     float64
		linkBetter    bool // link-only finds strictly more pairs
	}{
		{"dataset1.csv", "testdata/febrl.obvious.mapping.yaml", 0.995, true},
		{"dataset1.csv", "testdata/febrl.mapping.yaml", 0.998, false},
		{"dataset2.csv", "testdata/febrl.mapping.yaml", 0.999, false},
	} {
		t.Run(tc.file+"/"+filepath.Base(tc.mapping), func(t *testing.T) { twoFiles(t, tc.file, tc.mapping, tc.minLinkF1, tc.linkBetter) })
	}
}

func twoFiles(t *testing.T, file, mapping string, minLinkF1 float64, linkBetter bool) {
	dir := febrlDir(t)
	data, err := os.ReadFile(filepath.Join(dir, file))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	header := lines[0]
	var orgs, dups []string
	org := map[string]string{}
	dupOf := map[string]bool{}
	for _, l := range lines[1:] {
		id := strings.TrimSpace(strings.SplitN(l, ",", 2)[0])
		if strings.HasSuffix(id, "-org") {
			org[febrlEntity(record.RecordKey{ID: id})] = l
		}
	}
	for _, l := range lines[1:] {
		id := strings.TrimSpace(strings.SplitN(l, ",", 2)[0])
		e := febrlEntity(record.RecordKey{ID: id})
		if strings.Contains(id, "-dup-") && !dupOf[e] && org[e] != "" {
			dupOf[e] = true
			orgs, dups = append(orgs, org[e]), append(dups, l)
		}
	}
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "crm.csv"), filepath.Join(tmp, "pos.csv")
	require.NoError(t, os.WriteFile(a, []byte(header+"\n"+strings.Join(orgs, "\n")+"\n"), 0o600))
	require.NoError(t, os.WriteFile(b, []byte(header+"\n"+strings.Join(dups, "\n")+"\n"), 0o600))
	m, err := csvfile.LoadMapping(mapping)
	require.NoError(t, err)
	f1 := map[bool]float64{}
	for _, linkOnly := range []bool{false, true} {
		res, err := ResolveFile(context.Background(), FileRequest{Input: a, Inputs: []string{b}, LinkOnly: linkOnly, Mapping: m,
			Identity: identity.DefaultConfig(), Cleanse: cleansing.Options{DefaultRegion: "US", RejectDisposable: true, DateOrder: "DMY"}})
		require.NoError(t, err)
		pm := identity.EvaluatePairs(res.Result.Links, febrlEntity)
		t.Logf("link-only %v: %d + %d records, profiles %d | true pairs %d predicted %d correct %d | precision %.4f recall %.4f F1 %.4f",
			linkOnly, len(orgs), len(dups), len(res.Result.Profiles), pm.TruePairs, pm.Predicted, pm.Correct, pm.Precision(), pm.Recall(), pm.F1())
		require.GreaterOrEqual(t, pm.Precision(), 0.99)
		f1[linkOnly] = pm.F1()
		if linkOnly {
			per := map[string]map[string]int{}
			for _, l := range res.Result.Links {
				if per[l.Profile] == nil {
					per[l.Profile] = map[string]int{}
				}
				per[l.Profile][l.Record.Source]++
			}
			for p, n := range per {
				require.LessOrEqual(t, n["crm"], 1, "profile %s holds two records of crm", p)
				require.LessOrEqual(t, n["pos"], 1, "profile %s holds two records of pos", p)
			}
		}
	}
	// Best-match assignment lets a weaker cross-file match through (identity.link.threshold).
	if linkBetter {
		require.Greater(t, f1[true], f1[false], "link-only finds more of the pairs")
	}
	require.GreaterOrEqual(t, f1[true], f1[false], "link-only never finds fewer")
	require.GreaterOrEqual(t, f1[true], minLinkF1)
}
