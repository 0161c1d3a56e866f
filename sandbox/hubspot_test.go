// Wire-level tests of the HubSpot imitation's formats and quirks.
package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/sandbox"
)

func hubspotStart(t *testing.T, people int) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: people}),
		Only: []string{sandbox.HubSpot}, Token: "tok"})
	require.NoError(t, err)
	t.Cleanup(sb.Close)
	sb.SetHubSpotSearchLimit(0) // the wire tests search faster than HubSpot's 4 per second
	return sb
}

func hubspotCall(t *testing.T, sb *sandbox.Sandbox, method, path, token, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, sb.URLs[sandbox.HubSpot]+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp, out
}

func TestHubSpot_Wire(t *testing.T) {
	sb := hubspotStart(t, 300)
	search := func(filterValue string, limit, after int) string {
		b, _ := json.Marshal(map[string]any{
			"filterGroups": []any{map[string]any{"filters": []any{map[string]any{"propertyName": "lastmodifieddate", "operator": "GTE", "value": filterValue}}}},
			"sorts":        []any{map[string]any{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}},
			"properties":   []string{"email"}, "limit": limit, "after": strconv.Itoa(after),
		})
		return string(b)
	}
	t.Run("401 names the category", func(t *testing.T) {
		resp, body := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts", "bad", "")
		assert.Equal(t, 401, resp.StatusCode)
		assert.Equal(t, "INVALID_AUTHENTICATION", body["category"])
		assert.Equal(t, "error", body["status"])
	})
	t.Run("list pages with an encoded after token", func(t *testing.T) {
		resp, body := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts?limit=2&properties=email,date_of_birth,nosuchprop", "tok", "")
		require.Equal(t, 200, resp.StatusCode)
		assert.NotEmpty(t, resp.Header.Get("X-HubSpot-RateLimit-Secondly"))
		assert.NotEmpty(t, resp.Header.Get("X-HubSpot-RateLimit-Daily-Remaining"))
		results := body["results"].([]any)
		require.Len(t, results, 2)
		props := results[0].(map[string]any)["properties"].(map[string]any)
		assert.Contains(t, props, "nosuchprop")
		assert.Nil(t, props["nosuchprop"], "unknown properties come back null")
		assert.Contains(t, props, "lastmodifieddate")
		next := body["paging"].(map[string]any)["next"].(map[string]any)
		after := next["after"].(string)
		assert.Contains(t, after, "%3D", "printed percent-encoded")
		// sent verbatim (double-encoded on the wire) or decoded: same page
		_, b1 := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts?limit=2&after="+url.QueryEscape(after), "tok", "")
		dec, _ := url.QueryUnescape(after)
		_, b2 := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts?limit=2&after="+url.QueryEscape(dec), "tok", "")
		assert.Equal(t, b1["results"], b2["results"])
		assert.NotEqual(t, body["results"], b1["results"])
	})
	t.Run("list limit above 100 is a 400", func(t *testing.T) {
		resp, body := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts?limit=101", "tok", "")
		assert.Equal(t, 400, resp.StatusCode)
		assert.Equal(t, "VALIDATION_ERROR", body["category"])
	})
	t.Run("search accepts epoch ms and ISO watermarks alike", func(t *testing.T) {
		_, ms := hubspotCall(t, sb, "POST", "/crm/v3/objects/contacts/search", "tok", search("1735689600000", 5, 0))
		_, iso := hubspotCall(t, sb, "POST", "/crm/v3/objects/contacts/search", "tok", search("2025-01-01T00:00:00Z", 5, 0))
		assert.Equal(t, ms["results"], iso["results"])
		assert.Equal(t, ms["total"], iso["total"])
		assert.Equal(t, "5", ms["paging"].(map[string]any)["next"].(map[string]any)["after"])
	})
	t.Run("search refuses to page past 10,000", func(t *testing.T) {
		resp, body := hubspotCall(t, sb, "POST", "/crm/v3/objects/contacts/search", "tok", search("0", 200, 9900))
		assert.Equal(t, 400, resp.StatusCode)
		assert.Equal(t, "VALIDATION_ERROR", body["category"])
		resp, _ = hubspotCall(t, sb, "POST", "/crm/v3/objects/contacts/search", "tok", search("0", 100, 9900))
		assert.Equal(t, 200, resp.StatusCode)
	})
	t.Run("search limit above 200 is a 400", func(t *testing.T) {
		resp, _ := hubspotCall(t, sb, "POST", "/crm/v3/objects/contacts/search", "tok", search("0", 201, 0))
		assert.Equal(t, 400, resp.StatusCode)
	})
	t.Run("rate limit answers 429 RATE_LIMIT and shows the window in headers", func(t *testing.T) {
		sb.SetRateLimit(sandbox.HubSpot, 5, 2)
		defer sb.SetRateLimit(sandbox.HubSpot, 0, 0)
		var throttled *http.Response
		var body map[string]any
		for i := 0; i < 5 && throttled == nil; i++ {
			resp, b := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts?limit=1", "tok", "")
			assert.Equal(t, "5", resp.Header.Get("X-HubSpot-RateLimit-Secondly"))
			if resp.StatusCode == 429 {
				throttled, body = resp, b
			}
		}
		require.NotNil(t, throttled)
		assert.Equal(t, "RATE_LIMIT", body["errorType"])
		assert.Equal(t, "TEN_SECONDLY_ROLLING", body["policyName"])
		assert.Equal(t, "0", throttled.Header.Get("X-HubSpot-RateLimit-Secondly-Remaining"))
		assert.Empty(t, throttled.Header.Get("Retry-After"))
	})
	t.Run("archived contacts only with archived=true", func(t *testing.T) {
		sb.Update(func(ds *sandbox.Dataset) { ds.Sources[sandbox.HubSpot].Contacts[0].Archived = true })
		defer sb.Update(func(ds *sandbox.Dataset) { ds.Sources[sandbox.HubSpot].Contacts[0].Archived = false })
		_, body := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts?limit=100&archived=true", "tok", "")
		results := body["results"].([]any)
		require.Len(t, results, 1)
		assert.Equal(t, true, results[0].(map[string]any)["archived"])
	})
	t.Run("truncated JSON fault", func(t *testing.T) {
		sb.Faults.Set(sandbox.HubSpot, sandbox.Fault{Kind: sandbox.FaultTruncate, Times: 1})
		defer sb.Faults.Clear(sandbox.HubSpot)
		resp, body := hubspotCall(t, sb, "GET", "/crm/v3/objects/contacts?limit=5", "tok", "")
		assert.Equal(t, 200, resp.StatusCode)
		assert.Nil(t, body, "body is not valid JSON")
	})
}

func TestHubSpot_SearchLimit(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 20}), Only: []string{sandbox.HubSpot}, Token: "tok"})
	require.NoError(t, err)
	defer sb.Close()
	codes := map[int]int{}
	var last map[string]any
	for i := 0; i < 8; i++ {
		resp, body := hubspotCall(t, sb, "POST", "/crm/v3/objects/contacts/search", "tok", `{"limit":1}`)
		codes[resp.StatusCode]++
		if resp.StatusCode == 429 {
			last = body
		}
	}
	assert.Positive(t, codes[429], "eight searches at once exceed 4 per second")
	assert.Equal(t, "SECONDLY", last["policyName"])
	assert.Equal(t, "RATE_LIMIT", last["errorType"])
}
