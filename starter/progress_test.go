package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cdpflow/cdpflow/summary"
	"github.com/cdpflow/cdpflow/workflows"
)

func TestProgressLine(t *testing.T) {
	p := workflows.Progress{Stage: "push", Summary: summary.Run{WorkflowID: "refresh-1",
		Sources:      map[string]summary.Source{"shop": {Extracted: 1200, Pages: 3, Throttled: 2}, "crm": {Error: "HTTP 401"}},
		Cleanse:      summary.Cleanse{Accepted: 1100, Quarantined: 12},
		Identity:     summary.Identity{Profiles: 900},
		Destinations: map[string]summary.Destination{"newsletter": {Added: 40, Removed: 2}}},
		Approvals: []workflows.PendingApproval{{Destination: "ads"}}}
	assert.Equal(t, "push · crm failed · shop 1200 (3 pages, throttled 2) · cleansed 1100 (12 quarantined) · 900 profiles"+
		" · newsletter +40 -2 · ads WAITS FOR APPROVAL (starter approve refresh-1 ads)", progressLine(p))
}
