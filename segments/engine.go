// engine.go holds the Engine: compiling segment definitions, and Evaluate, which runs the
// passes (base facts, CLV fit, rankings, rules) over all profiles and assembles sorted
// memberships.

package segments

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr/vm"
)

// Definition is one user segment from configuration.
type Definition struct {
	Name string
	Rule string
}

// Engine evaluates the built-in segments and a fixed set of compiled user segments. It is
// safe for concurrent use.
type Engine struct {
	rules []*Rule
	// RunBudget bounds the wall-clock time all user rules of one evaluation may take together
	// (0: DefaultRunBudget). Each rule's cost per profile is bounded at compile time (MaxRuleSteps).
	RunBudget time.Duration
}

// Result is one evaluation.
type Result struct {
	// Members maps every segment name to the sorted ids of its members. Every static
	// built-in and every user segment is present, empty ones as an empty slice; a
	// cohort.<YYYY-MM> segment is present for each cohort with members.
	Members map[string][]string
	// Facts maps profile id to the profile's facts; nil from EvaluateMembers.
	Facts map[string]Facts
	// CLV holds the population figures of the CLV prediction.
	CLV CLVModel
}

// New compiles the user segment definitions. It reports every invalid definition at once:
// empty, duplicate or reserved names (segments[i].name) and rules that do not compile
// (segments[i].rule, a *RuleError).
func New(defs []Definition) (*Engine, error) {
	e := &Engine{}
	var errs []error
	seen := make(map[string]int, len(defs))
	for i, d := range defs {
		switch first, dup := seen[d.Name]; {
		case strings.TrimSpace(d.Name) == "":
			errs = append(errs, fmt.Errorf("segments[%d].name: segment name is empty", i))
			continue
		case d.Name != strings.TrimSpace(d.Name):
			errs = append(errs, fmt.Errorf("segments[%d].name: segment name %q has surrounding spaces", i, d.Name))
			continue
		case reservedName(d.Name):
			errs = append(errs, fmt.Errorf("segments[%d].name: %q is in a namespace reserved for built-in segments (%s)",
				i, d.Name, strings.Join(reservedPrefixes[:], ", ")))
			continue
		case dup:
			errs = append(errs, fmt.Errorf("segments[%d].name: duplicate segment %q (first at segments[%d])", i, d.Name, first))
			continue
		}
		seen[d.Name] = i
		r, err := Compile(d.Name, d.Rule)
		if err != nil {
			var re *RuleError
			if errors.As(err, &re) {
				re.Index = i
			}
			errs = append(errs, err)
			continue
		}
		e.rules = append(e.rules, r)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// Names returns the static built-in names (BuiltinNames order) followed by the user segment
// names in definition order. cohort.<YYYY-MM> segments are dynamic and not listed.
func (e *Engine) Names() []string {
	names := BuiltinNames()
	for _, r := range e.rules {
		names = append(names, r.Name)
	}
	return names
}

// Rules returns the compiled user rules in definition order.
func (e *Engine) Rules() []*Rule { return slices.Clone(e.rules) }

// Evaluate computes every profile's facts as of now and the members of every segment.
// Profile ids must be unique and non-empty, and now must not be zero. The result depends only on the profiles (as a
// set: their order does not matter) and now.
func (e *Engine) Evaluate(profiles []Profile, now time.Time) (Result, error) {
	return e.evaluate(context.Background(), profiles, now, true)
}

// EvaluateMembers is Evaluate without Result.Facts, for large runs that only need
// memberships: it saves building a map of every profile's facts.
func (e *Engine) EvaluateMembers(profiles []Profile, now time.Time) (Result, error) {
	return e.evaluate(context.Background(), profiles, now, false)
}

// EvaluateMembersContext is EvaluateMembers that stops when ctx ends (a cancelled or timed-out
// activity), returning ctx's error.
func (e *Engine) EvaluateMembersContext(ctx context.Context, profiles []Profile, now time.Time) (Result, error) {
	return e.evaluate(ctx, profiles, now, false)
}

func (e *Engine) evaluate(ctx context.Context, profiles []Profile, now time.Time, keepFacts bool) (Result, error) {
	if now.IsZero() {
		// Every order would be in the future: all segments would empty out downstream.
		return Result{}, errors.New("evaluation time (now) is zero")
	}
	now = now.UTC()
	order, err := idOrder(profiles)
	if err != nil {
		return Result{}, err
	}

	n := len(profiles)
	facts := make([]Facts, n)
	st := make([]stats, n)
	parallel(n, func(lo, hi int) {
		var sc scratch
		for i := lo; i < hi; i++ {
			baseFacts(&profiles[i], now, &facts[i], &st[i], &sc)
		}
	})
	assignCohorts(facts, st)

	buyers, groups := buyerGroups(facts)
	model := fitCLV(facts, st, buyers)
	applyCLV(model, facts, st, buyers)
	markTopDecile(facts, st, groups)
	scoreRFM(facts, st, buyers, groups)

	matches, err := e.matchRules(ctx, facts)
	if err != nil {
		return Result{}, err
	}

	res := Result{Members: e.members(profiles, order, facts, st, matches), CLV: model}
	if keepFacts {
		res.Facts = make(map[string]Facts, n)
		for i := range facts {
			res.Facts[facts[i].ID] = facts[i]
		}
	}
	return res, nil
}

// idOrder returns profile indexes sorted by id, rejecting empty and duplicate ids.
func idOrder(profiles []Profile) ([]int32, error) {
	order := make([]int32, len(profiles))
	for i := range order {
		order[i] = int32(i)
	}
	byID := func(a, b int32) int { return strings.Compare(profiles[a].ID, profiles[b].ID) }
	if !slices.IsSortedFunc(order, byID) {
		slices.SortFunc(order, byID)
	}
	for k, i := range order {
		if profiles[i].ID == "" {
			return nil, fmt.Errorf("profile at index %d has an empty id", i)
		}
		if k > 0 && profiles[order[k-1]].ID == profiles[i].ID {
			return nil, fmt.Errorf("duplicate profile id %q", profiles[i].ID)
		}
	}
	return order, nil
}

// buyerGroups lists the profiles with counted orders, and the same profiles grouped by
// dominant currency (groups in currency order, each in profile order).
func buyerGroups(facts []Facts) (buyers []int32, groups [][]int32) {
	byCurrency := map[string][]int32{}
	for i := range facts {
		if facts[i].Orders.Count > 0 {
			buyers = append(buyers, int32(i))
			c := facts[i].Orders.Currency
			byCurrency[c] = append(byCurrency[c], int32(i))
		}
	}
	for _, c := range slices.Sorted(maps.Keys(byCurrency)) {
		groups = append(groups, byCurrency[c])
	}
	return buyers, groups
}

// matchRules evaluates every user rule on every profile: matches[rule][profile]. On failure
// it returns the error of the first failing profile in input order, whatever the scheduling.
// Between blocks of profiles it checks ctx and the run budget, timing each rule.
func (e *Engine) matchRules(ctx context.Context, facts []Facts) ([][]bool, error) {
	matches := make([][]bool, len(e.rules))
	for r := range matches {
		matches[r] = make([]bool, len(facts))
	}
	if len(e.rules) == 0 {
		return matches, nil
	}
	budget := e.RunBudget
	if budget <= 0 {
		budget = DefaultRunBudget
	}
	start := time.Now()
	spent := make([]time.Duration, len(e.rules))
	var stopped atomic.Bool
	var mu sync.Mutex
	firstAt, firstErr := len(facts), error(nil)
	var stopErr error
	const block = 64
	parallel(len(facts), func(lo, hi int) {
		var machine vm.VM
		local := make([]time.Duration, len(e.rules))
		defer func() {
			mu.Lock()
			for r, d := range local {
				spent[r] += d
			}
			mu.Unlock()
		}()
		for b := lo; b < hi; b += block {
			if stopped.Load() {
				return
			}
			if err := ctx.Err(); err != nil {
				mu.Lock()
				stopErr = err
				mu.Unlock()
				stopped.Store(true)
				return
			}
			if time.Since(start) > budget {
				stopped.Store(true)
				return
			}
			end := min(b+block, hi)
			for r, rule := range e.rules {
				t0 := time.Now()
				for i := b; i < end; i++ {
					ok, err := rule.match(&machine, &facts[i])
					if err != nil {
						mu.Lock()
						if i < firstAt {
							firstAt, firstErr = i, err
						}
						mu.Unlock()
						return
					}
					matches[r][i] = ok
				}
				local[r] += time.Since(t0)
			}
		}
	})
	switch {
	case firstErr != nil:
		return nil, firstErr
	case stopErr != nil:
		return nil, fmt.Errorf("segment rules stopped: %w", stopErr)
	case stopped.Load():
		worst := 0
		for r := range spent {
			if spent[r] > spent[worst] {
				worst = r
			}
		}
		rule := e.rules[worst]
		return nil, &RuleError{Index: -1, Segment: rule.Name, Rule: rule.Source, Budget: true, Err: fmt.Errorf(
			"segment rules went over their run budget of %s across %d profiles; this rule used the most (%s): simplify it",
			budget, len(facts), spent[worst].Round(time.Millisecond))}
	}
	return matches, nil
}

// members assembles the membership lists by walking profiles in id order, so every list comes
// out sorted without sorting it. A first walk counts, so each list is allocated once.
func (e *Engine) members(profiles []Profile, order []int32, facts []Facts, st []stats, matches [][]bool) map[string][]string {
	// Lists 0..numStatic-1 are the static built-ins, then one per user rule.
	lists := make([][]string, numStatic+len(e.rules))
	counts := make([]int, len(lists))
	cohorts := map[string][]string{}
	cohortCounts := map[string]int{}
	var idx []int
	walk := func(visit func(list int, i int32), visitCohort func(c string, i int32)) {
		for _, i := range order {
			idx = staticMemberships(&facts[i], &st[i], idx[:0])
			for _, k := range idx {
				visit(k, i)
			}
			if c := facts[i].Cohort; c != "" {
				visitCohort(c, i)
			}
			for r := range matches {
				if matches[r][i] {
					visit(numStatic+r, i)
				}
			}
		}
	}
	walk(func(l int, _ int32) { counts[l]++ }, func(c string, _ int32) { cohortCounts[c]++ })
	for l, n := range counts {
		lists[l] = make([]string, 0, n)
	}
	for c, n := range cohortCounts {
		cohorts[c] = make([]string, 0, n)
	}
	walk(func(l int, i int32) { lists[l] = append(lists[l], profiles[i].ID) },
		func(c string, i int32) { cohorts[c] = append(cohorts[c], profiles[i].ID) })

	out := make(map[string][]string, len(lists)+len(cohorts))
	for k, name := range builtinNames {
		out[name] = lists[k]
	}
	for r, rule := range e.rules {
		out[rule.Name] = lists[numStatic+r]
	}
	for c, ids := range cohorts {
		out[CohortPrefix+c] = ids
	}
	return out
}

// parallel runs fn over [0,n) split into one contiguous chunk per available core.
func parallel(n int, fn func(lo, hi int)) {
	const minChunk = 1024
	workers := min(runtime.GOMAXPROCS(0), (n+minChunk-1)/minChunk)
	if workers <= 1 {
		fn(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		wg.Go(func() { fn(lo, min(lo+chunk, n)) })
	}
	wg.Wait()
}
