package summary

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun_JSONKeepsTheContractKeys checks every key of shared/reference/run-summary.md.
func TestRun_JSONKeepsTheContractKeys(t *testing.T) {
	start := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	r := New("refresh-2026-11-22T02:00:00Z", "01a2", "refresh", start)
	r.Status, r.FinishedAt = StatusCompleted, start.Add(190*time.Second)
	r.Sources["hubspot"] = Source{Extracted: 985, ByKind: map[string]int{"contacts": 985}, Pages: 10, Retries: 1, Mode: "full", Watermark: "w"}
	r.Cleanse = Cleanse{Accepted: 3250, Quarantined: 41, Reasons: map[string]int{"invalid_email": 12}}
	r.Identity = Identity{Records: 3250, Profiles: 2010, MergedRecords: 1240, NewProfiles: 2010}
	r.Segments["rfm.champions"] = Segment{Members: 180, Added: 180}
	r.Destinations["newsletter"] = Destination{Added: 170, Rejected: 2, SkippedNoConsent: 8}
	data, err := r.JSON()
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(data, &got))
	for _, k := range []string{"workflow_id", "run_id", "kind", "status", "started_at", "finished_at", "sources", "cleanse", "identity", "segments", "destinations"} {
		assert.Contains(t, got, k)
	}
	sub := func(m any, keys ...string) map[string]any {
		for _, k := range keys {
			m = m.(map[string]any)[k]
		}
		return m.(map[string]any)
	}
	for _, k := range []string{"extracted", "by_kind", "pages", "retries", "mode", "watermark"} {
		assert.Contains(t, sub(got, "sources", "hubspot"), k)
	}
	for _, k := range []string{"accepted", "quarantined", "reasons"} {
		assert.Contains(t, sub(got, "cleanse"), k)
	}
	for _, k := range []string{"records", "profiles", "merged_records", "new_profiles"} {
		assert.Contains(t, sub(got, "identity"), k)
	}
	for _, k := range []string{"members", "added", "removed"} {
		assert.Contains(t, sub(got, "segments", "rfm.champions"), k)
	}
	for _, k := range []string{"added", "removed", "failed", "rejected", "skipped_no_consent"} {
		assert.Contains(t, sub(got, "destinations", "newsletter"), k)
	}
	assert.Equal(t, "2026-11-22T02:00:00Z", got["started_at"])
	assert.Equal(t, "completed", got["status"])
}

func TestRun_WriteText(t *testing.T) {
	r := New("sync-shop-1", "r", "sync", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r.Status, r.Error = StatusFailed, "source shop: HTTP 401 (check the token in $SHOPIFY_TOKEN)"
	r.Sources["shop"] = Source{Extracted: 3, ByKind: map[string]int{"orders": 1, "customers": 2}, Mode: "incremental", Error: "HTTP 401"}
	var b bytes.Buffer
	r.WriteText(&b)
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "sync sync-shop-1: FAILED"))
	assert.Contains(t, out, "$SHOPIFY_TOKEN")
	assert.Contains(t, out, "(customers=2 orders=1) incremental")
	assert.Contains(t, out, "ERROR: HTTP 401")
}
