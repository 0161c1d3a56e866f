// This file tests GA4 row mapping, quota classification and reset times, date resolution and the request body.
package ga4

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/record"
)

func TestMapRows(t *testing.T) {
	var resp reportResponse
	require.NoError(t, json.Unmarshal([]byte(`{"dimensionHeaders":[{"name":"customUser:crm_id"}],
		"metricHeaders":[{"name":"sessions","type":"TYPE_INTEGER"},{"name":"engagementRate","type":"TYPE_FLOAT"}],
		"rows":[{"dimensionValues":[{"value":"(not set)"}],"metricValues":[{"value":"900"},{"value":"0.1"}]},
		        {"dimensionValues":[{"value":"C-1"}],"metricValues":[{"value":"15"},{"value":"0.625"}]},
		        {"dimensionValues":[{"value":"(other)"}],"metricValues":[{"value":"3"},{"value":"0"}]}],
		"rowCount":3}`), &resp))
	got, err := mapRows("ga", cursor{Start: "2026-01-01", End: "2026-01-31"}, &resp)
	require.NoError(t, err)
	assert.Equal(t, []record.Engagement{{Source: "ga", CustomerRef: "C-1", StartDate: "2026-01-01", EndDate: "2026-01-31",
		Metrics: map[string]float64{"sessions": 15, "engagementRate": 0.625}}}, got)

	t.Run("metric that is no number", func(t *testing.T) {
		bad := resp
		bad.Rows = bad.Rows[1:2]
		bad.Rows[0].MetricValues = []value{{"15"}, {"n/a"}}
		_, err := mapRows("ga", cursor{}, &bad)
		assert.ErrorContains(t, err, "engagementRate")
	})
	t.Run("metric values and headers disagree", func(t *testing.T) {
		bad := resp
		bad.Rows = bad.Rows[1:2]
		bad.Rows[0].MetricValues = []value{{"15"}}
		_, err := mapRows("ga", cursor{}, &bad)
		assert.ErrorContains(t, err, "metric headers")
	})
}

func TestWindowOf(t *testing.T) {
	tests := []struct{ status, message, want string }{
		{"RESOURCE_EXHAUSTED", "Exhausted property tokens per hour for this property.", "hour"},
		{"RESOURCE_EXHAUSTED", "Exhausted property tokens per day for this property.", "day"},
		{"RESOURCE_EXHAUSTED", "Exhausted server errors per project per hour.", "hour"},
		{"RESOURCE_EXHAUSTED", "Exhausted potentially thresholded requests per hour for this property.", "hour"},
		{"RESOURCE_EXHAUSTED", "Exhausted concurrent requests quota.", ""},
		// The wordings GA4 really sends (vendor-apis.md): hourly quotas, waited out.
		{"RESOURCE_EXHAUSTED", "Exhausted potentially thresholded requests quota.", "hour"},
		{"RESOURCE_EXHAUSTED", "Exhausted server errors quota.", "hour"},
		{"RESOURCE_EXHAUSTED", "Exhausted property tokens for a project per hour.", "hour"},
		{"INVALID_ARGUMENT", "per hour", ""},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			assert.Equal(t, tt.want, windowOf(tt.status, tt.message))
		})
	}
}

func TestQuotaReset(t *testing.T) {
	tests := []struct {
		name   string
		window string
		now    time.Time
		want   time.Time
	}{
		{"hour", "hour", time.Date(2026, 3, 4, 10, 59, 59, 0, time.UTC), time.Date(2026, 3, 4, 11, 0, 0, 0, time.UTC)},
		{"hour at the top of the hour", "hour", time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 4, 11, 0, 0, 0, time.UTC)},
		{"day in summer time (PDT, UTC-7)", "day", time.Date(2026, 7, 1, 6, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 7, 0, 0, 0, time.UTC)},
		{"day in winter time (PST, UTC-8)", "day", time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC), time.Date(2026, 1, 16, 8, 0, 0, 0, time.UTC)},
		{"day before DST starts", "day", time.Date(2026, 3, 8, 1, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := quotaReset(tt.window, tt.now)
			assert.True(t, got.Equal(tt.want), "got %s want %s", got.UTC(), tt.want)
		})
	}
}

func TestResolveDate(t *testing.T) {
	now := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	tests := []struct {
		expr string
		loc  *time.Location
		want string
	}{
		{"today", time.UTC, "2026-03-01"}, {"today", la, "2026-02-28"}, {"yesterday", time.UTC, "2026-02-28"},
		{"365daysAgo", time.UTC, "2025-03-01"}, {"0daysAgo", time.UTC, "2026-03-01"}, {"2024-02-29", la, "2024-02-29"},
	}
	for _, tt := range tests {
		t.Run(tt.expr+"@"+tt.loc.String(), func(t *testing.T) {
			got, err := resolveDate(tt.expr, now, tt.loc)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRetryDelay(t *testing.T) {
	s := &Source{cfg: Config{Now: func() time.Time { return time.Date(2026, 1, 1, 10, 45, 0, 0, time.UTC) }}}
	tests := []struct {
		name   string
		header http.Header
		body   string
		want   time.Duration
	}{
		{"hourly quota", nil, `{"error":{"code":429,"message":"Exhausted property tokens per hour for this property.","status":"RESOURCE_EXHAUSTED"}}`, 15 * time.Minute},
		{"retry info", nil, `{"error":{"code":429,"message":"Exhausted concurrent requests quota.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}`, 1500 * time.Millisecond},
		{"retry-after header", http.Header{"Retry-After": {"3"}}, `{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}`, 3 * time.Second},
		{"nothing", http.Header{}, `oops`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			assert.Equal(t, tt.want, s.retryDelay(h, []byte(tt.body)))
		})
	}
}

type recorder struct{ bodies [][]byte }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(req.Body)
	r.bodies = append(r.bodies, b)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader([]byte(`{"dimensionHeaders":[{"name":"customUser:crm_id"}]}`))), Request: req}, nil
}

// TestRequestBody checks the wire form: limit and offset as strings, quota asked for, stable order.
func TestRequestBody(t *testing.T) {
	rec := &recorder{}
	src, err := New(Config{Token: "x", PropertyID: "42", BaseURL: "http://ga4.invalid", HTTP: rec, PageSize: 500,
		Now: func() time.Time { return time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC) }})
	require.NoError(t, err)
	page, err := src.FetchPage(context.Background(), connectors.PageRequest{Kind: record.KindEngagement})
	require.NoError(t, err)
	assert.True(t, page.Done, "an empty report has no rowCount")
	require.Len(t, rec.bodies, 1)
	assert.JSONEq(t, `{"dateRanges":[{"startDate":"2025-05-10","endDate":"2026-05-09"}],
		"dimensions":[{"name":"customUser:crm_id"}],
		"metrics":[{"name":"sessions"},{"name":"addToCarts"},{"name":"ecommercePurchases"}],
		"orderBys":[{"dimension":{"dimensionName":"customUser:crm_id"},"desc":false}],
		"limit":"500","offset":"0","keepEmptyRows":false,"returnPropertyQuota":true}`, string(rec.bodies[0]))
}
