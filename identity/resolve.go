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

// pipeline is one resolution's state as it moves through the phases of doc.go.
type pipeline struct {
	cfg         Config
	prior       State
	priorLinks  map[record.RecordKey]string
	incremental bool
	d           *dataset
	changed     []bool // incremental runs: rows to compare
	rules       []blockingRule
	bi          *blockIndex
	cands       []candidate
	model       Model
	scorer      *scorer
	edges       []edge
	cl          *clustering
	oneToOne    []uint32 // row -> one-to-one source id, nil when none is configured
	scores      ScoreHistogram
	modelCands  []candidate // incremental runs with a new model: all pairs, for the threshold
	stats       Stats
	timer       *phaseTimer
}

// run is the pipeline; changedKeys is nil for a full run.
func run(ctx context.Context, cfg Config, records []record.Customer, changedKeys []record.RecordKey, prior State) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, fmt.Errorf("resolve: invalid configuration: %w", err)
	}
	p := &pipeline{cfg: cfg, prior: prior, priorLinks: prior.linkMap(), incremental: changedKeys != nil,
		timer: &phaseTimer{last: time.Now()}}
	phases := []struct {
		name string
		run  func(context.Context) error
	}{
		{"intern", func(ctx context.Context) error { return p.intern(ctx, records, changedKeys) }},
		{"block", func(context.Context) error { return p.block() }},
		{"compare", p.compare},
		{"model", p.estimate},
		{"score", func(context.Context) error { p.score(); return nil }},
		{"cluster", func(context.Context) error { p.cluster(); return nil }},
	}
	for _, ph := range phases {
		if err := ph.run(ctx); err != nil {
			return Result{}, fmt.Errorf("resolve: %s: %w", ph.name, err)
		}
		p.timer.done(ph.name)
	}
	res := p.result()
	p.timer.done("profiles")
	res.Stats.Phases = p.timer.phases
	return res, nil
}

// intern builds the compact dataset and, for incremental runs, marks the changed rows.
func (p *pipeline) intern(ctx context.Context, records []record.Customer, changedKeys []record.RecordKey) error {
	d, err := newDataset(ctx, p.cfg, records)
	if err != nil {
		return err
	}
	p.d = d
	n := d.n()
	p.stats = Stats{Records: n, Deleted: len(records) - n, Changed: n}
	if p.incremental {
		p.changed = changedRows(d, changedKeys, p.priorLinks)
		p.stats.Changed = 0
		for _, c := range p.changed {
			if c {
				p.stats.Changed++
			}
		}
	}
	return nil
}

// reuseModel reports whether an incremental run keeps the prior model (it fits the data).
func (p *pipeline) reuseModel() bool { return p.incremental && p.prior.Model.compatible(p.d) }

// block picks the blocking rules (configured, the prior model's, or derived) and indexes blocks.
func (p *pipeline) block() error {
	var err error
	switch {
	case len(p.cfg.Blocking) > 0:
		p.rules = mustRules(p.cfg.Blocking)
	case p.reuseModel() && len(p.prior.Model.Blocking) > 0:
		if p.rules, err = parseRules(p.prior.Model.Blocking); err != nil {
			return fmt.Errorf("blocking rules of the prior model: %w", err)
		}
	default:
		p.rules = deriveRules(p.d, p.cfg.maxBlockSize())
	}
	p.rules = p.d.resolveRules(p.rules)
	var only []bool // a reused model compares only pairs with a changed row: only their blocks
	if p.reuseModel() {
		only = p.changed
	}
	p.bi = buildBlocks(p.d, p.rules, p.cfg.maxBlockSize(), only)
	for _, r := range p.rules {
		p.stats.BlockingRules = append(p.stats.BlockingRules, r.text)
	}
	p.stats.Blocks, p.stats.BlocksSkipped = len(p.bi.blocks), p.bi.skipped
	return nil
}

// compare compares the candidate pairs (incremental runs: only pairs with a changed row).
func (p *pipeline) compare(ctx context.Context) error {
	cands, err := comparePairs(ctx, p.d, p.bi, p.changed)
	if err != nil {
		return fmt.Errorf("comparing pairs: %w", err)
	}
	p.cands = cands
	p.stats.PairsCompared = len(cands)
	return nil
}

// estimate reuses the prior model when it fits, else estimates one from all candidate pairs.
func (p *pipeline) estimate(ctx context.Context) error {
	switch {
	case p.reuseModel():
		p.model = p.prior.Model.rescaled(p.d.n())
		p.model.Blocking = p.stats.BlockingRules
		p.stats.ModelReused = true
	case p.incremental:
		all, err := comparePairs(ctx, p.d, p.bi, nil)
		if err != nil {
			return fmt.Errorf("comparing pairs for the model: %w", err)
		}
		p.model = estimateModel(p.d, p.bi, all)
		markTermFrequency(&p.model)
		p.modelCands = all
	default:
		p.model = estimateModel(p.d, p.bi, p.cands)
		markTermFrequency(&p.model)
	}
	return nil
}

// score turns matching pairs, deterministic links and (incremental) prior links into edges.
func (p *pipeline) score() {
	p.scorer = newScorer(p.d, &p.model, buildTF(p.d, &p.model))
	p.oneToOne = oneToOneSources(p.d, p.cfg)
	weights, tally := p.scorer.weights(p.cands)
	switch {
	case !p.incremental:
		p.scores = tally.histogram(p.model.Lambda, p.d.n())
	case p.modelCands != nil:
		// A new model from all pairs: its curve. An incremental run that reuses its model
		// compares only pairs with a changed record, which make no curve.
		_, all := p.scorer.weights(p.modelCands)
		p.scores = all.histogram(p.model.Lambda, p.d.n())
	}
	threshold := float64(p.cfg.Threshold)
	if p.cfg.Threshold.Auto() {
		threshold = p.chosenThreshold()
		p.stats.ThresholdChosen = true
	}
	p.model.Threshold, p.model.ThresholdChosen = threshold, p.cfg.Threshold.Auto()
	p.stats.Threshold = threshold
	if len(p.scores.Bins) > 0 {
		est := p.scores.At(threshold)
		p.stats.EstimatedPrecision, p.stats.EstimatedRecall = est.Precision, est.Recall
	}
	p.edges = p.scorer.matchEdges(p.cands, weights, threshold, p.cfg.Link.Threshold, p.oneToOne)
	p.cands, p.modelCands = nil, nil
	p.stats.PairsMatched = len(p.edges)
	exact := exactEdges(p.d, p.cfg.Exact, p.scorer)
	p.stats.ExactLinks = len(exact)
	p.edges = append(p.edges, exact...)
	if p.incremental {
		p.edges = append(p.edges, priorEdges(p.d, p.changed, p.priorLinks)...)
	}
}

// chosenThreshold is the automatic threshold: chosen from the curve of the pairs the model was
// estimated on, or, when the model is reused, the one it was chosen with (DefaultThreshold for
// a model whose threshold was configured).
func (p *pipeline) chosenThreshold() float64 {
	switch {
	case len(p.scores.Bins) > 0:
		return chooseThreshold(p.scores, p.cfg.targetPrecision())
	case p.stats.ModelReused && p.prior.Model.ThresholdChosen && p.prior.Model.Threshold > 0:
		return p.prior.Model.Threshold
	}
	return DefaultThreshold
}

// cluster merges the edges strongest first under merge protection.
func (p *pipeline) cluster() {
	p.cl = buildClusters(p.d.n(), p.edges, newConstraints(p.d, p.cfg, p.oneToOne, p.prior.Splits))
	p.edges = nil
	p.stats.LinksRefused, p.stats.ClustersSplit = p.cl.rejected, p.cl.split
	if len(p.cl.reasons) > 0 {
		p.stats.RefusedBy = p.cl.reasons
	}
}

// result gives stable ids, builds every link's evidence and every profile's golden record.
func (p *pipeline) result() Result {
	d, cl := p.d, p.cl
	anchor := make([]int32, len(cl.members))
	for ci, rows := range cl.members {
		anchor[ci] = slices.MinFunc(rows, func(a, b int32) int { return compareKeys(d.keys[a], d.keys[b]) })
	}
	parent := cl.parents(anchor)
	ids, merges := assignIDs(d, cl, anchor, p.priorLinks)
	res := Result{Model: p.model, Merges: merges, Scores: p.scores}
	res.Links = make([]Link, d.n())
	for row := range int32(d.n()) {
		l := Link{Record: d.keys[row], Profile: ids[cl.cluster[row]], Evidence: Evidence{Rule: EvidenceAnchor}}
		if pe := parent[row]; pe >= 0 {
			e := cl.tree[pe]
			other := e.a
			if other == row {
				other = e.b
			}
			l.Evidence = p.scorer.evidence(e, d.keys[other])
		}
		res.Links[row] = l
	}
	attachMergeEvidence(d, cl, ids, p.priorLinks, p.scorer, res.Merges)
	p.stats.Merges = len(res.Merges)
	res.Profiles = buildProfiles(d, p.cfg, cl, ids, p.unchangedClusters(ids))
	p.stats.Profiles = len(res.Profiles)
	res.Stats = p.stats
	return res
}

// unchangedClusters marks the clusters whose golden records need not be built again (see
// State.KeepUnchanged): nil when every one must be.
func (p *pipeline) unchangedClusters(ids []string) []bool {
	if !p.incremental || !p.prior.KeepUnchanged || !p.stats.ModelReused {
		return nil
	}
	size := make(map[string]int, len(p.prior.Links))
	for _, l := range p.prior.Links {
		size[l.Profile]++
	}
	out := make([]bool, len(p.cl.members))
	for ci, rows := range p.cl.members {
		same := size[ids[ci]] == len(rows)
		for _, r := range rows {
			if !same {
				break
			}
			same = !p.changed[r] && p.priorLinks[p.d.keys[r]] == ids[ci]
		}
		out[ci] = same
	}
	return out
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

// buildProfiles builds every cluster's profile and golden record, in cluster order; a cluster
// marked in unchanged gets its members only, marked Unchanged.
func buildProfiles(d *dataset, cfg Config, cl *clustering, ids []string, unchanged []bool) []Profile {
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
			if unchanged != nil && unchanged[ci] {
				profiles[ci] = Profile{ID: ids[ci], Members: keys, Unchanged: true}
				continue
			}
			golden, lineage := sv.golden(ids[ci], members)
			profiles[ci] = Profile{ID: ids[ci], Members: keys, Golden: golden, Lineage: lineage}
		}
	})
	return profiles
}
