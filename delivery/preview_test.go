// preview_test.go tests Preview against a real SQLite ledger: it counts what Sync then does, and
// it never calls the vendor.
package delivery

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPreview(t *testing.T) {
	ctx := context.Background()
	st := ledger(t)
	d := &audienceDest{held: map[string]bool{}}
	_, err := Sync(ctx, st, Request{Destination: "ads", Run: "r1", Connector: d, Audience: audience("p1", "p2", "p3", "p4")})
	require.NoError(t, err)
	calls := d.calls

	a := audience("p1", "p5")
	a.Members[0].Fingerprint = "changed" // p1's fields changed: an update
	a.SkippedNoConsent = 2
	req := Request{Destination: "ads", Run: "r2", Connector: d, Audience: a}
	p, err := Preview(ctx, st, req)
	require.NoError(t, err)
	assert.Equal(t, calls, d.calls, "a preview calls no vendor")
	assert.Equal(t, 4, p.Current)
	assert.Equal(t, 1, p.Adds)
	assert.Equal(t, 1, p.Updates)
	assert.Equal(t, 3, p.Removes)
	assert.Equal(t, 2, p.SkippedNoConsent)
	assert.Equal(t, []string{"p2", "p3", "p4"}, p.Samples["removes"])
	assert.Equal(t, []string{"p5"}, p.Samples["adds"])

	addOnly := req
	addOnly.AddOnly = true
	p2, err := Preview(ctx, st, addOnly)
	require.NoError(t, err)
	assert.Zero(t, p2.Removes, "an add-only run removes nobody")

	res, err := Sync(ctx, st, req)
	require.NoError(t, err)
	assert.Equal(t, p.Adds, res.Added, "the sync does what the preview said")
	assert.Equal(t, p.Removes, res.Removed)
	assert.Equal(t, p.Updates, res.Updated)
	assert.Equal(t, map[string]bool{"h:p1@x.io": true, "h:p2@x.io": false, "h:p3@x.io": false, "h:p4@x.io": false, "h:p5@x.io": true}, d.held)
}
