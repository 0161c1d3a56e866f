// heavy_test.go resolves a small, very messy set made here: 1,000 records of about 500
// people, every duplicate with several typos, often missing its birth date or address, and
// no email or phone shared. It is where a conservative model loses recall: the automatic
// threshold must win recall back without losing precision.
package identity

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
)

// heavyTypos returns the generated records with emails and phones removed and every
// duplicate further damaged.
func heavyTypos(n int, seed uint64) generated {
	g := generateCustomers(n, seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	firstSeen := map[int]bool{}
	for i := range g.records {
		r := &g.records[i]
		r.Email, r.Phone = "", ""
		p := g.person[r.Key()]
		if !firstSeen[p] {
			firstSeen[p] = true
			continue
		}
		for _, s := range []*string{&r.FirstName, &r.LastName, &r.Address.Line1, &r.Address.City} {
			for range 1 + rng.IntN(2) {
				if rng.IntN(2) == 0 {
					*s = typo(rng, *s)
				}
			}
		}
		if rng.IntN(3) == 0 {
			r.BirthDate = ""
		}
		if rng.IntN(3) == 0 {
			r.Address = record.Address{}
		}
		if rng.IntN(4) == 0 {
			r.Address.Postcode = typo(rng, r.Address.Postcode)
		}
	}
	return g
}

func TestResolve_HeavyTypos(t *testing.T) {
	g := heavyTypos(1000, 21)
	truth := func(k record.RecordKey) string { return strconv.Itoa(g.person[k]) }
	f1, precision := map[string]float64{}, map[string]float64{}
	for _, tc := range []struct {
		name      string
		threshold Threshold
	}{{"fixed 0.95", 0.95}, {"auto", ThresholdAuto}} {
		cfg := DefaultConfig()
		cfg.Threshold = tc.threshold
		res := mustResolve(t, cfg, g.records, State{})
		m := EvaluatePairs(res.Links, truth)
		t.Logf("%s: threshold %.3f | true pairs %d predicted %d | precision %.4f recall %.4f F1 %.4f | estimated precision %.4f recall %.4f",
			tc.name, res.Stats.Threshold, m.TruePairs, m.Predicted, m.Precision(), m.Recall(), m.F1(), res.Stats.EstimatedPrecision, res.Stats.EstimatedRecall)
		f1[tc.name], precision[tc.name] = m.F1(), m.Precision()
	}
	// Households (same last name and street, first names too damaged to tell apart) reach 0.95
	// here; the chosen threshold sits above them.
	assert.GreaterOrEqual(t, precision["auto"], 0.99, "the chosen threshold keeps precision")
	assert.GreaterOrEqual(t, f1["auto"], f1["fixed 0.95"], "and loses nothing against the fixed one")
}
