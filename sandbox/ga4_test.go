// This file tests the GA4 imitation's wire format, quotas and quirks over raw HTTP.
package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/sandbox"
)

func ga4Call(t *testing.T, sb *sandbox.Sandbox, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("POST", sb.URLs[sandbox.GA4]+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(data, &out), "%.300s", data)
	return resp.StatusCode, out
}

const ga4Report = `{"dateRanges":[{"startDate":"365daysAgo","endDate":"yesterday"}],"dimensions":[{"name":"customUser:crm_id"}],
	"metrics":[{"name":"sessions"},{"name":"addToCarts"},{"name":"ecommercePurchases"}],"limit":LIMIT,"offset":OFFSET,"returnPropertyQuota":true}`

func ga4Body(limit, offset string) string {
	return strings.NewReplacer("LIMIT", limit, "OFFSET", offset).Replace(ga4Report)
}

func TestGA4_Wire(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 100}), Only: []string{sandbox.GA4}, Token: "tok"})
	require.NoError(t, err)
	t.Cleanup(sb.Close)
	const path = "/v1beta/properties/123:runReport"
	ds, release := sb.Data()
	n := len(ds.Sources[sandbox.GA4].Engagements)
	release()
	require.Positive(t, n)

	t.Run("limit and offset as strings or numbers", func(t *testing.T) {
		for _, b := range []string{ga4Body(`"5"`, `"0"`), ga4Body(`5`, `0`)} {
			status, out := ga4Call(t, sb, path, "tok", b)
			require.Equal(t, 200, status, out)
			assert.Len(t, out["rows"], 5)
			assert.EqualValues(t, n+1, out["rowCount"], "customers plus the (not set) row")
			row := out["rows"].([]any)[0].(map[string]any)
			mv := row["metricValues"].([]any)[0].(map[string]any)
			assert.IsType(t, "", mv["value"], "metric values are strings")
			assert.Contains(t, out, "propertyQuota")
			assert.Contains(t, out["propertyQuota"], "tokensPerHour")
		}
	})
	t.Run("past the end: rowCount but no rows", func(t *testing.T) {
		status, out := ga4Call(t, sb, path, "tok", ga4Body(`"5"`, `"100000"`))
		require.Equal(t, 200, status)
		assert.NotContains(t, out, "rows")
		assert.EqualValues(t, n+1, out["rowCount"])
	})
	t.Run("(not set) row is served", func(t *testing.T) {
		status, out := ga4Call(t, sb, path, "tok", strings.Replace(ga4Body(`"100000"`, `"0"`), `"returnPropertyQuota":true`, `"orderBys":[{"dimension":{"dimensionName":"customUser:crm_id"}}]`, 1))
		require.Equal(t, 200, status)
		first := out["rows"].([]any)[0].(map[string]any)["dimensionValues"].([]any)[0].(map[string]any)["value"]
		assert.Equal(t, "(not set)", first)
		assert.NotContains(t, out, "propertyQuota", "only when asked for")
	})
	errTests := []struct {
		name, path, token, body string
		status                  int
		wantStatus              string
	}{
		{"bad token", path, "nope", ga4Body(`"5"`, `"0"`), 401, "UNAUTHENTICATED"},
		{"unknown dimension", path, "tok", strings.Replace(ga4Body(`"5"`, `"0"`), "customUser:crm_id", "customUser:x", 1), 400, "INVALID_ARGUMENT"},
		{"unknown metric", path, "tok", strings.Replace(ga4Body(`"5"`, `"0"`), "addToCarts", "revenue", 1), 400, "INVALID_ARGUMENT"},
		{"bad date", path, "tok", strings.Replace(ga4Body(`"5"`, `"0"`), "365daysAgo", "last year", 1), 400, "INVALID_ARGUMENT"},
		{"start after end", path, "tok", strings.Replace(ga4Body(`"5"`, `"0"`), "365daysAgo", "today", 1), 400, "INVALID_ARGUMENT"},
		{"non-numeric property", "/v1beta/properties/G-123:runReport", "tok", ga4Body(`"5"`, `"0"`), 400, "INVALID_ARGUMENT"},
		{"bad limit", path, "tok", ga4Body(`"five"`, `"0"`), 400, "INVALID_ARGUMENT"},
		{"unknown path", "/v1beta/properties/123:batchRunReports", "tok", `{}`, 404, "NOT_FOUND"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := ga4Call(t, sb, tt.path, tt.token, tt.body)
			assert.Equal(t, tt.status, status, out)
			e, _ := out["error"].(map[string]any)
			require.NotNil(t, e, out)
			assert.Equal(t, tt.wantStatus, e["status"])
			assert.EqualValues(t, tt.status, e["code"])
		})
	}
	t.Run("hourly quota", func(t *testing.T) {
		sandbox.GA4Quota(sb, 2)
		t.Cleanup(func() { sandbox.GA4Quota(sb, 0) })
		for i := 0; i < 2; i++ {
			status, out := ga4Call(t, sb, path, "tok", ga4Body(`"1"`, `"0"`))
			require.Equal(t, 200, status, out)
		}
		status, out := ga4Call(t, sb, path, "tok", ga4Body(`"1"`, `"0"`))
		assert.Equal(t, 429, status)
		e := out["error"].(map[string]any)
		assert.Equal(t, "RESOURCE_EXHAUSTED", e["status"])
		assert.Contains(t, e["message"], "Exhausted property tokens per hour")
		sandbox.GA4ResetQuota(sb)
		status, _ = ga4Call(t, sb, path, "tok", ga4Body(`"1"`, `"0"`))
		assert.Equal(t, 200, status)
	})
	t.Run("daily quota", func(t *testing.T) {
		sandbox.GA4DailyQuota(sb, 1)
		t.Cleanup(func() { sandbox.GA4DailyQuota(sb, 0) })
		ga4Call(t, sb, path, "tok", ga4Body(`"1"`, `"0"`))
		status, out := ga4Call(t, sb, path, "tok", ga4Body(`"1"`, `"0"`))
		assert.Equal(t, 429, status)
		assert.Contains(t, out["error"].(map[string]any)["message"], "per day")
	})
	t.Run("rate limit answers concurrent-requests exhaustion", func(t *testing.T) {
		sb.SetRateLimit(sandbox.GA4, 0.001, 1)
		t.Cleanup(func() { sb.SetRateLimit(sandbox.GA4, 0, 0) })
		ga4Call(t, sb, path, "tok", ga4Body(`"1"`, `"0"`))
		status, out := ga4Call(t, sb, path, "tok", ga4Body(`"1"`, `"0"`))
		assert.Equal(t, 429, status)
		assert.Contains(t, out["error"].(map[string]any)["message"], "concurrent requests")
	})
	t.Run("empty report omits rows and rowCount", func(t *testing.T) {
		sb.Update(func(d *sandbox.Dataset) { d.Sources[sandbox.GA4].Engagements = nil })
		status, out := ga4Call(t, sb, path, "tok", ga4Body(`"5"`, `"0"`))
		require.Equal(t, 200, status)
		assert.NotContains(t, out, "rows")
		assert.NotContains(t, out, "rowCount")
		assert.Contains(t, out, "dimensionHeaders")
	})
}
