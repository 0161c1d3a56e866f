// golden_test.go tests survivorship and lineage.
package identity

import (
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
)

func TestSurvivor_Golden(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC) }
	members := func() []*record.Customer {
		a := cust(t, "shopify", "1", "email", "old@x.com", "first_name", "kate", "last_name", "lee", "address.line1", "1 main st", "address.city", "springfield")
		a.UpdatedAt = day(1)
		b := cust(t, "hubspot", "2", "email", "new@x.com", "first_name", "katherine", "address.line1", "2 side rd", "attributes.tier", "gold")
		b.UpdatedAt = day(5)
		c := cust(t, "stripe", "3", "first_name", "kate")
		c.UpdatedAt = day(3)
		return []*record.Customer{&a, &b, &c}
	}
	t.Run("most recent by default, with lineage", func(t *testing.T) {
		g, lineage := newSurvivor(DefaultConfig()).golden("p_1", members())
		assert.Equal(t, "identity", g.Source)
		assert.Equal(t, "p_1", g.SourceID)
		assert.Equal(t, "new@x.com", g.Email)
		assert.Equal(t, "katherine", g.FirstName)
		assert.Equal(t, "lee", g.LastName, "the only value wins")
		assert.Equal(t, "2 side rd", g.Address.Line1)
		assert.Empty(t, g.Address.City, "the address survives as a whole")
		assert.Equal(t, day(5), g.UpdatedAt)
		p := Profile{Lineage: lineage}
		src, ok := p.SourceOf("last_name")
		assert.True(t, ok)
		assert.Equal(t, key("shopify", "1"), src)
		src, _ = p.SourceOf("attributes.tier")
		assert.Equal(t, key("hubspot", "2"), src)
		_, ok = p.SourceOf("address.city")
		assert.False(t, ok)
		for i := 1; i < len(lineage); i++ {
			assert.Less(t, lineage[i-1].Field, lineage[i].Field, "lineage is sorted")
		}
	})
	t.Run("configurable rules", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.SourcePriority = []string{"shopify"}
		cfg.Survivorship = map[string]string{"first_name": RuleFrequent, "address": RuleComplete, "email": RuleRecent}
		g, _ := newSurvivor(cfg).golden("p_1", members())
		assert.Equal(t, "kate", g.FirstName, "two records say kate")
		assert.Equal(t, "1 main st", g.Address.Line1, "the fuller address")
		assert.Equal(t, "new@x.com", g.Email, "email stays most recent")
		assert.Equal(t, "lee", g.LastName)
		cfg.Survivorship = map[string]string{"first_name": RuleComplete}
		g, _ = newSurvivor(cfg).golden("p_1", members())
		assert.Equal(t, "katherine", g.FirstName, "the longest name")
		assert.Equal(t, "old@x.com", g.Email, "source priority is the default once set")
	})
	t.Run("single member", func(t *testing.T) {
		m := members()[:1]
		g, lineage := newSurvivor(DefaultConfig()).golden("p_1", m)
		assert.Equal(t, "kate", g.FirstName)
		assert.Equal(t, "p_1", g.SourceID)
		assert.Len(t, lineage, 5)
	})
}
