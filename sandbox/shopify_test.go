// Wire-level tests of the Shopify imitation's formats and quirks.
package sandbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/sandbox"
)

func shopifyCall(t *testing.T, sb *sandbox.Sandbox, target, token string) (*http.Response, map[string]any) {
	t.Helper()
	if target[0] == '/' {
		target = sb.URLs[sandbox.Shopify] + target
	}
	req, err := http.NewRequest("GET", target, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("X-Shopify-Access-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	_ = dec.Decode(&out)
	return resp, out
}

var shopifyLinkRE = regexp.MustCompile(`<([^>]+)>; rel="(next|previous)"`)

func shopifyLinks(resp *http.Response) map[string]string {
	out := map[string]string{}
	for _, m := range shopifyLinkRE.FindAllStringSubmatch(resp.Header.Get("Link"), -1) {
		out[m[2]] = m[1]
	}
	return out
}

func TestShopify_Wire(t *testing.T) {
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 300}),
		Only: []string{sandbox.Shopify}, Token: "shpat"})
	require.NoError(t, err)
	t.Cleanup(sb.Close)
	sb.SetShopifyBucket(40, 1000)
	const customers = "/admin/api/2024-07/customers.json"

	t.Run("401", func(t *testing.T) {
		resp, body := shopifyCall(t, sb, customers, "wrong")
		assert.Equal(t, 401, resp.StatusCode)
		assert.Contains(t, body["errors"], "Invalid API key or access token")
	})
	t.Run("Link paging forwards and back", func(t *testing.T) {
		resp, p1 := shopifyCall(t, sb, customers+"?limit=5&updated_at_min=2020-01-01T00:00:00Z", "shpat")
		require.Equal(t, 200, resp.StatusCode)
		assert.Regexp(t, `^\d+/40$`, resp.Header.Get("X-Shopify-Shop-Api-Call-Limit"))
		links := shopifyLinks(resp)
		require.Contains(t, links, "next")
		assert.NotContains(t, links, "previous", "no previous link on the first page")
		u, _ := url.Parse(links["next"])
		assert.ElementsMatch(t, []string{"limit", "page_info"}, shopifyKeys(u.Query()), "filters travel inside page_info")
		resp2, p2 := shopifyCall(t, sb, links["next"], "shpat")
		require.Equal(t, 200, resp2.StatusCode)
		assert.NotEqual(t, p1["customers"], p2["customers"])
		back := shopifyLinks(resp2)["previous"]
		require.NotEmpty(t, back)
		_, p0 := shopifyCall(t, sb, back, "shpat")
		assert.Equal(t, p1["customers"], p0["customers"])
		c := p1["customers"].([]any)[0].(map[string]any)
		assert.IsType(t, json.Number(""), c["id"], "ids are JSON numbers")
		assert.Regexp(t, `-05:00$`, c["updated_at"])
		assert.Regexp(t, `^\d+\.\d\d$`, c["total_spent"])
	})
	t.Run("filters next to page_info are a 400", func(t *testing.T) {
		resp, _ := shopifyCall(t, sb, customers+"?limit=5", "shpat")
		next := shopifyLinks(resp)["next"]
		resp, body := shopifyCall(t, sb, next+"&updated_at_min=2020-01-01T00:00:00Z", "shpat")
		assert.Equal(t, 400, resp.StatusCode)
		assert.IsType(t, "", body["errors"])
		resp, _ = shopifyCall(t, sb, next+"&fields=id,email", "shpat")
		assert.Equal(t, 200, resp.StatusCode, "fields is allowed")
	})
	t.Run("limit above 250 is a 400", func(t *testing.T) {
		resp, _ := shopifyCall(t, sb, customers+"?limit=251", "shpat")
		assert.Equal(t, 400, resp.StatusCode)
	})
	t.Run("orders default to open only", func(t *testing.T) {
		_, open := shopifyCall(t, sb, "/admin/api/2024-07/orders.json?limit=250", "shpat")
		_, all := shopifyCall(t, sb, "/admin/api/2024-07/orders.json?limit=250&status=any", "shpat")
		assert.Less(t, len(open["orders"].([]any)), len(all["orders"].([]any)))
		o := all["orders"].([]any)[0].(map[string]any)
		assert.Regexp(t, `^\d+\.\d\d$`, o["total_price"])
		assert.NotEmpty(t, o["line_items"])
	})
	t.Run("a full bucket answers 429 with Retry-After 2.0", func(t *testing.T) {
		sb.SetShopifyBucket(3, 0.1)
		defer sb.SetShopifyBucket(40, 1000)
		var last *http.Response
		for i := 0; i < 4; i++ {
			last, _ = shopifyCall(t, sb, customers+"?limit=1", "shpat")
		}
		assert.Equal(t, 429, last.StatusCode)
		assert.Equal(t, "2.0", last.Header.Get("Retry-After"))
		assert.Equal(t, "3/3", last.Header.Get("X-Shopify-Shop-Api-Call-Limit"))
	})
}

func shopifyKeys(v url.Values) []string {
	var out []string
	for k := range v {
		out = append(out, k)
	}
	return out
}
