// This file tests the Mailchimp imitation's validation and answers directly over HTTP, and holds
// the small HTTP helper the destination imitations' tests share.
package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// destStart starts one destination imitation with a fixed credential.
func destStart(t *testing.T, vendorName, token string) *Sandbox {
	t.Helper()
	sb, err := Start(ServerOptions{Dataset: Generate(Options{People: 3}), Token: token, Only: []string{vendorName}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

// destCall sends one request and returns status, content type and decoded JSON body (nil if none).
func destCall(t *testing.T, method, url string, hdr map[string]string, body any) (int, string, map[string]any) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(bytes.TrimSpace(data)) > 0 && data[0] == '{' {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("body %q: %v", data, err)
		}
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), out
}

func TestMailchimp_Validation(t *testing.T) {
	sb := destStart(t, Mailchimp, "key-us1")
	base := sb.URLs[Mailchimp] + "/3.0/lists/L1"
	auth := func(key string) map[string]string {
		r, _ := http.NewRequest("GET", "http://x", nil)
		r.SetBasicAuth("any", key)
		return map[string]string{"Authorization": r.Header.Get("Authorization")}
	}
	var tooMany []map[string]any
	for i := 0; i <= MailchimpMaxBatch; i++ {
		tooMany = append(tooMany, map[string]any{"email_address": fmt.Sprintf("u%d@example.org", i), "status": "subscribed"})
	}
	tests := []struct {
		name   string
		method string
		path   string
		key    string
		body   any
		status int
		title  string
	}{
		{"bad key", "POST", "", "nope", map[string]any{"members": []any{}}, 401, "API Key Invalid"},
		{"over 500 members", "POST", "", "key-us1", map[string]any{"members": tooMany, "update_existing": true}, 400, "Invalid Resource"},
		{"broken json", "POST", "", "key-us1", "{", 400, "JSON Schema Validation Failed"},
		{"archive unknown member", "DELETE", "/members/" + MailchimpSubscriberHash("x@example.org"), "key-us1", nil, 404, "Resource Not Found"},
		{"tags unknown member", "POST", "/members/" + MailchimpSubscriberHash("x@example.org") + "/tags", "key-us1",
			map[string]any{"tags": []any{map[string]any{"name": "vip", "status": "active"}}}, 404, "Resource Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, ct, body := destCall(t, tt.method, base+tt.path, auth(tt.key), tt.body)
			if status != tt.status || !strings.HasPrefix(ct, "application/problem+json") || body["title"] != tt.title {
				t.Fatalf("%d %s %v", status, ct, body)
			}
		})
	}
	t.Run("per-member errors inside a 200", func(t *testing.T) {
		sb.MailchimpSetMember("L1", MailchimpMember{Email: "unsub@example.org", Status: "unsubscribed"})
		status, _, body := destCall(t, "POST", base, auth("key-us1"), map[string]any{"update_existing": false, "members": []any{
			map[string]any{"email_address": "ok@example.org", "status": "subscribed"},
			map[string]any{"email_address": "unsub@example.org", "status": "subscribed"},
			map[string]any{"email_address": "bad", "status": "subscribed"},
		}})
		if status != 200 || body["total_created"] != 1.0 || body["error_count"] != 2.0 {
			t.Fatalf("%d %v", status, body)
		}
		codes := fmt.Sprint(body["errors"])
		if !strings.Contains(codes, "ERROR_CONTACT_EXISTS") || !strings.Contains(codes, "looks fake or invalid") {
			t.Fatalf("errors %s", codes)
		}
	})
	t.Run("connection limit", func(t *testing.T) {
		mc := sb.mailchimp()
		mc.inflight.Add(MailchimpMaxConnections)
		defer mc.inflight.Add(-MailchimpMaxConnections)
		status, _, body := destCall(t, "GET", base+"/members/x", auth("key-us1"), nil)
		if status != 429 || body["title"] != "Too Many Requests" {
			t.Fatalf("%d %v", status, body)
		}
	})
}
