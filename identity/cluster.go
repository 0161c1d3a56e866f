// cluster.go holds clustering: edges (deterministic links, matches over the threshold and,
// incrementally, links kept from earlier runs) are merged strongest first, union-find style,
// and an edge that would break merge protection is refused. A cluster that would break a
// limit is therefore split at its weakest links. The accepted edges form a spanning forest
// that explains every member's link.
package identity

import (
	"cmp"
	"slices"
)

// clustering is the outcome of merging the edges.
type clustering struct {
	cluster  []int32   // row -> cluster index
	members  [][]int32 // cluster -> rows, ascending
	tree     []edge    // accepted edges
	rejected int       // edges refused by merge protection
	split    int       // connected groups that protection split
	reasons  map[string]int
}

type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n)}
	for i := range u.parent {
		u.parent[i] = int32(i)
	}
	return u
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// sortEdges orders edges strongest first, deterministically.
func sortEdges(edges []edge) {
	slices.SortFunc(edges, func(x, y edge) int {
		if c := cmp.Compare(y.strength, x.strength); c != 0 {
			return c
		}
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.b, y.b)
	})
}

// buildClusters merges the edges under the constraints.
func buildClusters(n int, edges []edge, cons *constraints) *clustering {
	sortEdges(edges)
	uf := newUnionFind(n)
	var sets map[int32]*clusterSet
	if cons.active() {
		sets = map[int32]*clusterSet{}
	}
	setOf := func(root int32) *clusterSet {
		s, ok := sets[root]
		if !ok {
			s = cons.single(root)
		}
		return s
	}
	cl := &clustering{reasons: map[string]int{}}
	var refused []edge
	for _, e := range edges {
		ra, rb := uf.find(e.a), uf.find(e.b)
		if ra == rb {
			continue
		}
		if sets != nil {
			merged, reason, ok := cons.merge(setOf(ra), setOf(rb))
			if !ok {
				cl.rejected++
				cl.reasons[reason]++
				refused = append(refused, e)
				continue
			}
			delete(sets, ra)
			delete(sets, rb)
			if ra < rb {
				uf.parent[rb] = ra
				sets[ra] = merged
			} else {
				uf.parent[ra] = rb
				sets[rb] = merged
			}
		} else if ra < rb {
			uf.parent[rb] = ra
		} else {
			uf.parent[ra] = rb
		}
		cl.tree = append(cl.tree, e)
	}
	// Count the connected groups that protection split: refused edges joining clusters that
	// the unconstrained union would have joined.
	if len(refused) > 0 {
		free := &unionFind{parent: slices.Clone(uf.parent)}
		groups := map[int32]bool{}
		for _, e := range refused {
			ra, rb := free.find(e.a), free.find(e.b)
			if ra != rb {
				free.parent[max(ra, rb)] = min(ra, rb)
			}
		}
		for _, e := range refused {
			groups[free.find(e.a)] = true
		}
		cl.split = len(groups)
	}
	cl.cluster = make([]int32, n)
	index := make(map[int32]int32)
	for row := range int32(n) {
		root := uf.find(row)
		ci, ok := index[root]
		if !ok {
			ci = int32(len(cl.members))
			index[root] = ci
			cl.members = append(cl.members, nil)
		}
		cl.cluster[row] = ci
		cl.members[ci] = append(cl.members[ci], row)
	}
	return cl
}

// parents roots every cluster's tree at the given anchor row and returns, per row, the
// index in cl.tree of the edge to its parent (-1 for anchors).
func (cl *clustering) parents(anchor []int32) []int32 {
	n := len(cl.cluster)
	deg := make([]int32, n+1)
	for _, e := range cl.tree {
		deg[e.a+1]++
		deg[e.b+1]++
	}
	for i := 1; i <= n; i++ {
		deg[i] += deg[i-1]
	}
	adj := make([]int32, 2*len(cl.tree))
	fill := slices.Clone(deg[:n])
	for ei, e := range cl.tree {
		adj[fill[e.a]] = int32(ei)
		fill[e.a]++
		adj[fill[e.b]] = int32(ei)
		fill[e.b]++
	}
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = -2
	}
	var queue []int32
	for _, a := range anchor {
		parent[a] = -1
		queue = append(queue[:0], a)
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, ei := range adj[deg[x]:deg[x+1]] {
				e := cl.tree[ei]
				y := e.a
				if y == x {
					y = e.b
				}
				if parent[y] == -2 {
					parent[y] = ei
					queue = append(queue, y)
				}
			}
		}
	}
	return parent
}
