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

// claimIDs hands each cluster the id of its strongest claim that no stronger cluster took. Most
// clusters hold records of one earlier profile that no other cluster holds: they keep its id
// without sorting. The contested claims (a cluster with records of several earlier profiles, or
// a profile whose records went to several clusters) are sorted. It returns the contested claims,
// sorted, and the ids taken.
func claimIDs(d *dataset, cl *clustering, anchor []int32, prior map[record.RecordKey]string, ids []string) ([]idClaim, map[string]bool) {
	var claims []idClaim
	single := make([]bool, 0, len(cl.members)) // per claim: its cluster has no other claim
	clusters := map[string]int{}               // earlier id -> clusters claiming it
	var local []idClaim
	for ci, rows := range cl.members {
		local = clusterClaims(d, rows, prior, ci, local[:0])
		for _, c := range local {
			clusters[c.id]++
			single = append(single, len(local) == 1)
		}
		claims = append(claims, local...)
	}
	taken := make(map[string]bool, len(claims))
	var contested []idClaim
	for i, c := range claims {
		if single[i] && clusters[c.id] == 1 {
			ids[c.cluster] = c.id
			taken[c.id] = true
			continue
		}
		contested = append(contested, c)
	}
	if len(contested) == 0 {
		return nil, taken
	}
	priorSize := map[string]int{}
	for _, c := range contested {
		priorSize[c.id] = 0
	}
	for _, p := range prior {
		if n, ok := priorSize[p]; ok {
			priorSize[p] = n + 1
		}
	}
	slices.SortFunc(contested, claimOrder(d, cl, anchor, priorSize))
	for _, c := range contested {
		if ids[c.cluster] == "" && !taken[c.id] {
			ids[c.cluster] = c.id
			taken[c.id] = true
		}
	}
	return contested, taken
}

// claimOrder orders claims strongest first: most of the profile's members; then the larger
// cluster; then the larger (older) earlier profile (priorSize: its records before); then the id
// and the cluster's first key, for determinism.
func claimOrder(d *dataset, cl *clustering, anchor []int32, priorSize map[string]int) func(x, y idClaim) int {
	return func(x, y idClaim) int {
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
	}
}

// clusterClaims appends to out the earlier profiles holding records of cluster ci (rows), with
// how many each holds, in first-seen order.
func clusterClaims(d *dataset, rows []int32, prior map[record.RecordKey]string, ci int, out []idClaim) []idClaim {
	const linearUpTo = 16 // a linear search beats a map for the few claims of most clusters
	var counts map[string]int
	for _, r := range rows {
		p, ok := prior[d.keys[r]]
		if !ok {
			continue
		}
		if counts != nil {
			if _, seen := counts[p]; !seen {
				counts[p] = len(out)
				out = append(out, idClaim{ci, p, 0})
			}
			out[counts[p]].count++
			continue
		}
		i := slices.IndexFunc(out, func(c idClaim) bool { return c.id == p })
		if i < 0 {
			i = len(out)
			out = append(out, idClaim{ci, p, 0})
			if len(out) > linearUpTo {
				counts = make(map[string]int, 2*len(out))
				for j, c := range out {
					counts[c.id] = j
				}
			}
		}
		out[i].count++
	}
	return out
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
	if len(clash) == 0 {
		return
	}
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
