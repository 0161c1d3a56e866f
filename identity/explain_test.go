// explain_test.go tests explanations of profiles.
package identity

import (
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExplain(t *testing.T) {
	in := withGenerated(2000,
		cust(t, "crm", "x1", "first_name", "zebulon", "last_name", "quackenbush", "birth_date", "1971-03-04", "address.line1", "12 elm st", "address.city", "dover", "address.postcode", "19901"),
		cust(t, "shop", "x2", "first_name", "zebulon", "last_name", "quackenbusch", "birth_date", "1971-04-03", "address.line1", "12 elm st", "address.city", "dover", "address.postcode", "19901"),
		cust(t, "web", "x3", "email", "zq@x.com", "first_name", "zeb"),
		cust(t, "web", "x4", "email", "zq@x.com", "first_name", "zebulon", "last_name", "quackenbush", "birth_date", "1971-03-04"),
	)
	res := mustResolve(t, DefaultConfig(), in, State{})
	p := profileOf(res)
	id := p[key("crm", "x1")]
	require.Equal(t, id, p[key("shop", "x2")])
	require.Equal(t, id, p[key("web", "x3")])

	e, err := Explain(res, id)
	require.NoError(t, err)
	assert.ElementsMatch(t, []record.RecordKey{key("crm", "x1"), key("shop", "x2"), key("web", "x3"), key("web", "x4")}, e.Members)
	rules := map[string]int{}
	for _, l := range e.Links {
		rules[l.Rule]++
		if l.Rule == EvidenceMatch {
			assert.GreaterOrEqual(t, l.Probability, 0.95)
			require.Len(t, l.Fields, len(res.Model.Fields))
			assert.Equal(t, "first_name", l.Fields[0].Field)
		}
	}
	assert.Equal(t, 1, rules[EvidenceAnchor])
	assert.Equal(t, 1, rules["exact:email"])
	assert.Equal(t, 2, rules[EvidenceMatch])

	text := e.Text()
	for _, want := range []string{"profile " + id, "first record of the profile", "same email", "birth_date", "day/month transposed", "last_name", "jaro-winkler", "from crm/x1"} {
		assert.Contains(t, text, want)
	}

	_, err = Explain(res, "p_missing")
	assert.ErrorContains(t, err, "no such profile")
}
