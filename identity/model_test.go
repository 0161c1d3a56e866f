// model_test.go tests the comparators and the estimated model.
package identity

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareValues(t *testing.T) {
	d := func(s string) date { return parseDate(s) }
	for name, tc := range map[string]struct {
		kind Kind
		a, b string
		want string
	}{
		"name close":                   {KindName, "katherine", "katharine", "jaro-winkler>=0.92"},
		"name far":                     {KindName, "kate", "bob", "else"},
		"name initial":                 {KindName, "j", "john", "initial"},
		"name initial dot":             {KindName, "john", "j.", "initial"},
		"other initial":                {KindName, "k", "john", "else"},
		"nickname":                     {KindName, "bill", "william", "nickname"},
		"nickname both ways":           {KindName, "peggy", "margaret", "nickname"},
		"shared nickname":              {KindName, "trish", "pat", "nickname"},
		"not nicknames":                {KindName, "bill", "robert", "else"},
		"middle name":                  {KindName, "ann", "mary ann", "token subset"},
		"double surname":               {KindName, "garcia lopez", "lopez", "token subset"},
		"particle":                     {KindName, "cruz", "de la cruz", "token subset"},
		"words reordered":              {KindName, "smith jones", "jones smith", "token subset"},
		"not a word":                   {KindName, "ann", "joanna smith", "else"},
		"a lone initial is not a word": {KindName, "j", "j k", "initial"},
		"date transposed":              {KindDate, "1980-03-04", "1980-04-03", "day/month transposed"},
		"date typo":                    {KindDate, "1980-03-04", "1980-03-05", "one edit"},
		"date other":                   {KindDate, "1980-03-04", "1975-11-20", "else"},
		"code one edit":                {KindCode, "4510", "4150", "one edit"},
		"code two edits":               {KindCode, "4510", "4105", "two edits"},
		"email same local":             {KindEmail, "ann@x.com", "ann@y.org", "same local part"},
		"category":                     {KindCategory, "vic", "qld", "else"},
	} {
		t.Run(name, func(t *testing.T) {
			l := compareValues(tc.kind, tc.a, tc.b, isASCII(tc.a+tc.b), d(tc.a), d(tc.b))
			assert.Equal(t, tc.want, levelLabels[tc.kind][l])
		})
	}
}

func TestComparison_Level(t *testing.T) {
	recs := withGenerated(500,
		cust(t, "t", "1", "address.line1", "12 elm st", "address.city", "dover", "address.postcode", "19901"),
		cust(t, "t", "2", "address.line1", "12 elm st", "address.city", "dovr", "address.postcode", "19901"),
		cust(t, "t", "3", "address.line1", "99 oak rd", "address.city", "dover", "address.postcode", "19901"),
		cust(t, "t", "4", "address.city", "dover"),
		cust(t, "t", "5", "first_name", "x"),
	)
	ds, err := newDataset(context.Background(), DefaultConfig(), recs)
	require.NoError(t, err)
	var addr *comparison
	for _, c := range ds.compare {
		if c.name == compositeAddress {
			addr = c
		}
	}
	require.NotNil(t, addr, "the address fields form one comparison")
	assert.Len(t, ds.compare, 5, "names, birth date, address, name order")
	assert.Equal(t, "address.line1", addr.members[0].path, "the most specific part first")
	n := int32(len(recs))
	label := func(a, b int32) string { return addr.labels[addr.level(n-6+a, n-6+b)] }
	assert.Equal(t, "address.line1 exact", label(1, 2))
	assert.Equal(t, "address.postcode exact", label(1, 3))
	assert.Equal(t, "address.city exact", label(3, 4))
	assert.Equal(t, "null", label(1, 5))
	assert.Equal(t, uint8(len(addr.labels)-1), addr.level(n-5, n-4))
}

func TestEstimateModel(t *testing.T) {
	g := generateCustomers(20_000, 3)
	res := mustResolve(t, DefaultConfig(), g.records, State{})
	m := res.Model
	require.Len(t, m.Fields, 5)
	for _, f := range m.Fields {
		if f.Kind == KindOrder {
			// The generator writes 3% of records with the names swapped.
			swapped := f.Levels[orderSwapped]
			assert.Greater(t, swapped.M, 0.01, "m of a swapped reading among matches")
			assert.Less(t, swapped.M, 0.12)
			assert.LessOrEqual(t, swapped.Weight, f.Levels[orderInOrder].Weight, "never more than in order")
			continue
		}
		top := f.Levels[len(f.Levels)-1]
		assert.Greater(t, top.Weight, 5.0, "%s: an exact match is strong evidence", f.Path)
		assert.Less(t, f.Levels[levelElse].Weight, 0.0, "%s: a disagreement is evidence against", f.Path)
		assert.Greater(t, top.M, top.U)
	}
	// The generator makes about 0.4 duplicate pairs per person, 0.3 per record.
	matches := m.Lambda * float64(len(g.records)) * float64(len(g.records)-1) / 2
	assert.InDelta(t, 0.3*float64(len(g.records)), matches, 0.1*float64(len(g.records)))
	assert.NotEmpty(t, m.Blocking)
	assert.Equal(t, res.Stats.BlockingRules, m.Blocking)
}

// TestEstimateU_EmptyAddressPart: a compared address part no record holds (only cities in the
// file) must not take the probability of the other levels: disagreeing on the city stays the
// common case between different people.
func TestEstimateU_EmptyAddressPart(t *testing.T) {
	cities := strings.Fields("berlin paris madrid rome vienna prague warsaw lisbon dublin oslo athens sofia riga tallinn vilnius zagreb bern brussels amsterdam copenhagen helsinki stockholm budapest bucharest")
	var recs []record.Customer
	for i := range 400 {
		recs = append(recs, cust(t, "t", fmt.Sprint(i), "first_name", fmt.Sprint("n", i%97), "address.city", cities[i%len(cities)]))
	}
	ds, err := newDataset(context.Background(), DefaultConfig(), recs)
	require.NoError(t, err)
	us := estimateU(ds)
	for ci, c := range ds.compare {
		if c.name != compositeAddress {
			continue
		}
		assert.Greater(t, us[ci][levelElse], 0.9, "different cities are the rule between different people")
		for l, m := range c.exactOf {
			if m >= 0 && c.members[m].path != FieldAddressCity {
				assert.Equal(t, minProb, us[ci][l], "%s never agrees: no record holds it", c.labels[l])
			}
		}
		return
	}
	t.Fatal("no address comparison")
}
