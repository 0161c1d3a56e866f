// This file holds Erase: a member deleted for good (GDPR erasure), not merely archived.
package mailchimp

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// Erase permanently deletes the member (POST .../members/{hash}/actions/delete-permanent): the
// contact's data is gone from the audience and Mailchimp refuses to re-import the address. A 404
// means the audience holds nothing about it.
func (d *Destination) Erase(ctx context.Context, m connectors.Member) (connectors.Erased, error) {
	out := connectors.Erased{Action: "permanent delete"}
	hash := memberHash(m)
	if hash == "" {
		return out, nil
	}
	_, err := d.c.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.memberPath(hash) + "/actions/delete-permanent"})
	if he, ok := httpx.AsError(err); ok && he.Status == http.StatusNotFound {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("mailchimp: permanently delete a member of list %s: %w", d.cfg.ListID, err)
	}
	out.Held = true
	return out, nil
}
