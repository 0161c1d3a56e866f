// This file tests the Meta imitation's validation directly over HTTP.
package sandbox

import (
	"net/url"
	"strings"
	"testing"
)

func TestMeta_Validation(t *testing.T) {
	sb := destStart(t, Meta, "meta-tok")
	base := sb.URLs[Meta] + "/v25.0/123/users"
	h := strings.Repeat("a", 64)
	rows := func(n int) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = []string{h}
		}
		return out
	}
	body := func(schema any, data [][]string) map[string]any {
		return map[string]any{"session": map[string]any{"session_id": 7, "batch_seq": 1, "last_batch_flag": true, "estimated_num_total": len(data)},
			"payload": map[string]any{"schema": schema, "data": data}}
	}
	tests := []struct {
		name   string
		url    string
		body   any
		code   float64
		phrase string
	}{
		{"no token", base, body("EMAIL", rows(1)), 104, "access token is required"},
		{"bad token", base + "?access_token=wrong", body("EMAIL", rows(1)), 190, "Invalid OAuth"},
		{"too many rows", base + "?access_token=meta-tok", body([]string{"EMAIL"}, rows(MetaMaxRows+1)), 100, "Too many entries"},
		{"unknown schema field", base + "?access_token=meta-tok", body([]string{"EMAIL", "SHOE"}, [][]string{{h, h}}), 100, "schema field"},
		{"row length", base + "?access_token=meta-tok", body([]string{"EMAIL", "PHONE"}, rows(1)), 100, "row 0 has 1 values"},
		{"bad session", base + "?access_token=meta-tok", map[string]any{"session": map[string]any{"session_id": -1, "batch_seq": 1},
			"payload": map[string]any{"schema": "EMAIL", "data": rows(1)}}, 100, "session_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, out := destCall(t, "POST", tt.url, nil, tt.body)
			e, _ := out["error"].(map[string]any)
			if status != 400 || e["code"] != tt.code || !strings.Contains(e["message"].(string), tt.phrase) || e["fbtrace_id"] == "" {
				t.Fatalf("%d %v", status, out)
			}
		})
	}
	t.Run("form-encoded payload and invalid rows", func(t *testing.T) {
		form := url.Values{"access_token": {"meta-tok"},
			"payload": {`{"schema":["EMAIL","PHONE"],"data":[["` + h + `",""],["not-a-hash",""],["",""]]}`},
			"session": {`{"session_id":9,"batch_seq":1,"last_batch_flag":true,"estimated_num_total":3}`}}
		status, _, out := destCall(t, "POST", base, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form.Encode())
		if status != 200 || out["num_received"] != 3.0 || out["num_invalid_entries"] != 2.0 || out["session_id"] != "9" {
			t.Fatalf("%d %v", status, out)
		}
		if s, _ := out["invalid_entry_samples"].(map[string]any); len(s) != 2 || s["not-a-hash"] == nil {
			t.Fatalf("samples %v", out["invalid_entry_samples"])
		}
		if aud := sb.MetaAudience("123"); len(aud) != 1 || !aud[h] {
			t.Fatalf("audience %v", aud)
		}
	})
}
