// This file tests the Square imitation's wire format and quirks over raw HTTP.
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

func squareCall(t *testing.T, sb *sandbox.Sandbox, method, path, token, body string) (int, string) {
	t.Helper()
	var rdr io.Reader
	if body != "" {
		rdr = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, sb.URLs[sandbox.Square]+path, rdr)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Square-Version", "2025-08-20")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(data)
}

func TestSquare_Wire(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 100}), Only: []string{sandbox.Square}, Token: "tok"})
	require.NoError(t, err)
	t.Cleanup(sb.Close)

	tests := []struct {
		name, method, path, token, body string
		status                          int
		want                            string // exact body, or substring when prefixed with "~"
	}{
		{"empty search is literally {}", "POST", "/v2/customers/search", "tok",
			`{"limit":100,"query":{"filter":{"updated_at":{"start_at":"2031-01-01T00:00:00Z"}},"sort":{"field":"CREATED_AT","order":"ASC"}}}`, 200, `{}`},
		{"empty orders search is literally {}", "POST", "/v2/orders/search", "tok", `{"location_ids":["ELSEWHERE"]}`, 200, `{}`},
		{"limit over 100", "GET", "/v2/customers?limit=101", "tok", "", 400,
			`{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"VALUE_TOO_HIGH","detail":"` + "`limit`" + ` must be less than or equal to 100","field":"limit"}]}`},
		{"search limit over 100", "POST", "/v2/customers/search", "tok", `{"limit":500}`, 400, "~VALUE_TOO_HIGH"},
		{"limit 0", "GET", "/v2/customers?limit=0", "tok", "", 400, "~VALUE_TOO_LOW"},
		{"bad token", "GET", "/v2/customers", "nope", "", 401,
			`{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"This request could not be authorized."}]}`},
		{"no token", "GET", "/v2/customers", "", "", 401, "~UNAUTHORIZED"},
		{"orders need location ids", "POST", "/v2/orders/search", "tok", `{}`, 400, `~"field":"location_ids"`},
		{"at most 10 locations", "POST", "/v2/orders/search", "tok", `{"location_ids":["1","2","3","4","5","6","7","8","9","10","11"]}`, 400, `~"field":"location_ids"`},
		{"orders limit over 1000", "POST", "/v2/orders/search", "tok", `{"location_ids":["L1"],"limit":1001}`, 400, "~VALUE_TOO_HIGH"},
		{"date filter must match sort field", "POST", "/v2/orders/search", "tok",
			`{"location_ids":["L1"],"query":{"filter":{"date_time_filter":{"updated_at":{"start_at":"2024-01-01T00:00:00Z"}}},"sort":{"sort_field":"CREATED_AT"}}}`, 400, `~"field":"query.sort.sort_field"`},
		{"bad time", "POST", "/v2/customers/search", "tok", `{"query":{"filter":{"updated_at":{"start_at":"last week"}}}}`, 400, "~INVALID_TIME"},
		{"garbage cursor", "GET", "/v2/customers?cursor=not-a-cursor", "tok", "", 400, "~INVALID_CURSOR"},
		{"unknown path", "GET", "/v2/payments", "tok", "", 404, "~NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := squareCall(t, sb, tt.method, tt.path, tt.token, tt.body)
			assert.Equal(t, tt.status, status, "%.300s", body)
			if want, ok := strings.CutPrefix(tt.want, "~"); ok {
				assert.Contains(t, body, want)
			} else {
				assert.Equal(t, tt.want, body)
			}
		})
	}

	t.Run("cursor belongs to its query", func(t *testing.T) {
		status, body := squareCall(t, sb, "POST", "/v2/customers/search", "tok", `{"limit":2,"query":{"sort":{"field":"CREATED_AT","order":"ASC"}}}`)
		require.Equal(t, 200, status, body)
		var page struct{ Cursor string }
		require.NoError(t, json.Unmarshal([]byte(body), &page))
		require.NotEmpty(t, page.Cursor)
		status, body = squareCall(t, sb, "POST", "/v2/customers/search", "tok", `{"limit":2,"cursor":"`+page.Cursor+`","query":{"sort":{"field":"CREATED_AT","order":"DESC"}}}`)
		assert.Equal(t, 400, status)
		assert.Contains(t, body, "INVALID_CURSOR")
		status, _ = squareCall(t, sb, "POST", "/v2/customers/search", "tok", `{"limit":2,"cursor":"`+page.Cursor+`","query":{"sort":{"field":"CREATED_AT","order":"ASC"}}}`)
		assert.Equal(t, 200, status)
	})

	t.Run("customer and order shapes", func(t *testing.T) {
		status, body := squareCall(t, sb, "GET", "/v2/customers?limit=100", "tok", "")
		require.Equal(t, 200, status)
		var page struct {
			Customers []map[string]any `json:"customers"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &page))
		require.NotEmpty(t, page.Customers)
		c := page.Customers[0]
		for _, k := range []string{"id", "created_at", "updated_at", "preferences", "creation_source", "version"} {
			assert.Contains(t, c, k)
		}
		assert.Contains(t, c["preferences"], "email_unsubscribed")
		status, body = squareCall(t, sb, "POST", "/v2/orders/search", "tok", `{"location_ids":["L1"],"limit":1}`)
		require.Equal(t, 200, status)
		var orders struct {
			Orders []struct {
				TotalMoney struct {
					Amount   json.Number `json:"amount"`
					Currency string      `json:"currency"`
				} `json:"total_money"`
				LineItems []struct {
					Quantity any `json:"quantity"`
				} `json:"line_items"`
				State string `json:"state"`
			} `json:"orders"`
			Cursor string `json:"cursor"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &orders))
		require.Len(t, orders.Orders, 1)
		assert.NotEmpty(t, orders.Cursor)
		_, err := orders.Orders[0].TotalMoney.Amount.Int64()
		assert.NoError(t, err, "money is an integer of minor units")
		assert.IsType(t, "", orders.Orders[0].LineItems[0].Quantity, "quantity is a string")
	})
}
