// dataset.go holds the compact internal form of the records being resolved: every field
// used by the resolution is interned into a per-field dictionary, and records become rows
// of value ids (struct of arrays), so comparisons and blocking touch integers, not strings.
package identity

import (
	"context"
	"fmt"
	"sync"

	"github.com/cdpflow/cdpflow/record"
)

// fieldData is one field of every row: value ids (0 = empty) and the dictionary behind them.
type fieldData struct {
	path   string
	kind   Kind
	vals   []uint32 // row -> value id
	dict   []string // value id -> normalized value; dict[0] = ""
	counts []uint32 // value id -> number of rows holding it
	dates  []date   // value id -> parsed date, for KindDate
	ascii  []bool   // value id -> the value is ASCII
}

// nonNull is the number of rows with a value.
func (f *fieldData) nonNull() int {
	n := 0
	for _, c := range f.counts[1:] {
		n += int(c)
	}
	return n
}

// level returns the comparison level of rows i and j.
func (f *fieldData) level(i, j int32) uint8 {
	a, b := f.vals[i], f.vals[j]
	if a == 0 || b == 0 {
		return levelNull
	}
	if a == b {
		return uint8(len(levelLabels[f.kind]) - 1)
	}
	var da, db date
	if f.dates != nil {
		da, db = f.dates[a], f.dates[b]
	}
	return compareValues(f.kind, f.dict[a], f.dict[b], f.ascii[a] && f.ascii[b], da, db)
}

// dataset is the records of one resolution in compact form.
type dataset struct {
	rows           []*record.Customer // row -> record (deleted records are not rows)
	keys           []record.RecordKey
	fields         map[string]*fieldData
	comparedFields []*fieldData                 // in Config.Compare order
	compare        []*comparison                // what the model scores
	swap           *nameSwap                    // swapped-name reading, nil without both names
	keyCache       map[string][]uint32          // blockKey.String() -> row -> key id
	nameKeys       map[string]map[string]uint32 // transform -> key -> id shared by both names
}

// field returns the interned field at path (built by newDataset).
func (d *dataset) field(path string) *fieldData { return d.fields[path] }

func (d *dataset) n() int { return len(d.rows) }

// newDataset interns the fields the configuration uses. Deleted records are left out.
func newDataset(ctx context.Context, cfg Config, records []record.Customer) (*dataset, error) {
	d := &dataset{fields: map[string]*fieldData{}}
	d.rows = make([]*record.Customer, 0, len(records))
	d.keys = make([]record.RecordKey, 0, len(records))
	seen := make(map[record.RecordKey]struct{}, len(records))
	for i := range records {
		r := &records[i]
		if r.Deleted {
			continue
		}
		k := r.Key()
		if _, dup := seen[k]; dup {
			return nil, fmt.Errorf("record %s appears twice in the input: pass each record once", k)
		}
		seen[k] = struct{}{}
		d.rows = append(d.rows, r)
		d.keys = append(d.keys, k)
	}
	kinds := map[string]Kind{}
	var paths []string
	want := func(path string, kind Kind) {
		if _, ok := d.fields[path]; ok {
			if kind != "" {
				kinds[path] = kind
			}
			return
		}
		d.fields[path] = &fieldData{path: path}
		kinds[path] = kind
		paths = append(paths, path)
	}
	for _, entry := range cfg.Compare {
		path, kind, err := parseCompareEntry(entry)
		if err != nil {
			return nil, err
		}
		if kind == "" {
			kind = defaultKind(path)
		}
		want(path, kind)
	}
	for _, p := range cfg.Exact {
		want(p, "")
	}
	want(FieldEmail, "")
	want(FieldPhone, "")
	for _, p := range cfg.Limits.Unique {
		want(p, "")
	}

	var wg sync.WaitGroup
	next := make(chan *fieldData)
	for range workers() {
		wg.Go(func() {
			for f := range next {
				f.intern(d.rows)
			}
		})
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			close(next)
			wg.Wait()
			return nil, err
		}
		next <- d.fields[p]
	}
	close(next)
	wg.Wait()

	for _, p := range paths {
		f := d.fields[p]
		f.kind = kinds[p]
		if f.kind == "" {
			f.kind = defaultKind(p)
		}
		if f.kind == "" {
			f.kind = inferKind(f.dict, f.counts)
		}
		if f.kind == KindDate {
			f.dates = make([]date, len(f.dict))
			for id, v := range f.dict {
				f.dates[id] = parseDate(v)
			}
		}
	}
	for _, entry := range cfg.Compare {
		path, _, _ := parseCompareEntry(entry)
		d.comparedFields = append(d.comparedFields, d.fields[path])
	}
	d.compare = buildComparisons(d.comparedFields)
	d.swap = findNameSwap(d.compare)
	return d, nil
}

// intern fills the field's value ids and dictionary from the rows.
func (f *fieldData) intern(rows []*record.Customer) {
	get := fieldGetter(f.path)
	ids := make(map[string]uint32, estimateDistinct(rows, get))
	f.vals = make([]uint32, len(rows))
	f.dict = []string{""}
	f.counts = []uint32{0}
	f.ascii = []bool{true}
	for i, r := range rows {
		v := normalizeField(f.path, get(r))
		if v == "" {
			continue
		}
		id, ok := ids[v]
		if !ok {
			id = uint32(len(f.dict))
			ids[v] = id
			f.dict = append(f.dict, v)
			f.counts = append(f.counts, 0)
			f.ascii = append(f.ascii, isASCII(v))
		}
		f.vals[i] = id
		f.counts[id]++
	}
}

// estimateDistinct guesses the number of distinct values of a field from a sample of the
// rows, so that the interning map is sized once.
func estimateDistinct(rows []*record.Customer, get func(*record.Customer) string) int {
	const sample = 4096
	if len(rows) <= sample {
		return len(rows)
	}
	seen := make(map[string]struct{}, sample)
	step := len(rows) / sample
	for i := 0; i < len(rows); i += step {
		seen[get(rows[i])] = struct{}{}
	}
	// Values keep appearing when the sample is mostly distinct: size for all rows.
	ratio := float64(len(seen)) / float64(sample)
	if ratio > 0.5 {
		return len(rows)
	}
	return max(len(seen)*4, int(ratio*float64(len(rows))))
}
