package approval

import (
	"strings"
	"testing"
)

func TestHold(t *testing.T) {
	p := Policy{MaxRemoveFraction: 0.2, MaxRemoves: 100}
	for _, c := range []struct {
		current, removes int
		held             bool
		why              string
	}{
		{100, 0, false, ""},
		{100, 20, false, ""},   // exactly the share: not more than it
		{100, 21, true, "21%"}, // over the share
		{1000, 101, true, "max_removes (100)"},
		{1000, 100, false, ""},
		{0, 5, false, ""}, // nothing to lose a share of; the count limit still applies
		{0, 101, true, "max_removes"},
	} {
		held, why := p.Hold(c.current, c.removes)
		if held != c.held || !strings.Contains(why, c.why) {
			t.Errorf("Hold(%d, %d) = %v %q, want %v containing %q", c.current, c.removes, held, why, c.held, c.why)
		}
	}
	if held, _ := (Policy{MaxRemoveFraction: 1}).Hold(10, 10); held {
		t.Error("a share of 1 must never hold")
	}
	if held, _ := (Policy{}).Hold(10, 10); held {
		t.Error("an empty policy must never hold")
	}
}
