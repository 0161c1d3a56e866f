// Tests of the HubSpot transport hooks: pacing, error parsing, retry delays.
package hubspot

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPacer(t *testing.T) {
	tests := []struct {
		name      string
		clientRPS float64
		headers   map[string]string
		want      time.Duration
	}{
		{"room left", 0, map[string]string{"X-HubSpot-RateLimit-Secondly": "10", "X-HubSpot-RateLimit-Secondly-Remaining": "3"}, 0},
		{"secondly exhausted", 0, map[string]string{"X-HubSpot-RateLimit-Secondly": "10", "X-HubSpot-RateLimit-Secondly-Remaining": "0"}, 100 * time.Millisecond},
		{"client faster than the window", 20, map[string]string{"X-HubSpot-RateLimit-Secondly": "10", "X-HubSpot-RateLimit-Secondly-Remaining": "0"}, 100 * time.Millisecond},
		{"client within the window paces itself", 10, map[string]string{"X-HubSpot-RateLimit-Secondly": "10", "X-HubSpot-RateLimit-Secondly-Remaining": "0"}, 0},
		{"exhausted without the limit", 10, map[string]string{"X-HubSpot-RateLimit-Secondly-Remaining": "0"}, time.Second},
		{"interval family", 0, map[string]string{"X-HubSpot-RateLimit-Max": "100", "X-HubSpot-RateLimit-Remaining": "0",
			"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}, 100 * time.Millisecond},
		{"no headers", 0, nil, 0},
		{"garbage", 0, map[string]string{"X-HubSpot-RateLimit-Secondly-Remaining": "lots"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			assert.Equal(t, tt.want, pacer(tt.clientRPS)(h))
		})
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name, body, code, msg string
	}{
		{"rate limit", `{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","correlationId":"c","policyName":"DAILY"}`,
			"RATE_LIMIT", "You have reached your daily limit. (policy DAILY)"},
		{"validation", `{"status":"error","message":"Invalid input","category":"VALIDATION_ERROR","errors":[{"message":"limit too high","code":"x"}]}`,
			"VALIDATION_ERROR", "Invalid input: limit too high"},
		{"not json", `<html>bad gateway</html>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := parseError(400, []byte(tt.body))
			assert.Equal(t, tt.code, code)
			assert.Equal(t, tt.msg, msg)
		})
	}
}

func TestVendorHooks_RetryDelay(t *testing.T) {
	v := vendorHooks(42*time.Minute, 0)
	tests := []struct {
		name   string
		header string
		body   string
		want   time.Duration
	}{
		{"daily policy", "", `{"errorType":"RATE_LIMIT","policyName":"DAILY"}`, 42 * time.Minute},
		{"ten secondly policy", "", `{"errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}`, 0},
		{"retry-after wins", "3", `{"errorType":"RATE_LIMIT","policyName":"DAILY"}`, 3 * time.Second},
		{"other error", "", `{"category":"VALIDATION_ERROR"}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set("Retry-After", tt.header)
			}
			assert.Equal(t, tt.want, v.RetryDelay(h, []byte(tt.body)))
		})
	}
}
