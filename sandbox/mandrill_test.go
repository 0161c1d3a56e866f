// This file tests the Mandrill imitation's validation and per-recipient answers directly over HTTP.
package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestMandrill_SendTemplate(t *testing.T) {
	sb := destStart(t, Mandrill, "md-key")
	url := sb.URLs[Mandrill] + "/api/1.0/messages/send-template"
	msg := func(to ...string) map[string]any {
		var rcpts []any
		for _, e := range to {
			rcpts = append(rcpts, map[string]any{"email": e, "type": "to"})
		}
		return map[string]any{"to": rcpts, "preserve_recipients": false}
	}
	errs := []struct {
		name, want string
		body       map[string]any
	}{
		{"bad key", "Invalid_Key", map[string]any{"key": "x", "template_name": "welcome", "message": msg("a@example.org")}},
		{"unknown template", "Unknown_Template", map[string]any{"key": "md-key", "template_name": "nope", "message": msg("a@example.org")}},
		{"no recipients", "ValidationError", map[string]any{"key": "md-key", "template_name": "welcome", "message": msg()}},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := destCall(t, "POST", url, nil, tt.body)
			if status != 500 || body["status"] != "error" || body["name"] != tt.want {
				t.Fatalf("%d %v", status, body)
			}
		})
	}
	t.Run("per-recipient results in a 200", func(t *testing.T) {
		data, _ := json.Marshal(map[string]any{"key": "md-key", "template_name": "welcome",
			"message": msg("a@example.org", "x.bounce@example.org", "bad@@example", "spammy@example.org")})
		resp, err := http.Post(url, "application/json", strings.NewReader(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var res []map[string]string
		if err := json.Unmarshal(raw, &res); err != nil || resp.StatusCode != 200 || len(res) != 4 {
			t.Fatalf("%d %s", resp.StatusCode, raw)
		}
		want := [][2]string{{"sent", ""}, {"rejected", "hard-bounce"}, {"invalid", ""}, {"rejected", "spam"}}
		for i, w := range want {
			if res[i]["status"] != w[0] || res[i]["reject_reason"] != w[1] || res[i]["_id"] == "" {
				t.Errorf("result %d = %v", i, res[i])
			}
		}
		if sent := sb.MandrillSent(); len(sent) != 1 || sent["a@example.org"] != 1 {
			t.Errorf("sent = %v", sent)
		}
	})
}
