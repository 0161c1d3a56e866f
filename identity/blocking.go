// blocking.go holds blocking rules and keys: a rule groups records by cheap keys (soundex
// of a name, a date insensitive to day/month order, an exact postcode ...) so that only
// records sharing a key are compared (blocks.go builds the blocks, rules.go derives the
// default rules). Work then grows with the block sizes, not with the square of the record
// count.
package identity

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxRules bounds the blocking rules (a pair's rules are a 16-bit set).
const maxRules = 16

// blockingRule is a conjunction of keys: two records are candidates under the rule when
// every key agrees and none is empty.
type blockingRule struct {
	text string
	keys []blockKey
}

// blockKey is a field with a transform.
type blockKey struct {
	path      string
	transform string // exact, soundex, initial, prefixN, date
}

func (k blockKey) String() string { return k.path + ":" + k.transform }

// parseBlockingRule parses "path[:transform]+path[:transform]...".
func parseBlockingRule(text string) (blockingRule, error) {
	r := blockingRule{text: strings.TrimSpace(text)}
	if r.text == "" {
		return r, fmt.Errorf("empty rule: write keys joined by +, e.g. last_name:soundex+birth_date")
	}
	for part := range strings.SplitSeq(r.text, "+") {
		path, tr, _ := strings.Cut(strings.TrimSpace(part), ":")
		if !ValidField(path) {
			return r, fmt.Errorf("unknown field %q in rule %q: use a field path such as last_name or address.postcode", path, text)
		}
		if tr != "" && !validTransform(tr) {
			return r, fmt.Errorf("unknown transform %q in rule %q: use exact, soundex, initial, prefixN (e.g. prefix3) or date", tr, text)
		}
		r.keys = append(r.keys, blockKey{path: path, transform: tr})
	}
	return r, nil
}

func validTransform(tr string) bool {
	switch tr {
	case "exact", "soundex", "initial", "date":
		return true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(tr, "prefix"))
	return strings.HasPrefix(tr, "prefix") && err == nil && n > 0
}

// defaultTransform is the key used for a field of the given kind when a rule names none:
// phonetic for names, day/month-order insensitive for dates, the value itself otherwise.
func defaultTransform(kind Kind) string {
	switch kind {
	case KindName:
		return "soundex"
	case KindDate:
		return "date"
	}
	return "exact"
}

// applyTransform computes the key of one value ("" for no key).
func applyTransform(tr, v string) string {
	if v == "" {
		return ""
	}
	switch tr {
	case "soundex":
		return soundex(v)
	case "initial":
		r := []rune(v)
		return string(r[:1])
	case "date":
		d := parseDate(v)
		if !d.valid() {
			return v
		}
		lo, hi := min(d.m, d.d), max(d.m, d.d)
		return fmt.Sprintf("%04d%02d%02d", d.y, lo, hi)
	}
	if n, ok := strings.CutPrefix(tr, "prefix"); ok {
		k, _ := strconv.Atoi(n)
		r := []rune(v)
		return string(r[:min(k, len(r))])
	}
	return v
}

// keyIDs returns, for every row, the id of the key of the field under the transform
// (0 = no key). Ids are computed once per distinct value and cached on the dataset.
func (d *dataset) keyIDs(k blockKey) []uint32 { return d.internKeys(k.String(), k, nil) }

// internKeys computes and caches keyIDs under cacheKey. intern, when not nil, maps key strings
// to ids shared with other fields; nil gives the field ids of its own (its value ids for exact).
func (d *dataset) internKeys(cacheKey string, k blockKey, intern map[string]uint32) []uint32 {
	if ids, ok := d.keyCache[cacheKey]; ok {
		return ids
	}
	f := d.fields[k.path]
	byVal := make([]uint32, len(f.dict))
	if intern == nil && k.transform == "exact" {
		for id := range byVal {
			byVal[id] = uint32(id)
		}
	} else {
		if intern == nil {
			intern = map[string]uint32{}
		}
		for id := 1; id < len(f.dict); id++ {
			key := applyTransform(k.transform, f.dict[id])
			if key == "" {
				continue
			}
			kid, ok := intern[key]
			if !ok {
				kid = uint32(len(intern) + 1)
				intern[key] = kid
			}
			byVal[id] = kid
		}
	}
	ids := make([]uint32, len(f.vals))
	for row, v := range f.vals {
		ids[row] = byVal[v]
	}
	if d.keyCache == nil {
		d.keyCache = map[string][]uint32{}
	}
	d.keyCache[cacheKey] = ids
	return ids
}

// resolveRules fills in default transforms and makes sure every field of a rule is interned.
func (d *dataset) resolveRules(rules []blockingRule) []blockingRule {
	out := make([]blockingRule, len(rules))
	for i, r := range rules {
		out[i] = blockingRule{text: r.text, keys: slices.Clone(r.keys)}
		for j, k := range out[i].keys {
			f := d.ensureField(k.path)
			if k.transform == "" {
				out[i].keys[j].transform = defaultTransform(f.kind)
			}
		}
	}
	return out
}

// ensureField interns a field that the configuration did not otherwise use.
func (d *dataset) ensureField(path string) *fieldData {
	if f, ok := d.fields[path]; ok {
		return f
	}
	f := &fieldData{path: path}
	f.intern(d.rows)
	if f.kind = defaultKind(path); f.kind == "" {
		f.kind = inferKind(f.dict, f.counts)
	}
	if f.kind == KindDate {
		f.dates = make([]date, len(f.dict))
		for id, v := range f.dict {
			f.dates[id] = parseDate(v)
		}
	}
	d.fields[path] = f
	return f
}

// ruleKeys returns the rule's 64-bit key of every row (0 = the row has no key).
func (d *dataset) ruleKeys(r blockingRule) []uint64 {
	rk := d.newRuleKeyer(r)
	out := make([]uint64, d.n())
	for row := range out {
		out[row] = rk.key(int32(row))
	}
	return out
}

// ruleKeyer computes a rule's key of a row from its keys' ids.
type ruleKeyer struct {
	parts  [][]uint32 // key -> row -> key id
	fi, li int        // the name keys matched in either order, or -1
}

func (d *dataset) newRuleKeyer(r blockingRule) ruleKeyer {
	rk := ruleKeyer{parts: make([][]uint32, len(r.keys))}
	rk.fi, rk.li = swappableNames(r)
	for i, k := range r.keys {
		if i == rk.fi || i == rk.li {
			rk.parts[i] = d.nameKeyIDs(k)
		} else {
			rk.parts[i] = d.keyIDs(k)
		}
	}
	return rk
}

// key is the row's key, 0 when a key of the rule is empty.
func (rk ruleKeyer) key(row int32) uint64 {
	h := uint64(1469598103934665603)
	for i, p := range rk.parts {
		id := p[row]
		if id == 0 {
			return 0
		}
		if i == rk.fi || i == rk.li {
			// The two names in either order: the smaller key first.
			f, l := rk.parts[rk.fi][row], rk.parts[rk.li][row]
			id = min(f, l)
			if i == rk.li {
				id = max(f, l)
			}
		}
		h = mix64(h ^ uint64(id))
	}
	return h
}

// swappableNames returns the positions of the first_name and last_name keys of a rule that
// keys on both with the same transform (their keys then match in either order), or -1, -1.
func swappableNames(r blockingRule) (fi, li int) {
	fi, li = -1, -1
	for i, k := range r.keys {
		switch k.path {
		case FieldFirstName:
			fi = i
		case FieldLastName:
			li = i
		}
	}
	if fi < 0 || li < 0 || r.keys[fi].transform != r.keys[li].transform {
		return -1, -1
	}
	return fi, li
}

// nameKeyIDs is keyIDs for first_name and last_name with ids shared by the two fields: the
// same key string has the same id in both, so a rule can match names in either order.
func (d *dataset) nameKeyIDs(k blockKey) []uint32 {
	if d.nameKeys == nil {
		d.nameKeys = map[string]map[string]uint32{}
	}
	intern := d.nameKeys[k.transform]
	if intern == nil {
		intern = map[string]uint32{}
		d.nameKeys[k.transform] = intern
	}
	return d.internKeys("names|"+k.String(), k, intern)
}

// mix64 is the splitmix64 finalizer; it never maps a nonzero value to 0 in practice.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	x ^= x >> 31
	if x == 0 {
		x = 1
	}
	return x
}
