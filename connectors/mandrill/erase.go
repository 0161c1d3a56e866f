// This file holds Erase: an erased person's address denylisted, so no later send reaches it.
package mandrill

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// Erase adds the person's address to the account's reject list (rejects/add): a sent email cannot
// be unsent, but no later send will reach the address. Mandrill keeps its own message history for
// its retention period; that history is not reachable through this API.
func (d *Destination) Erase(ctx context.Context, m connectors.Member) (connectors.Erased, error) {
	out := connectors.Erased{Action: "denylist"}
	email := strings.ToLower(strings.TrimSpace(m.Email))
	if email == "" {
		return out, nil
	}
	body := map[string]any{"key": d.cfg.APIKey, "email": email, "comment": "erasure request"}
	var res struct {
		Added bool `json:"added"`
	}
	if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/rejects/add", Body: body}, &res); err != nil {
		return out, fmt.Errorf("mandrill: denylist an erased address: %w", err)
	}
	out.Held = true
	return out, nil
}
