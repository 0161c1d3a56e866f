// ids.go holds stable profile ids: a new profile's id is derived from its smallest member
// record key, so the same data gives the same ids; a cluster holding records of an earlier
// profile keeps that profile's id, and when earlier profiles merge the one with the most
// members survives and the others are recorded as merged into it.
package identity

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/cdpflow/cdpflow/record"
)

// compareKeys orders record keys by source, then id.
func compareKeys(a, b record.RecordKey) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// ProfileIDFor is the id a new profile whose smallest member is rec receives (unless an
// earlier profile already uses it).
func ProfileIDFor(rec record.RecordKey) string { return hashID(rec.String()) }

func hashID(s string) string { return formatID(hashKey(s)) }

func hashKey(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// formatID renders "p_" and 16 hex digits.
func formatID(h uint64) string {
	const digits = "0123456789abcdef"
	var b [18]byte
	b[0], b[1] = 'p', '_'
	for i := 17; i >= 2; i-- {
		b[i] = digits[h&0xf]
		h >>= 4
	}
	return string(b[:])
}

// uniqueID derives an id from seed that is not in used, and marks it used.
func uniqueID(seed string, used map[string]bool) string {
	id := hashID(seed)
	for i := 1; used[id]; i++ {
		id = hashID(fmt.Sprintf("%s#%d", seed, i))
	}
	used[id] = true
	return id
}

// idClaim is an earlier profile's claim on a cluster: how many of its records the cluster holds.
type idClaim struct {
	cluster int
	id      string
	count   int
}

// assignIDs gives every cluster an id, in three phases: clusters holding records of earlier
// profiles keep one of those ids (claimIDs), the others get the hash of their smallest member key
// (newIDs), and earlier profiles that kept no cluster are recorded as merged (mergesOf). anchor is
// each cluster's smallest member row. It returns the ids and the merges (From -> Into).
func assignIDs(d *dataset, cl *clustering, anchor []int32, prior map[record.RecordKey]string) ([]string, []Merge) {
	ids := make([]string, len(cl.members))
	claims, taken := claimIDs(d, cl, anchor, prior, ids)
	newIDs(d, cl, anchor, prior, ids)
	return ids, mergesOf(claims, taken, ids)
}

// claimIDs sorts the earlier profiles' claims and hands each cluster the id of its strongest
// claim that no stronger cluster took. It returns the sorted claims and the ids taken.
func claimIDs(d *dataset, cl *clustering, anchor []int32, prior map[record.RecordKey]string, ids []string) ([]idClaim, map[string]bool) {
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
	// Most of the profile's members first; then the larger cluster; then the larger (older)
	// earlier profile; then the id and the cluster's first key, for determinism.
	slices.SortFunc(claims, func(x, y idClaim) int {
		if c := cmp.Compare(y.count, x.count); c != 0 {
			return c
		}
		if c := cmp.Compare(len(cl.members[y.cluster]), len(cl.members[x.cluster])); c != 0 {
			return c
		}
		if c := cmp.Compare(priorSize[y.id], priorSize[x.id]); c != 0 {
			return c
		}
		if c := strings.Compare(x.id, y.id); c != 0 {
			return c
		}
		return compareKeys(d.keys[anchor[x.cluster]], d.keys[anchor[y.cluster]])
	})
	taken := map[string]bool{}
	for _, c := range claims {
		if ids[c.cluster] == "" && !taken[c.id] {
			ids[c.cluster] = c.id
			taken[c.id] = true
		}
	}
	return claims, taken
}

// newIDs gives the clusters without an id the hash of their smallest member key. Should two
// hashes collide (or hit an earlier id), the clusters involved take suffixed seeds in key order,
// so that the outcome does not depend on the input order.
func newIDs(d *dataset, cl *clustering, anchor []int32, prior map[record.RecordKey]string, ids []string) {
	used := map[string]bool{}
	for _, p := range prior {
		used[p] = true
	}
	byHash := make(map[uint64]int32, len(cl.members))
	var clash []int
	for ci := range cl.members {
		if ids[ci] != "" {
			continue
		}
		h := hashKey(d.keys[anchor[ci]].String())
		if other, dup := byHash[h]; dup {
			if other >= 0 {
				clash = append(clash, int(other))
				byHash[h] = -1
			}
			clash = append(clash, ci)
			continue
		}
		id := formatID(h)
		if used[id] {
			clash = append(clash, ci)
			continue
		}
		byHash[h] = int32(ci)
		ids[ci] = id
	}
	slices.SortFunc(clash, func(x, y int) int { return compareKeys(d.keys[anchor[x]], d.keys[anchor[y]]) })
	for _, ci := range clash {
		ids[ci] = ""
	}
	for _, id := range ids {
		if id != "" {
			used[id] = true
		}
	}
	for _, ci := range clash {
		ids[ci] = uniqueID(d.keys[anchor[ci]].String(), used)
	}
}

// mergesOf records the earlier profiles that kept no cluster as merged into the cluster holding
// most of their records (the first of their sorted claims), sorted by From.
func mergesOf(claims []idClaim, taken map[string]bool, ids []string) []Merge {
	var merges []Merge
	for _, c := range claims {
		if taken[c.id] {
			continue
		}
		taken[c.id] = true
		merges = append(merges, Merge{From: c.id, Into: ids[c.cluster]})
	}
	slices.SortFunc(merges, func(x, y Merge) int { return strings.Compare(x.From, y.From) })
	return merges
}
