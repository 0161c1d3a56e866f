// This file holds the /{audience_id}/users calls: sessions, the request, and outcomes from the answer.
package meta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// SessionID derives Meta's session_id from a batch key "destination/run/op/sequence": the FNV-1a
// hash of everything before the last "/", so every batch of one op of one run shares a session,
// as a positive int64. A batch without a key falls back to the audience id and op.
func SessionID(key, audienceID string, op connectors.Op) int64 {
	base := audienceID + "/" + string(op)
	if key != "" {
		base = key
		if i := strings.LastIndexByte(key, '/'); i > 0 {
			base = key[:i]
		}
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(base))
	_, _ = h.Write([]byte{0})
	_, _ = h.Write([]byte(op))
	id := int64(h.Sum64() & math.MaxInt64)
	if id == 0 {
		id = 1
	}
	return id
}

// users sends one batch.
//
// Outcomes: delivered when Meta received the row (ProviderID "session_id:batch_seq"); rejected when
// the member has no usable email or phone (not sent) or Meta's invalid_entry_samples quote one of
// its hashed values; when Meta counts more invalid rows than its samples identify, the other rows
// stay delivered with a Reason giving the batch's aggregate. A removal Meta refuses because the
// audience would become too small comes back as failed for every member (retry later), never dropped.
func (d *Destination) users(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	out := make([]connectors.Outcome, len(b.Members))
	var rows [][]string
	var rowMember []int
	schema, rowOf := d.cfg.Schema, d.row
	if b.Op == connectors.OpRemove {
		schema, rowOf = removalSchema, removalRow
	}
	for i, m := range b.Members {
		out[i] = connectors.Outcome{ProfileID: m.ProfileID}
		vals, ok := rowOf(m)
		if !ok {
			out[i].Status, out[i].Reason = connectors.StatusRejected, "no_match_key: member has no usable email or phone"
			continue
		}
		rows = append(rows, vals)
		rowMember = append(rowMember, i)
	}
	if len(rows) == 0 {
		return out, nil
	}
	total := b.Total
	if total < len(rows) {
		total = len(rows)
	}
	seq := b.Seq
	if seq < 1 {
		seq = 1
	}
	sid := SessionID(b.Key, d.cfg.AudienceID, b.Op)
	req := usersRequest{
		Session: session{SessionID: sid, BatchSeq: seq, LastBatchFlag: b.Last, EstimatedNumTotal: total},
		Payload: payload{Schema: schema, Data: rows},
	}
	method, verb := http.MethodPost, "add"
	if b.Op == connectors.OpRemove {
		method, verb = http.MethodDelete, "remove"
	}
	var resp usersResponse
	_, err := d.c.JSON(ctx, httpx.Request{Method: method, Path: "/" + d.cfg.AudienceID + "/users", Body: req}, &resp)
	if err != nil {
		if b.Op == connectors.OpRemove && removalRefused(err) {
			var he *httpx.Error
			errors.As(err, &he)
			for _, i := range rowMember {
				out[i].Status = connectors.StatusFailed
				out[i].Reason = "removal refused, audience too small (retry later): " + he.Message
			}
			return out, nil
		}
		return nil, fmt.Errorf("meta: %s %d users (audience %s, session %d, batch %d): %w", verb, len(rows), d.cfg.AudienceID, sid, seq, err)
	}
	provider := strconv.FormatInt(sid, 10) + ":" + strconv.Itoa(seq)
	invalid := attributeInvalid(resp.InvalidEntrySamples, rows)
	unattributed := resp.NumInvalidEntries - len(invalid)
	short := resp.NumReceived > 0 && resp.NumReceived < len(rows)
	for r, i := range rowMember {
		o := &out[i]
		if why, bad := invalid[r]; bad {
			o.Status, o.Reason = connectors.StatusRejected, "invalid entry: "+why
			continue
		}
		o.ProviderID = provider
		switch {
		case short:
			o.Status = connectors.StatusFailed
			o.Reason = fmt.Sprintf("Meta received %d of %d rows of this batch; resend", resp.NumReceived, len(rows))
		default:
			o.Status = connectors.StatusDelivered
			if unattributed > 0 {
				o.Reason = fmt.Sprintf("batch aggregate: %d of %d rows invalid, %d not identified by Meta's samples",
					resp.NumInvalidEntries, len(rows), unattributed)
			}
		}
	}
	return out, nil
}

// removalRefused recognises Meta refusing a removal because the audience would be too small. The
// exact code is not documented; the refusal is matched on its text.
func removalRefused(err error) bool {
	he, ok := httpx.AsError(err)
	if !ok || he.Throttled || he.Status < 400 || he.Status >= 500 || credentialCodes[codeOf(he.Code)] {
		return false
	}
	m := strings.ToLower(he.Message)
	return strings.Contains(m, "too small") || strings.Contains(m, "minimum audience size") || strings.Contains(m, "below the minimum")
}

// attributeInvalid maps row index -> reason for rows whose hashed values (or indices) appear in
// invalid_entry_samples. The samples' shape is tolerated as an object (keys and values searched),
// an array, or nested arrays.
func attributeInvalid(raw json.RawMessage, rows [][]string) map[int]string {
	out := map[int]string{}
	if len(raw) == 0 {
		return out
	}
	var doc any
	if json.Unmarshal(raw, &doc) != nil {
		return out
	}
	where := map[string][]int{}
	for r, row := range rows {
		for _, v := range row {
			if v != "" {
				where[v] = append(where[v], r)
			}
		}
	}
	mark := func(s, why string) {
		for _, r := range where[s] {
			if _, done := out[r]; !done {
				out[r] = why
			}
		}
	}
	var walk func(x any, why string)
	walk = func(x any, why string) {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				reason := k
				if s, ok := v.(string); ok {
					reason = s
				}
				mark(k, reason)
				if n, err := strconv.Atoi(k); err == nil && n >= 0 && n < len(rows) && len(where[k]) == 0 {
					if _, done := out[n]; !done {
						out[n] = reason
					}
				}
				walk(v, reason)
			}
		case []any:
			for _, v := range t {
				walk(v, why)
			}
		case string:
			mark(t, why)
		}
	}
	walk(doc, "listed in invalid_entry_samples")
	return out
}
