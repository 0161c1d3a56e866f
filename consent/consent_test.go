// consent_test.go pins the decision rules: opt-outs win everywhere, statements decide, the basis
// fills silence, ads follow email without an ads statement.
package consent

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cdpflow/cdpflow/record"
)

type optOuts map[record.Channel]map[string]bool

func (o optOuts) OptedOut(ch record.Channel, email, phone string) bool {
	return o[ch][email] || o[ch][phone]
}

func person(email string, states map[record.Channel]record.ConsentState, country string, sources ...string) Person {
	g := record.Customer{Email: email, Address: record.Address{Country: country}, Consent: map[record.Channel]record.Consent{}}
	for ch, st := range states {
		g.Consent[ch] = record.Consent{State: st}
	}
	return Person{Golden: g, Sources: sources}
}

func TestPolicy_Decide(t *testing.T) {
	sub, unsub, notsub := record.ConsentSubscribed, record.ConsentUnsubscribed, record.ConsentNotSubscribed
	email, ads, sms := record.ChannelEmail, record.ChannelAds, record.ChannelSMS
	optIn := Policy{Basis: OptIn}
	optOut := Policy{Basis: OptOut}
	cases := []struct {
		name   string
		policy Policy
		p      Person
		ch     record.Channel
		oo     optOuts
		want   Reason
	}{
		{"opt-in: a subscription may be emailed", optIn, person("a@x.io", map[record.Channel]record.ConsentState{email: sub}, "DE"), email, nil, Allowed},
		{"opt-in: silence may not", optIn, person("a@x.io", nil, "DE"), email, nil, ReasonNoConsent},
		{"opt-in: not_subscribed may not", optIn, person("a@x.io", map[record.Channel]record.ConsentState{email: notsub}, "DE"), email, nil, ReasonNoConsent},
		{"opt-out: silence may be emailed", optOut, person("a@x.io", nil, "US"), email, nil, Allowed},
		{"opt-out: not_subscribed may be emailed", optOut, person("a@x.io", map[record.Channel]record.ConsentState{email: notsub}, "US"), email, nil, Allowed},
		{"opt-out: an unsubscribe may not", optOut, person("a@x.io", map[record.Channel]record.ConsentState{email: unsub}, "US"), email, nil, ReasonOptedOut},
		{"an opt-out on another profile with the same email wins over a subscription", optOut,
			person("a@x.io", map[record.Channel]record.ConsentState{email: sub}, "US"), email, optOuts{email: {"a@x.io": true}}, ReasonOptedOut},
		{"an sms opt-out does not stop email", optIn, person("a@x.io", map[record.Channel]record.ConsentState{email: sub, sms: unsub}, "DE"), email, nil, Allowed},
		{"ads follow an email subscription without an ads statement", optIn, person("a@x.io", map[record.Channel]record.ConsentState{email: sub}, "DE"), ads, nil, Allowed},
		{"an email opt-out is an ads opt-out", optOut, person("a@x.io", map[record.Channel]record.ConsentState{email: unsub, ads: sub}, "US"), ads, nil, ReasonOptedOut},
		{"an email opt-out elsewhere is an ads opt-out", optOut, person("a@x.io", nil, "US"), ads, optOuts{email: {"a@x.io": true}}, ReasonOptedOut},
		{"an ads statement decides ads", optIn, person("a@x.io", map[record.Channel]record.ConsentState{email: sub, ads: notsub}, "DE"), ads, nil, ReasonNoConsent},
		{"by_country overrides the default", Policy{Basis: OptIn, ByCountry: map[string]Basis{"US": OptOut}},
			person("a@x.io", nil, "US", "crm"), email, nil, Allowed},
		{"by_country leaves other countries alone", Policy{Basis: OptIn, ByCountry: map[string]Basis{"US": OptOut}},
			person("a@x.io", nil, "FR", "crm"), email, nil, ReasonNoConsent},
		{"a source held to opt-in keeps its people opt-in", Policy{Basis: OptOut, BySource: map[string]Basis{"legacy": OptIn}},
			person("a@x.io", nil, "", "crm", "legacy"), email, nil, ReasonNoConsent},
		{"sources all opt-out make the person opt-out", Policy{Basis: OptIn, BySource: map[string]Basis{"crm": OptOut, "shop": OptOut}},
			person("a@x.io", nil, "", "crm", "shop"), email, nil, Allowed},
		{"the default basis is opt-in", Policy{}, person("a@x.io", nil, ""), email, nil, ReasonNoConsent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var oo OptOuts
			if c.oo != nil {
				oo = c.oo
			}
			assert.Equal(t, c.want, c.policy.Decide(c.p, c.ch, oo))
		})
	}
}

func TestPolicy_Validate(t *testing.T) {
	p := Policy{Basis: "maybe", ByCountry: map[string]Basis{"us": OptOut}, BySource: map[string]Basis{"ghost": OptIn}}
	errs := p.Validate(func(s string) bool { return s == "crm" })
	assert.Len(t, errs, 3)
	assert.Contains(t, errs[0], "consent.basis")
	assert.Empty(t, Policy{Basis: OptOut, ByCountry: map[string]Basis{"US": OptIn}}.Validate(nil))
}
