package record

import (
	"testing"
	"time"
)

func TestContentDigest(t *testing.T) {
	base := Customer{Source: "crm", SourceID: "1", Email: "a@example.com", FirstName: "Ann",
		UpdatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Attributes: map[string]string{"tier": "gold", "b": "x"}}
	d := func(c Customer) string {
		t.Helper()
		s, err := ContentDigest(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	same := base
	same.UpdatedAt = base.UpdatedAt.Add(48 * time.Hour)
	same.Attributes = map[string]string{"b": "x", "tier": "gold"}
	if d(base) != d(same) {
		t.Error("a re-read that differs only in updated_at (and map order) must have the same digest")
	}
	for name, change := range map[string]func(*Customer){
		"email":     func(c *Customer) { c.Email = "b@example.com" },
		"name":      func(c *Customer) { c.FirstName = "Anne" },
		"attribute": func(c *Customer) { c.Attributes = map[string]string{"tier": "silver", "b": "x"} },
		"deleted":   func(c *Customer) { c.Deleted = true },
		"consent":   func(c *Customer) { c.Consent = map[Channel]Consent{ChannelEmail: {State: ConsentUnsubscribed}} },
	} {
		c := base
		c.Attributes = map[string]string{"tier": "gold", "b": "x"}
		change(&c)
		if d(c) == d(base) {
			t.Errorf("a changed %s must change the digest", name)
		}
	}
}
