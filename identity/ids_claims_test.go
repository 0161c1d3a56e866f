// ids_claims_test.go holds the id assignment's shortcut to the reference: handing uncontested
// claims their id without sorting must give exactly the ids and merges that sorting every claim
// gives, on random clusterings of random earlier profiles (splits, merges, large clusters).
package identity

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/require"
)

// claimIDsSorted is the reference: every claim counted with a map and sorted in claimOrder.
func claimIDsSorted(d *dataset, cl *clustering, anchor []int32, prior map[record.RecordKey]string, ids []string) ([]idClaim, map[string]bool) {
	priorSize := map[string]int{}
	for _, p := range prior {
		priorSize[p]++
	}
	var claims []idClaim
	for ci, rows := range cl.members {
		counts := map[string]int{}
		for _, r := range rows {
			if p, ok := prior[d.keys[r]]; ok {
				counts[p]++
			}
		}
		for id, c := range counts {
			claims = append(claims, idClaim{ci, id, c})
		}
	}
	slices.SortFunc(claims, claimOrder(d, cl, anchor, priorSize))
	taken := map[string]bool{}
	for _, c := range claims {
		if ids[c.cluster] == "" && !taken[c.id] {
			ids[c.cluster] = c.id
			taken[c.id] = true
		}
	}
	return claims, taken
}

func TestClaimIDs_ShortcutMatchesSortingEveryClaim(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		n := 1 + rng.IntN(400)
		d := &dataset{keys: make([]record.RecordKey, n)}
		for i := range d.keys {
			d.keys[i] = record.RecordKey{Source: "s", ID: fmt.Sprintf("%05d", i)}
		}
		// Earlier profiles: runs of consecutive rows; some rows are new (no earlier profile).
		prior := map[record.RecordKey]string{}
		for i := 0; i < n; {
			size := 1 + rng.IntN(3)
			if rng.IntN(10) == 0 {
				size = 1 + rng.IntN(40) // a large earlier profile
			}
			id := fmt.Sprintf("p%d", i)
			for j := i; j < min(n, i+size); j++ {
				if rng.IntN(8) != 0 {
					prior[d.keys[j]] = id
				}
			}
			i += size
		}
		// Today's clusters: mostly the earlier ones, with rows moved, clusters merged and split.
		assign := make([]int, n)
		for i := range assign {
			assign[i] = i / (1 + rng.IntN(3))
			switch rng.IntN(12) {
			case 0:
				assign[i] = rng.IntN(n) // moved
			case 1:
				assign[i] = n + i // alone
			case 2:
				assign[i] = 0 // into one large cluster
			}
		}
		groups := map[int][]int32{}
		for row, c := range assign {
			groups[c] = append(groups[c], int32(row))
		}
		cl := &clustering{cluster: make([]int32, n)}
		keys := make([]int, 0, len(groups))
		for c := range groups {
			keys = append(keys, c)
		}
		slices.Sort(keys)
		for _, c := range keys {
			for _, r := range groups[c] {
				cl.cluster[r] = int32(len(cl.members))
			}
			cl.members = append(cl.members, groups[c])
		}
		anchor := make([]int32, len(cl.members))
		for ci, rows := range cl.members {
			anchor[ci] = rows[0]
		}

		want := make([]string, len(cl.members))
		wantClaims, wantTaken := claimIDsSorted(d, cl, anchor, prior, want)
		newIDs(d, cl, anchor, prior, want)
		wantMerges := mergesOf(wantClaims, wantTaken, want)

		got, gotMerges := assignIDs(d, cl, anchor, prior)
		require.Equal(t, want, got, "seed %d: ids", seed)
		require.Equal(t, wantMerges, gotMerges, "seed %d: merges", seed)
	}
}
