// consent_test.go tests consent survivorship through the golden record.
package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cdpflow/cdpflow/record"
)

func TestGolden_ConsentSurvivorship(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	consent := func(src, id string, st record.ConsentState, at time.Time) record.Customer {
		return record.Customer{Source: src, SourceID: id, Email: id + "@x.io", UpdatedAt: at,
			Consent: map[record.Channel]record.Consent{record.ChannelEmail: {State: st, UpdatedAt: at}}}
	}
	cases := []struct {
		name string
		recs []record.Customer
		want record.ConsentState
		from string
	}{
		{"an opt-out anywhere wins over a later subscription",
			[]record.Customer{consent("crm", "1", record.ConsentUnsubscribed, t0), consent("shop", "2", record.ConsentSubscribed, t0.Add(time.Hour))},
			record.ConsentUnsubscribed, "crm/1"},
		{"a subscription wins over a later not_subscribed",
			[]record.Customer{consent("crm", "1", record.ConsentNotSubscribed, t0.Add(time.Hour)), consent("shop", "2", record.ConsentSubscribed, t0)},
			record.ConsentSubscribed, "shop/2"},
		{"between equal states the most recent wins",
			[]record.Customer{consent("crm", "1", record.ConsentSubscribed, t0), consent("shop", "2", record.ConsentSubscribed, t0.Add(time.Hour))},
			record.ConsentSubscribed, "shop/2"},
	}
	sv := newSurvivor(DefaultConfig())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, lin := sv.golden("p", []*record.Customer{&c.recs[0], &c.recs[1]})
			assert.Equal(t, c.want, g.Consent[record.ChannelEmail].State)
			p := Profile{ID: "p", Golden: g, Lineage: lin}
			src, ok := p.SourceOf("consent.email")
			assert.True(t, ok)
			assert.Equal(t, c.from, src.String())
			_, ok = p.SourceOf("email")
			assert.True(t, ok, "other lineage entries stay findable (sorted)")
		})
	}
}
