// swap_test.go tests swapped names and address lines: crosswise levels, the name_order
// comparison and its estimated weight, blocking in either order, and resolution.
package identity

import (
	"context"
	"fmt"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNameSwap_Levels(t *testing.T) {
	recs := []record.Customer{
		cust(t, "t", "0", "first_name", "lucy", "last_name", "fitzpatrick"),
		cust(t, "t", "1", "first_name", "fitzpatrick", "last_name", "lucy"),
		cust(t, "t", "2", "first_name", "fitzpatrik", "last_name", "lucy"), // swapped with a typo
		cust(t, "t", "3", "first_name", "lucy", "last_name", "fitzpatrick"),
		cust(t, "t", "4", "last_name", "fitzpatrick"),
		cust(t, "t", "5", "first_name", "lucy", "last_name", "lucy"),
		cust(t, "t", "6", "first_name", "lucy", "last_name", "jones"),
	}
	ds, err := newDataset(context.Background(), DefaultConfig(), recs)
	require.NoError(t, err)
	require.NotNil(t, ds.swap, "first and last name compared: name_order exists")
	assert.Equal(t, compositeNameOrder, ds.compare[ds.swap.ciOrder].name)
	exact := uint8(len(levelLabels[KindName]) - 1)
	lv := func(a, b int32) (first, last, order uint8) {
		l := packLevels(ds, a, b)
		return level(l, ds.swap.ciFirst), level(l, ds.swap.ciLast), level(l, ds.swap.ciOrder)
	}
	for _, tc := range []struct {
		name               string
		a, b               int32
		first, last, order uint8
	}{
		{"swapped: read crosswise", 0, 1, exact, exact, orderSwapped},
		// Row a's first name against row b's last name, and the other way round.
		{"swapped with a typo", 0, 2, exact, nameJW92, orderSwapped},
		{"in order", 0, 3, exact, exact, orderInOrder},
		{"a side lacks a name: null", 0, 4, levelNull, exact, levelNull},
		{"same first and last name: never swapped", 0, 5, exact, levelElse, orderInOrder},
		{"different people stay in order", 1, 6, levelElse, levelElse, orderInOrder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, l, o := lv(tc.a, tc.b)
			assert.Equal(t, []uint8{tc.first, tc.last, tc.order}, []uint8{f, l, o})
			f2, l2, o2 := lv(tc.b, tc.a)
			assert.Equal(t, o, o2, "the reading does not depend on the order of the pair")
			assert.Equal(t, int(f)+int(l), int(f2)+int(l2))
		})
	}

	t.Run("without both names there is no name_order", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Compare = []string{FieldFirstName, FieldBirthDate}
		ds, err := newDataset(context.Background(), cfg, recs)
		require.NoError(t, err)
		assert.Nil(t, ds.swap)
		for _, c := range ds.compare {
			assert.NotEqual(t, KindOrder, c.kind)
		}
	})
}

func TestAddress_SwappedLines(t *testing.T) {
	recs := []record.Customer{
		cust(t, "t", "0", "address.line1", "rhosewyn", "address.line2", "bynoe place", "address.postcode", "2649"),
		cust(t, "t", "1", "address.line1", "bynoe place", "address.line2", "rhosewyn", "address.postcode", "2640"),
		cust(t, "t", "2", "address.line1", "", "address.line2", "rhosewyn", "address.postcode", "2640"),
		cust(t, "t", "3", "address.line1", "oyster farm", "address.line2", "", "address.postcode", "2640"),
	}
	cfg := DefaultConfig()
	cfg.Compare = []string{FieldAddressLine1, FieldAddressLine2, FieldAddressPostcode}
	ds, err := newDataset(context.Background(), cfg, recs)
	require.NoError(t, err)
	require.Len(t, ds.compare, 1)
	c := ds.compare[0]
	label := func(a, b int32) string { return c.labels[c.level(a, b)] }
	assert.Contains(t, []string{"address.line1 exact", "address.line2 exact"}, label(0, 1), "lines swapped")
	assert.Contains(t, []string{"address.line1 exact", "address.line2 exact"}, label(0, 2), "line 1 moved to line 2, line 1 empty")
	assert.Equal(t, "address.postcode exact", label(1, 3), "no line agrees either way: the next part decides")
}

func TestBlocking_NamesInEitherOrder(t *testing.T) {
	recs := []record.Customer{
		cust(t, "t", "0", "first_name", "lucy", "last_name", "fitzpatrick"),
		cust(t, "t", "1", "first_name", "fitzpatrick", "last_name", "lucy"),
		cust(t, "t", "2", "first_name", "lucy", "last_name", "jones"),
	}
	ds, err := newDataset(context.Background(), DefaultConfig(), recs)
	require.NoError(t, err)
	both := ds.resolveRules(mustRules([]string{"first_name+last_name"}))
	k := ds.ruleKeys(both[0])
	assert.Equal(t, k[0], k[1], "soundex keys of both names match in either order")
	assert.NotEqual(t, k[0], k[2])
	one := ds.resolveRules(mustRules([]string{"last_name"}))
	k = ds.ruleKeys(one[0])
	assert.NotEqual(t, k[0], k[1], "a rule on one name keys on that name")
	mixed := ds.resolveRules(mustRules([]string{"first_name:soundex+last_name:exact"}))
	k = ds.ruleKeys(mixed[0])
	assert.NotEqual(t, k[0], k[1], "different transforms: the columns keep their order")
}

// TestResolve_SwappedNames resolves people whose second record has first and last name
// swapped (and no shared email or phone). They are linked, the model estimates how often a
// match is written swapped, and the explanation names the swapped reading.
func TestCrossRatio(t *testing.T) {
	recs := []record.Customer{
		cust(t, "t", "0", "first_name", "ann", "last_name", "lee"),
		cust(t, "t", "1", "first_name", "ann", "last_name", "ray"),
		cust(t, "t", "2", "first_name", "bob", "last_name", "lee"),
		cust(t, "t", "3", "first_name", "bob", "last_name", "ray"),
	}
	ds, err := newDataset(context.Background(), DefaultConfig(), recs)
	require.NoError(t, err)
	assert.Equal(t, 0.0, crossRatio(ds.swap.first, ds.swap.last), "no first name is anyone's last name")
	u := orderU(3, ds.swap.first, ds.swap.last)
	assert.Equal(t, minProb, u[orderSwapped])
	assert.Equal(t, 1.0, u[orderInOrder])

	recs = append(recs, cust(t, "t", "4", "first_name", "lee", "last_name", "ann"))
	ds, err = newDataset(context.Background(), DefaultConfig(), recs)
	require.NoError(t, err)
	assert.Positive(t, crossRatio(ds.swap.first, ds.swap.last))

	fm := FieldModel{Kind: KindOrder, Levels: []LevelModel{{}, {M: 0.1, U: 0.001, Weight: 6.6}, {M: 0.9, U: 1, Weight: -0.15}}}
	capSwapped(&fm)
	assert.Equal(t, fm.Levels[orderInOrder].Weight, fm.Levels[orderSwapped].Weight, "capped at the in-order weight")
	assert.InDelta(t, 0.1/0.9, fm.Levels[orderSwapped].U, 1e-12)
}

func TestResolve_SwappedNames(t *testing.T) {
	var extra []record.Customer
	const people = 60
	for i := range people {
		first, last := fmt.Sprintf("lucinda%c%c", 'a'+i%26, 'a'+i/26), fmt.Sprintf("fitzwilliam%c%c", 'a'+i/26, 'a'+i%26)
		dob := fmt.Sprintf("19%02d-%02d-%02d", 40+i%50, 1+i%12, 1+i%28)
		post := fmt.Sprintf("%04d", 3000+i)
		extra = append(extra,
			cust(t, "crm", fmt.Sprint("s", i), "first_name", first, "last_name", last, "birth_date", dob, "address.postcode", post),
			cust(t, "pos", fmt.Sprint("s", i), "first_name", last, "last_name", first, "birth_date", dob, "address.postcode", post))
	}
	res := mustResolve(t, DefaultConfig(), withGenerated(4000, extra...), State{})
	prof := profileOf(res)
	linked := 0
	for i := range people {
		if prof[key("crm", fmt.Sprint("s", i))] == prof[key("pos", fmt.Sprint("s", i))] {
			linked++
		}
	}
	assert.GreaterOrEqual(t, linked, people*9/10, "swapped names are linked")
	for i := range people {
		for j := range people {
			if i != j {
				require.NotEqual(t, prof[key("crm", fmt.Sprint("s", i))], prof[key("pos", fmt.Sprint("s", j))])
			}
		}
	}
	var order *FieldModel
	for i := range res.Model.Fields {
		if res.Model.Fields[i].Path == compositeNameOrder {
			order = &res.Model.Fields[i]
		}
	}
	require.NotNil(t, order, "the model has a name_order comparison")
	swapped := order.Levels[orderSwapped]
	assert.Equal(t, "swapped", swapped.Label)
	assert.Greater(t, swapped.M, 0.005, "m of the swapped reading is estimated from the data")
	assert.LessOrEqual(t, swapped.Weight, order.Levels[orderInOrder].Weight, "being written swapped is never stronger evidence than in order")
	assert.Less(t, swapped.U, 1.0, "a first name equals a random last name less often than a random first name")

	var found bool
	for _, l := range res.Links {
		if l.Record == key("pos", "s7") && l.Evidence.With.Source == "crm" {
			for _, f := range ExplainFields(res.Model, l.Evidence) {
				if f.Field == compositeNameOrder {
					assert.Equal(t, "swapped", f.Level)
					found = true
				}
			}
		}
	}
	assert.True(t, found, "the explanation shows the swapped reading")
}

// TestResolve_NameVariants links people whose second record gives the first name as an
// initial, a nickname or with a middle name, with no shared email or phone.
func TestResolve_NameVariants(t *testing.T) {
	variants := []struct{ first, other string }{
		{"william", "bill"}, {"margaret", "peggy"}, {"robert", "bob"}, {"elizabeth", "liz"},
		{"jonathan", "j"}, {"katherine", "k."}, {"ann", "mary ann"}, {"james", "jim"},
	}
	var extra []record.Customer
	const people = 64
	for i := range people {
		v := variants[i%len(variants)]
		last := fmt.Sprintf("quennell%c%c", 'a'+i%26, 'a'+i/26)
		dob := fmt.Sprintf("19%02d-%02d-%02d", 40+i%50, 1+i%12, 1+i%28)
		post := fmt.Sprintf("%04d", 5000+i)
		extra = append(extra,
			cust(t, "crm", fmt.Sprint("v", i), "first_name", v.first, "last_name", last, "birth_date", dob, "address.postcode", post),
			cust(t, "pos", fmt.Sprint("v", i), "first_name", v.other, "last_name", last, "birth_date", dob, "address.postcode", post))
	}
	res := mustResolve(t, DefaultConfig(), withGenerated(4000, extra...), State{})
	prof := profileOf(res)
	linked := map[string]int{}
	for i := range people {
		if prof[key("crm", fmt.Sprint("v", i))] == prof[key("pos", fmt.Sprint("v", i))] {
			linked[variants[i%len(variants)].other]++
		}
	}
	for _, v := range variants {
		assert.Equal(t, people/len(variants), linked[v.other], "%s / %s", v.first, v.other)
	}
	levels := map[string]LevelModel{}
	for _, f := range res.Model.Fields {
		if f.Path == FieldFirstName {
			for _, l := range f.Levels {
				levels[l.Label] = l
			}
		}
	}
	for _, label := range []string{"initial", "nickname", "token subset"} {
		assert.Greater(t, levels[label].Weight, levels["else"].Weight, "%s is better evidence than a different first name", label)
	}
	assert.Greater(t, levels["nickname"].Weight, 0.0, "a nickname is evidence for a match")

	// The links' evidence names the variant.
	want := map[string]string{"bill": "nickname", "peggy": "nickname", "bob": "nickname", "liz": "nickname", "jim": "nickname",
		"j": "initial", "k.": "initial", "mary ann": "token subset"}
	seen := 0
	for _, l := range res.Links {
		if l.Record.Source != "pos" || l.Record.ID[0] != 'v' || l.Evidence.With.Source != "crm" {
			continue
		}
		for _, f := range ExplainFields(res.Model, l.Evidence) {
			if f.Field == FieldFirstName {
				var i int
				fmt.Sscanf(l.Record.ID, "v%d", &i)
				assert.Equal(t, want[variants[i%len(variants)].other], f.Level, l.Record.ID)
				seen++
			}
		}
	}
	assert.Positive(t, seen)
}
