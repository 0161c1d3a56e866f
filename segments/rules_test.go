// rules_test.go tests rule compilation errors, rule evaluation, definition validation and the field catalogue.

package segments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		message string // a fragment of the underlying expr error
	}{
		{"syntax", "orders.count ==", "unexpected token EOF"},
		{"unknown top-level name", "foo > 1", "unknown name foo"},
		{"unknown nested field", "orders.cnt > 1", "has no field cnt"},
		{"go field names are not exposed", `customer.Country == "US"`, "has no field Country"},
		{"not a boolean", "orders.count", "expected bool"},
		{"type mismatch", `orders.count == "one"`, "invalid operation"},
		{"wall clock disabled", "orders.last_at > now()", "not callable"},
		{"empty", "  ", "rule is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile("vip", tt.rule)
			require.Error(t, err)
			var re *RuleError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, "vip", re.Segment)
			assert.Equal(t, tt.rule, re.Rule)
			msg := err.Error()
			assert.Contains(t, msg, `segment "vip"`)
			assert.Contains(t, msg, tt.message)
			assert.Contains(t, msg, "available fields: id, now, customer.email")
			assert.Contains(t, msg, "rfm.segment")
			assert.Contains(t, msg, "engagement.<metric>")
			assert.Contains(t, ValidateRule(tt.rule).Error(), tt.message)
		})
	}
}

func TestCompileErrorShowsRuleAndPosition(t *testing.T) {
	_, err := Compile("vip", "orders.count > 1 &&\n  bogus")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid rule "orders.count > 1 &&\n  bogus": unknown name bogus (2:3)`)
	assert.Contains(t, err.Error(), " |   bogus\n | ..^")
}

func TestValidRules(t *testing.T) {
	rules := []string{
		`rfm.segment in ["at_risk", "cant_lose"] && clv.predicted_12m > 200`,
		`orders.count == 1`,
		`consent.email == "subscribed"`,
		`customer.country == "US"`,
		`engagement.sessions > 3`,
		`engagement["add-to-carts"] >= 1`,
		`customer.attributes.tags contains "vip"`,
		`orders.last_at > now - duration("720h")`,
		`orders.first_at >= date("2024-01-01")`,
		`days_since_last_order in 30..90`,
		`cohort_quarter == "2024Q3" || cohort startsWith "2023-"`,
		`repeat_buyer && !clv.top_decile && rfm.r >= 4`,
		`rfm.score matches "^5[45]"`,
	}
	for _, rule := range rules {
		t.Run(rule, func(t *testing.T) {
			assert.NoError(t, ValidateRule(rule))
		})
	}
}

func TestRuleMatch(t *testing.T) {
	f := Facts{
		ID:       "p1",
		Now:      asOf,
		Customer: CustomerFacts{Country: "US", Attributes: map[string]string{"tags": "vip,wholesale"}},
		Consent:  ConsentFacts{Email: "subscribed", SMS: "unknown"},
		Orders:   OrderFacts{Count: 3, Total: 420.5, LastAt: daysAgo(20), FirstAt: daysAgo(400)},
		RFM:      RFMFacts{R: 2, F: 4, M: 5, Score: "245", Segment: AtRisk},
		CLV:      CLVFacts{Predicted12m: 250},
		Cohort:   "2023-11", CohortQuarter: "2023Q4",
		DaysSinceLastOrder: 20,
		RepeatBuyer:        true,
		Engagement:         map[string]float64{"sessions": 4},
	}
	noEngagement := f
	noEngagement.Engagement = nil
	noEngagement.Customer.Attributes = nil

	tests := []struct {
		rule  string
		facts Facts
		want  bool
	}{
		{`rfm.segment in ["at_risk", "cant_lose"] && clv.predicted_12m > 200`, f, true},
		{`rfm.segment in ["champions"]`, f, false},
		{`orders.count == 1`, f, false},
		{`orders.count == 3 && orders.total > 420`, f, true},
		{`consent.email == "subscribed"`, f, true},
		{`consent.sms == "subscribed"`, f, false},
		{`customer.country == "US"`, f, true},
		{`engagement.sessions > 3`, f, true},
		{`engagement.sessions > 3`, noEngagement, false},
		{`engagement.unknown_metric == 0`, f, true},
		{`engagement.unknown_metric == 0`, noEngagement, true},
		{`customer.attributes.tags contains "vip"`, f, true},
		{`customer.attributes.tags == ""`, noEngagement, true},
		{`orders.last_at > now - duration("720h")`, f, true},
		{`orders.last_at > now - duration("480h")`, f, false},
		{`orders.first_at < date("2024-01-01")`, f, true},
		{`days_since_last_order in 10..30`, f, true},
		{`cohort startsWith "2023-" && cohort_quarter == "2023Q4"`, f, true},
		{`repeat_buyer && rfm.m == 5`, f, true},
		{`id == "p1"`, f, true},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r, err := Compile("s", tt.rule)
			require.NoError(t, err)
			got, err := r.Match(&tt.facts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRuleRuntimeErrorNamesSegmentAndProfile(t *testing.T) {
	e := mustEngine(t, Definition{Name: "bad", Rule: `int(customer.attributes.score) > 1`})
	profiles := []Profile{
		{ID: "b", Customer: record.Customer{Attributes: map[string]string{"score": "bob@example.com"}}},
		{ID: "a", Customer: record.Customer{Attributes: map[string]string{"score": "7"}}},
	}
	_, err := e.Evaluate(profiles, asOf)
	require.Error(t, err)
	var re *RuleError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, "bad", re.Segment)
	assert.Equal(t, "b", re.Profile)
	assert.Contains(t, err.Error(), `segment "bad": rule "int(customer.attributes.score) > 1" failed on profile "b"`)
	assert.NotContains(t, err.Error(), "bob@example.com", "the profile's value is not quoted")
}

func TestRuleBudget(t *testing.T) {
	t.Run("a rule too costly per profile is refused at start-up, naming it", func(t *testing.T) {
		for _, rule := range []string{
			`all(1..2000, {all(1..2000, {# > 0})})`,
			`any(1..orders.count, {# == 3})`,
			`any(1..200, {any(1..200, {any(1..200, {# == 1})})})`,
		} {
			_, err := New([]Definition{{Name: "slow", Rule: rule}})
			require.Error(t, err, rule)
			assert.Contains(t, err.Error(), `segment "slow"`)
			assert.Contains(t, err.Error(), "too costly")
			assert.NotContains(t, err.Error(), "available fields", "the field list is not the fix")
		}
	})
	t.Run("a conversion of a text field is refused at start-up", func(t *testing.T) {
		for _, rule := range []string{`int(customer.email) > 0`, `float(customer.first_name) > 1.5`} {
			_, err := New([]Definition{{Name: "typed", Rule: rule}})
			require.Error(t, err, rule)
			assert.Contains(t, err.Error(), "is text")
		}
	})
	t.Run("bounded loops and attribute conversions are fine", func(t *testing.T) {
		for _, rule := range []string{`any(1..2000, {# == orders.count})`, `int(customer.attributes.score) > 3`,
			`any(split(customer.email, "@"), {# == "x.io"})`} {
			_, err := New([]Definition{{Name: "ok", Rule: rule}})
			require.NoError(t, err, rule)
		}
	})
	profiles := make([]Profile, 3000)
	for i := range profiles {
		profiles[i] = Profile{ID: fmt.Sprintf("p%05d", i)}
	}
	t.Run("over the run budget the evaluation fails, naming the rule that spent it", func(t *testing.T) {
		e := mustEngine(t, Definition{Name: "cheap", Rule: `orders.count > 0`},
			Definition{Name: "heavy", Rule: `any(1..20000, {# == -1})`})
		e.RunBudget = 20 * time.Millisecond
		_, err := e.EvaluateMembers(profiles, asOf)
		require.Error(t, err)
		var re *RuleError
		require.True(t, errors.As(err, &re))
		assert.Equal(t, "heavy", re.Segment)
		assert.Contains(t, err.Error(), "run budget of 20ms")
	})
	t.Run("a cancelled context stops the evaluation", func(t *testing.T) {
		e := mustEngine(t, Definition{Name: "heavy", Rule: `any(1..20000, {# == -1})`})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := e.EvaluateMembersContext(ctx, profiles, asOf)
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestNewReportsEveryInvalidDefinition(t *testing.T) {
	_, err := New([]Definition{
		{Name: "ok", Rule: "orders.count > 1"},
		{Name: "typo", Rule: "orders.cnt > 1"},
		{Name: "ok", Rule: "true"},
		{Name: "rfm.mine", Rule: "true"},
		{Name: "cohort.2024-01", Rule: "true"},
		{Name: "buyers.vip", Rule: "true"},
		{Name: "clv.high", Rule: "true"},
		{Name: "", Rule: "true"},
		{Name: " padded", Rule: "true"},
		{Name: "empty-rule", Rule: ""},
	})
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		`segments[1].rule: segment "typo": invalid rule "orders.cnt > 1"`,
		`segments[2].name: duplicate segment "ok" (first at segments[0])`,
		`segments[3].name: "rfm.mine" is in a namespace reserved`,
		`segments[4].name: "cohort.2024-01" is in a namespace reserved`,
		`segments[5].name: "buyers.vip"`,
		`segments[6].name: "clv.high"`,
		`segments[7].name: segment name is empty`,
		`segments[8].name: segment name " padded" has surrounding spaces`,
		`segments[9].rule: segment "empty-rule": invalid rule "": rule is empty`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "segments[0]]")
	var re *RuleError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, 1, re.Index)
}

func TestNamesOrder(t *testing.T) {
	e := mustEngine(t, Definition{Name: "zeta", Rule: "true"}, Definition{Name: "alpha", Rule: "false"})
	names := e.Names()
	assert.Equal(t, BuiltinNames(), names[:len(names)-2])
	assert.Equal(t, []string{"zeta", "alpha"}, names[len(names)-2:])
}

func TestFieldsCatalogue(t *testing.T) {
	byName := map[string]string{}
	for _, f := range Fields() {
		byName[f.Name] = f.Type
	}
	want := map[string]string{
		"id": "string", "now": "time",
		"customer.email": "string", "customer.country": "string", "customer.created_at": "time",
		"customer.deleted": "bool", "customer.attributes.<name>": "string",
		"consent.email": "string", "consent.sms": "string",
		"orders.count": "int", "orders.total": "float", "orders.avg": "float",
		"orders.first_at": "time", "orders.last_at": "time", "orders.currency": "string",
		"days_since_last_order": "int", "days_since_first_order": "int",
		"rfm.r": "int", "rfm.score": "string", "rfm.segment": "string",
		"clv.historical": "float", "clv.predicted_12m": "float", "clv.aov": "float", "clv.top_decile": "bool",
		"cohort": "string", "cohort_quarter": "string",
		"repeat_buyer": "bool", "one_time_buyer": "bool", "prospect": "bool",
		"engagement.<metric>": "float",
	}
	for name, typ := range want {
		assert.Equal(t, typ, byName[name], name)
	}
	// Every catalogued field compiles in a rule.
	for _, f := range Fields() {
		ref := strings.NewReplacer("<name>", "x", "<metric>", "x").Replace(f.Name)
		rule := map[string]string{
			"string": ref + ` == ""`, "int": ref + " == 0", "float": ref + " == 0",
			"bool": ref, "time": ref + ` > date("2000-01-01")`,
		}[f.Type]
		assert.NoError(t, ValidateRule(rule), f.Name)
	}
}
