// protect_test.go tests merge protection: limits split clusters at their weakest links.
package identity

import (
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolve_MergeProtection(t *testing.T) {
	t.Run("too many emails splits at the weakest link", func(t *testing.T) {
		// Four records share a phone (deterministic links); three are clearly one person,
		// the fourth only shares the phone. With at most 3 emails per profile, the link of
		// the fourth (the weakest comparison) is refused.
		recs := []record4{
			{"a", "ann.lee@x.com", "ann", "lee", "1980-02-03"},
			{"b", "ann@y.com", "ann", "lee", "1980-02-03"},
			{"c", "a.lee@z.com", "anne", "lee", "1980-02-03"},
			{"d", "bob@w.com", "bob", "ray", "1955-09-09"},
		}
		var in = withGenerated(2000)
		for _, r := range recs {
			in = append(in, cust(t, "crm", r.id, "email", r.email, "phone", "+15550001111", "first_name", r.first, "last_name", r.last, "birth_date", r.dob))
		}
		res := mustResolve(t, DefaultConfig(), in, State{})
		p := profileOf(res)
		assert.Equal(t, p[key("crm", "a")], p[key("crm", "b")])
		assert.Equal(t, p[key("crm", "a")], p[key("crm", "c")])
		assert.NotEqual(t, p[key("crm", "a")], p[key("crm", "d")])
		assert.GreaterOrEqual(t, res.Stats.LinksRefused, 1)
		assert.GreaterOrEqual(t, res.Stats.ClustersSplit, 1)
		assert.Positive(t, res.Stats.RefusedBy["max_emails_per_profile"])
	})
	t.Run("no limit merges all", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Limits.MaxEmailsPerProfile = 0
		in := []record.Customer{
			cust(t, "crm", "a", "email", "a@x.com", "phone", "+15550001111"),
			cust(t, "crm", "b", "email", "b@x.com", "phone", "+15550001111"),
			cust(t, "crm", "c", "email", "c@x.com", "phone", "+15550001111"),
			cust(t, "crm", "d", "email", "d@x.com", "phone", "+15550001111"),
		}
		res := mustResolve(t, cfg, in, State{})
		require.Len(t, res.Profiles, 1)
		assert.Zero(t, res.Stats.LinksRefused)
	})
	t.Run("conflicting unique identifiers are not merged", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Limits.Unique = []string{"attributes.national_id"}
		in := []record.Customer{
			cust(t, "crm", "a", "email", "same@x.com", "attributes.national_id", "111"),
			cust(t, "shop", "b", "email", "same@x.com", "attributes.national_id", "222"),
			cust(t, "shop", "c", "email", "same@x.com"),
		}
		res := mustResolve(t, cfg, in, State{})
		p := profileOf(res)
		assert.NotEqual(t, p[key("crm", "a")], p[key("shop", "b")])
		assert.Equal(t, 2, len(res.Profiles))
		assert.Equal(t, 1, res.Stats.RefusedBy["unique"])
	})
	t.Run("max records per profile", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Limits.MaxRecordsPerProfile = 2
		in := []record.Customer{
			cust(t, "crm", "a", "email", "same@x.com"),
			cust(t, "crm", "b", "email", "same@x.com"),
			cust(t, "crm", "c", "email", "same@x.com"),
		}
		res := mustResolve(t, cfg, in, State{})
		for _, p := range res.Profiles {
			assert.LessOrEqual(t, len(p.Members), 2)
		}
		assert.Len(t, res.Profiles, 2)
	})
}

type record4 struct{ id, email, first, last, dob string }

func TestResolve_OneToOne(t *testing.T) {
	// One CRM contact and two POS customers: both POS rows match the contact, and the phone
	// links all three deterministically. Each source holds a person at most once, so the
	// contact keeps the closer POS customer (same first name, birth date and postcode) and the
	// other POS row stays on its own instead of being chained in through the contact.
	in := withGenerated(2000)
	in = append(in,
		cust(t, "crm", "a", "phone", "+15550002222", "first_name", "ann", "last_name", "lee", "birth_date", "1980-02-03", "address.postcode", "90210"),
		cust(t, "pos", "b", "phone", "+15550002222", "first_name", "ann", "last_name", "lee", "birth_date", "1980-02-03", "address.postcode", "90210"),
		cust(t, "pos", "c", "phone", "+15550002222", "first_name", "anne", "last_name", "lee", "birth_date", "1980-03-02"),
	)
	res := mustResolve(t, DefaultConfig(), in, State{})
	p := profileOf(res)
	require.Equal(t, p[key("crm", "a")], p[key("pos", "c")], "without one-to-one the phone chains all three")

	cfg := DefaultConfig()
	cfg.Link.OneToOne = []string{"crm", "pos"}
	res = mustResolve(t, cfg, in, State{})
	p = profileOf(res)
	assert.Equal(t, p[key("crm", "a")], p[key("pos", "b")], "the contact keeps its best match")
	assert.NotEqual(t, p[key("pos", "b")], p[key("pos", "c")], "two records of one one-to-one source never share a profile")
	assert.Positive(t, res.Stats.RefusedBy["one_to_one"])
}

func TestConfig_LinkValidate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Link.OneToOne = []string{"crm", "", "crm"}
	cfg.Link.Threshold = 1.5
	err := cfg.Validate()
	require.Error(t, err)
	for _, want := range []string{"identity.link.one_to_one[1]: empty source name", `identity.link.one_to_one[2]: source "crm" is listed twice`, "identity.link.threshold: 1.5"} {
		assert.Contains(t, err.Error(), want)
	}
}
