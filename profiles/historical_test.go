// historical_test.go resolves a file of historical persons made here: one full-name column
// ("Thomas Clifford, 1st Baron Clifford of Chudleigh", "Clifford, Thomas", "T. Clifford",
// "Thomas of Chudleigh"), birth dates centuries ago and birth places, and checks that the names
// are split as people read them, old dates are kept when cleanse.min_birth_year allows them,
// and the persons are linked without precision loss.
package profiles

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/identity"
	"github.com/cdpflow/cdpflow/record"
)

var ranks = []string{"Baron", "Earl", "Duke", "Viscount", "Marquess", "Countess", "Baroness"}

// writeHistorical writes n persons, two records each, and returns the file.
func writeHistorical(t *testing.T, n int) string {
	f := gofakeit.New(7)
	rng := rand.New(rand.NewPCG(7, 9))
	path := filepath.Join(t.TempDir(), "persons.csv")
	out, err := os.Create(path)
	require.NoError(t, err)
	w := csv.NewWriter(out)
	require.NoError(t, w.Write([]string{"id", "name", "born", "place"}))
	for i := range n {
		first, last := f.FirstName(), f.LastName()
		born := time.Date(1500+rng.IntN(380), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		place, seat := f.City(), f.City()
		a := first + " " + last
		peer := rng.IntN(3) == 0
		if peer {
			a = fmt.Sprintf("%s %s, %d%s %s %s of %s", first, last, 1+rng.IntN(3), []string{"st", "nd", "rd"}[rng.IntN(3)], ranks[rng.IntN(len(ranks))], last, seat)
		}
		var b string
		switch rng.IntN(7) {
		case 0:
			b = last + ", " + first
		case 1:
			b = first[:1] + ". " + last
		case 2:
			b = last + " " + first // swapped
		case 3:
			if peer {
				b = first + " of " + seat // known by the seat only
				break
			}
			fallthrough
		default:
			b = first + " " + last
		}
		bBorn, bPlace := born, place
		switch rng.IntN(10) {
		case 0:
			bBorn = ""
		case 1, 2:
			bBorn = born[:8] + fmt.Sprintf("%02d", 1+rng.IntN(28)) // another day of the month
		}
		if rng.IntN(5) == 0 {
			bPlace = f.City() // the place of death, or another spelling
		}
		require.NoError(t, w.Write([]string{fmt.Sprintf("p%d-a", i), a, born, place}))
		require.NoError(t, w.Write([]string{fmt.Sprintf("p%d-b", i), b, bBorn, bPlace}))
	}
	w.Flush()
	require.NoError(t, w.Error())
	require.NoError(t, out.Close())
	return path
}

func TestResolveFile_HistoricalPersons(t *testing.T) {
	path := writeHistorical(t, 2000)
	mapping := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(mapping, []byte("id: id\nfields:\n  full_name: name\n  birth_date: born\n  address.city: place\n"), 0o600))
	m, err := csvfile.LoadMapping(mapping)
	require.NoError(t, err)
	person := func(k record.RecordKey) string { id, _, _ := strings.Cut(k.ID, "-"); return id }
	f1 := map[bool]float64{}
	for _, tc := range []struct {
		name     string
		minYear  int
		minF1    float64
		keepsDOB bool
	}{
		{"customer defaults: dates before 1900 dropped", 0, 0, false},
		{"cleanse.min_birth_year 1", 1, 0.96, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ResolveFile(context.Background(), FileRequest{Input: path, Mapping: m, Identity: identity.DefaultConfig(),
				Cleanse: cleansing.Options{MinBirthYear: tc.minYear}})
			require.NoError(t, err)
			require.Empty(t, res.Quarantined, "every row has a usable name")
			pm := identity.EvaluatePairs(res.Result.Links, person)
			t.Logf("%s: profiles %d | precision %.4f recall %.4f F1 %.4f | threshold %.3f", tc.name, len(res.Result.Profiles), pm.Precision(), pm.Recall(), pm.F1(), res.Result.Stats.Threshold)
			f1[tc.keepsDOB] = pm.F1()
			if tc.keepsDOB {
				require.GreaterOrEqual(t, pm.Precision(), 0.99)
				assert.Greater(t, pm.F1(), f1[false]+0.05, "keeping the birth dates is what links most of them")
				require.GreaterOrEqual(t, pm.F1(), tc.minF1)
			}
			dated := 0
			for _, p := range res.Result.Profiles {
				g := p.Golden
				assert.NotContains(t, strings.ToLower(g.FirstName+" "+g.LastName), "baron", "the peerage is not part of the name")
				if g.BirthDate != "" {
					dated++
				}
			}
			if tc.keepsDOB {
				assert.Greater(t, dated, len(res.Result.Profiles)*9/10, "old birth dates are kept")
			} else {
				assert.Zero(t, dated, "a customer born before 1900 is not plausible")
			}
		})
	}
}
