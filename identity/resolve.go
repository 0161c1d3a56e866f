// resolve.go holds the entry points, Resolve and ResolveIncremental, and the pipeline they
// share: intern, block, compare, estimate the model, score, link, cluster under merge
// protection, give stable ids, build golden records and evidence.
package identity

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cdpflow/cdpflow/record"
)

// Resolve resolves all records into profiles. prior (may be empty) carries earlier links,
// used to keep profile ids stable, and unmerge decisions, which are enforced. The model is
// estimated afresh from the records.
func Resolve(ctx context.Context, cfg Config, records []record.Customer, prior State) (Result, error) {
	return run(ctx, cfg, records, nil, prior)
}

// ResolveIncremental resolves after a change. records holds all current records; changed
// lists the new or updated ones (records absent from prior.Links count as new). Unchanged
// records stay in their earlier profiles; changed records are compared, through the same
// blocking, against all records, and may join, leave or merge profiles. The model and the
// blocking rules of prior.Model are reused when they fit the configuration.
func ResolveIncremental(ctx context.Context, cfg Config, records []record.Customer, changed []record.RecordKey, prior State) (Result, error) {
	if len(prior.Links) == 0 {
		return run(ctx, cfg, records, nil, prior)
	}
	if changed == nil {
		changed = []record.RecordKey{}
	}
	return run(ctx, cfg, records, changed, prior)
}

// phaseTimer records the duration of each step.
type phaseTimer struct {
	last   time.Time
	phases []Phase
}

func (t *phaseTimer) done(name string) {
	now := time.Now()
	t.phases = append(t.phases, Phase{Name: name, Duration: now.Sub(t.last)})
	t.last = now
}

// run is the pipeline; changedKeys is nil for a full run.
func run(ctx context.Context, cfg Config, records []record.Customer, changedKeys []record.RecordKey, prior State) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("resolve: invalid configuration: %w", err)
	}
	incremental := changedKeys != nil
	timer := &phaseTimer{last: time.Now()}
	d, err := newDataset(ctx, cfg, records)
	if err != nil {
		return Result{}, fmt.Errorf("resolve: %w", err)
	}
	n := d.n()
	priorLinks := prior.linkMap()
	stats := Stats{Records: n, Deleted: len(records) - n, Changed: n}
	var changed []bool
	if incremental {
		changed = changedRows(d, changedKeys, priorLinks)
		stats.Changed = 0
		for _, c := range changed {
			if c {
				stats.Changed++
			}
		}
	}
	timer.done("intern")

	// Blocking.
	var rules []blockingRule
	reuse := incremental && prior.Model.compatible(d)
	switch {
	case len(cfg.Blocking) > 0:
		rules = mustRules(cfg.Blocking)
	case reuse && len(prior.Model.Blocking) > 0:
		if rules, err = parseRules(prior.Model.Blocking); err != nil {
			return Result{}, fmt.Errorf("resolve: blocking rules of the prior model: %w", err)
		}
	default:
		rules = deriveRules(d, cfg.maxBlockSize())
	}
	rules = d.resolveRules(rules)
	bi := buildBlocks(d, rules, cfg.maxBlockSize())
	for _, r := range rules {
		stats.BlockingRules = append(stats.BlockingRules, r.text)
	}
	stats.Blocks, stats.BlocksSkipped = len(bi.blocks), bi.skipped
	timer.done("block")

	cands, err := comparePairs(ctx, d, bi, changed)
	if err != nil {
		return Result{}, fmt.Errorf("resolve: comparing pairs: %w", err)
	}
	stats.PairsCompared = len(cands)
	timer.done("compare")

	// Model.
	var model Model
	switch {
	case reuse:
		model = prior.Model.rescaled(n)
		model.Blocking = stats.BlockingRules
		stats.ModelReused = true
	case incremental:
		all, err := comparePairs(ctx, d, bi, nil)
		if err != nil {
			return Result{}, fmt.Errorf("resolve: comparing pairs for the model: %w", err)
		}
		model = estimateModel(d, bi, all)
		markTermFrequency(&model)
	default:
		model = estimateModel(d, bi, cands)
		markTermFrequency(&model)
	}
	timer.done("model")

	// Links.
	sc := newScorer(d, &model, buildTF(d, &model))
	edges := sc.matchEdges(cands, cfg.Threshold)
	cands = nil
	stats.PairsMatched = len(edges)
	exact := exactEdges(d, cfg.Exact, sc)
	stats.ExactLinks = len(exact)
	edges = append(edges, exact...)
	if incremental {
		edges = append(edges, priorEdges(d, changed, priorLinks)...)
	}
	timer.done("score")

	cl := buildClusters(n, edges, newConstraints(d, cfg, prior.Splits))
	edges = nil
	stats.LinksRefused, stats.ClustersSplit = cl.rejected, cl.split
	if len(cl.reasons) > 0 {
		stats.RefusedBy = cl.reasons
	}
	anchor := make([]int32, len(cl.members))
	for ci, rows := range cl.members {
		anchor[ci] = slices.MinFunc(rows, func(a, b int32) int { return compareKeys(d.keys[a], d.keys[b]) })
	}
	parent := cl.parents(anchor)
	timer.done("cluster")

	ids, merges := assignIDs(d, cl, anchor, priorLinks)
	res := Result{Model: model, Merges: merges}
	res.Links = make([]Link, n)
	for row := range int32(n) {
		l := Link{Record: d.keys[row], Profile: ids[cl.cluster[row]], Evidence: Evidence{Rule: EvidenceAnchor}}
		if pe := parent[row]; pe >= 0 {
			e := cl.tree[pe]
			other := e.a
			if other == row {
				other = e.b
			}
			l.Evidence = sc.evidence(e, d.keys[other])
		}
		res.Links[row] = l
	}
	attachMergeEvidence(d, cl, ids, priorLinks, sc, res.Merges)
	stats.Merges = len(res.Merges)
	res.Profiles = buildProfiles(d, cfg, cl, ids)
	stats.Profiles = len(res.Profiles)
	timer.done("profiles")
	stats.Phases = timer.phases
	res.Stats = stats
	return res, nil
}

// changedRows marks the changed rows: listed, or unknown to the prior state.
func changedRows(d *dataset, keys []record.RecordKey, prior map[record.RecordKey]string) []bool {
	set := make(map[record.RecordKey]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	changed := make([]bool, d.n())
	for row, k := range d.keys {
		_, known := prior[k]
		changed[row] = set[k] || !known
	}
	return changed
}

func parseRules(texts []string) ([]blockingRule, error) {
	var rules []blockingRule
	for _, t := range texts {
		r, err := parseBlockingRule(t)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// mustRules parses rules already checked by Config.Validate.
func mustRules(texts []string) []blockingRule {
	rules, err := parseRules(texts)
	if err != nil {
		panic(err)
	}
	return rules
}

// evidence describes an edge seen from one of its ends; with is the other end.
func (s *scorer) evidence(e edge, with record.RecordKey) Evidence {
	ev := Evidence{Rule: EvidenceMatch, With: with}
	switch e.kind {
	case edgePrior:
		ev.Rule = EvidencePrior
		return ev
	case edgeExact:
		ev.Rule = "exact:" + e.rule
	}
	ev.Fields = make([]FieldScore, len(s.levelW))
	for fi := range s.levelW {
		l := level(e.levels, fi)
		ev.Fields[fi] = FieldScore{Level: l, Weight: s.fieldWeight(fi, l, e.a)}
	}
	ev.MatchWeight = e.weight
	ev.Probability = probabilityFromWeight(e.weight)
	return ev
}

// attachMergeEvidence finds, for each merge, the accepted link between a record of the
// absorbed profile and a record of another earlier profile in the same cluster.
func attachMergeEvidence(d *dataset, cl *clustering, ids []string, prior map[record.RecordKey]string, s *scorer, merges []Merge) {
	if len(merges) == 0 {
		return
	}
	byFrom := map[string]int{}
	for i, m := range merges {
		byFrom[m.From] = i
	}
	for _, e := range cl.tree {
		pa, oka := prior[d.keys[e.a]]
		pb, okb := prior[d.keys[e.b]]
		if pa == pb && oka == okb {
			continue
		}
		for _, side := range [2][2]int32{{e.a, e.b}, {e.b, e.a}} {
			from := prior[d.keys[side[0]]]
			i, ok := byFrom[from]
			if !ok || merges[i].Record != (record.RecordKey{}) || ids[cl.cluster[side[0]]] != merges[i].Into {
				continue
			}
			merges[i].Record = d.keys[side[0]]
			merges[i].Evidence = s.evidence(e, d.keys[side[1]])
		}
	}
}

// buildProfiles builds every cluster's profile and golden record, in cluster order.
func buildProfiles(d *dataset, cfg Config, cl *clustering, ids []string) []Profile {
	profiles := make([]Profile, len(cl.members))
	sv := newSurvivor(cfg)
	parallelRange(len(profiles), 32, func(_, lo, hi int) {
		var members []*record.Customer
		for ci := lo; ci < hi; ci++ {
			rows := cl.members[ci]
			members = members[:0]
			keys := make([]record.RecordKey, len(rows))
			for i, r := range rows {
				members = append(members, d.rows[r])
				keys[i] = d.keys[r]
			}
			slices.SortFunc(keys, compareKeys)
			golden, lineage := sv.golden(ids[ci], members)
			profiles[ci] = Profile{ID: ids[ci], Members: keys, Golden: golden, Lineage: lineage}
		}
	})
	return profiles
}
