// tf.go holds the term-frequency adjustment: an exact match on a rare value ("efthimiou") is
// stronger evidence than one on a common value ("smith"). For name, text and code fields the
// exact level's u is replaced by the frequency of the matched value.
package identity

import "math"

// maxTFAdjust bounds the adjustment, in bits, either way.
const maxTFAdjust = 8.0

// tfTable is the adjustment of the exact matches of one field, per value id.
type tfTable struct {
	vals []uint32  // row -> value id
	adj  []float32 // value id -> bits
}

// tfAdjust holds, per comparison and level, the table adjusting that level (nil for none).
type tfAdjust [][]*tfTable

// usesTermFrequency reports whether a field of this kind gets the adjustment: fields whose
// values repeat across people (names, streets, cities, postcodes), not dates or categories.
func usesTermFrequency(kind Kind) bool {
	return kind == KindName || kind == KindText || kind == KindCode
}

// buildTF computes the adjustments of the comparisons the model marks.
func buildTF(d *dataset, m *Model) tfAdjust {
	adj := make(tfAdjust, len(d.compare))
	tables := map[*fieldData]*tfTable{}
	for ci, c := range d.compare {
		adj[ci] = make([]*tfTable, len(c.labels))
		if !m.Fields[ci].TermFrequency {
			continue
		}
		for l, mi := range c.exactOf {
			if mi < 0 || !usesTermFrequency(c.members[mi].kind) {
				continue
			}
			f := c.members[mi]
			t, ok := tables[f]
			if !ok {
				t = fieldTF(f)
				tables[f] = t
			}
			adj[ci][l] = t
		}
	}
	return adj
}

// fieldTF computes one field's table: log2(u of any exact match / u of this value).
func fieldTF(f *fieldData) *tfTable {
	nn := float64(f.nonNull())
	if nn < 2 {
		return nil
	}
	uExact := f.uExact()
	t := &tfTable{vals: f.vals, adj: make([]float32, len(f.dict))}
	for id := 1; id < len(f.dict); id++ {
		// The chance that another, unrelated record holds this value.
		uValue := max(float64(f.counts[id])-1, 1) / (nn - 1)
		t.adj[id] = float32(max(-maxTFAdjust, min(maxTFAdjust, math.Log2(uExact/uValue))))
	}
	return t
}

// markTermFrequency sets FieldModel.TermFrequency for the comparisons that use it.
func markTermFrequency(m *Model) {
	for i := range m.Fields {
		switch k := m.Fields[i].Kind; {
		case k == KindAddress:
			m.Fields[i].TermFrequency = true
		default:
			m.Fields[i].TermFrequency = usesTermFrequency(k)
		}
	}
}
