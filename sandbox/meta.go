// This file holds the Meta custom audiences imitation: POST/DELETE /{audience_id}/users with a
// session and a hashed multi-key payload, per-row validation reported as num_invalid_entries with
// samples, Graph API error bodies, the code-17 throttle and a switch that refuses removals.
package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

func init() { register(Meta, func(sb *Sandbox) vendor { return newMeta(sb) }) }

// MetaMaxRows is the most rows one request may carry.
const MetaMaxRows = 10000

// metaSampleCap bounds invalid_entry_samples, like the real API which returns only samples.
const metaSampleCap = 2

// metaFields are the accepted schema keys; true marks those that must be SHA-256 hex.
var metaFields = map[string]bool{
	"EMAIL": true, "EMAIL_SHA256": true, "PHONE": true, "PHONE_SHA256": true, "FN": true, "LN": true, "FI": true,
	"F5FIRST": true, "F5LAST": true, "CT": true, "ST": true, "ZIP": true, "COUNTRY": true, "GEN": true,
	"DOBY": true, "DOBM": true, "DOBD": true, "MADID": false, "EXTERN_ID": false, "LOOKALIKE_VALUE": false,
}

// MetaSession is what the imitation saw of one upload session.
type MetaSession struct {
	ID             int64
	Op             string // add | remove
	Seqs           []int  // batch_seq values in arrival order
	LastFlag       bool   // a batch with last_batch_flag true arrived
	EstimatedTotal int
	Received       int // rows received across the session's batches
}

type meta struct {
	sb       *Sandbox
	mu       sync.Mutex
	aud      map[string]map[string]bool // audience id -> member key -> present
	sessions map[string][]*MetaSession  // audience id -> sessions in first-seen order
	refuse   bool
	invalid  map[string]bool
	fbtrace  int
}

func newMeta(sb *Sandbox) *meta {
	return &meta{sb: sb, aud: map[string]map[string]bool{}, sessions: map[string][]*MetaSession{}, invalid: map[string]bool{}}
}

func (sb *Sandbox) meta() *meta {
	v, _ := sb.vendors[Meta].(*meta)
	return v
}

// MetaAudience returns the audience's members, each keyed by its row's email hash (or, when the row
// has none, its phone hash, else its first non-empty value).
func (sb *Sandbox) MetaAudience(id string) map[string]bool {
	mt := sb.meta()
	if mt == nil {
		return nil
	}
	mt.mu.Lock()
	defer mt.mu.Unlock()
	out := map[string]bool{}
	for k := range mt.aud[id] {
		out[k] = true
	}
	return out
}

// MetaSessions returns copies of the sessions seen for an audience, in first-seen order.
func (sb *Sandbox) MetaSessions(audienceID string) []MetaSession {
	mt := sb.meta()
	if mt == nil {
		return nil
	}
	mt.mu.Lock()
	defer mt.mu.Unlock()
	var out []MetaSession
	for _, s := range mt.sessions[audienceID] {
		c := *s
		c.Seqs = append([]int(nil), s.Seqs...)
		out = append(out, c)
	}
	return out
}

// MetaRefuseRemovals makes removals fail as when an audience would become too small.
func (sb *Sandbox) MetaRefuseRemovals(on bool) {
	if mt := sb.meta(); mt != nil {
		mt.mu.Lock()
		mt.refuse = on
		mt.mu.Unlock()
	}
}

// MetaInvalidHashes makes rows containing any of these values count as invalid entries (as Meta
// does for values it cannot use).
func (sb *Sandbox) MetaInvalidHashes(values ...string) {
	if mt := sb.meta(); mt != nil {
		mt.mu.Lock()
		for _, v := range values {
			mt.invalid[v] = true
		}
		mt.mu.Unlock()
	}
}

// Throttle answers like Graph API's application-level limit: HTTP 400, code 17 subcode 2446079,
// with the business use case usage header giving the wait in minutes.
func (mt *meta) Throttle(w http.ResponseWriter) {
	w.Header().Set("X-Business-Use-Case-Usage",
		`{"1234567890":[{"type":"custom_audience","call_count":100,"total_cputime":12,"total_time":18,"estimated_time_to_regain_access":1}]}`)
	mt.fail(w, http.StatusBadRequest, "(#17) User request limit reached", "OAuthException", 17, 2446079, true)
}

func (mt *meta) fail(w http.ResponseWriter, status int, msg, typ string, code, sub int, transient bool) {
	mt.mu.Lock()
	mt.fbtrace++
	trace := fmt.Sprintf("SBx%07d", mt.fbtrace)
	mt.mu.Unlock()
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": trace}
	if sub != 0 {
		e["error_subcode"] = sub
	}
	if transient {
		e["is_transient"] = true
	}
	if code == 190 {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}

var metaVersion = regexp.MustCompile(`^/v\d+\.\d+(/|$)`)

func metaToken(r *http.Request) string {
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t
	}
	h := r.Header.Get("Authorization")
	for _, p := range []string{"Bearer ", "OAuth "} {
		if strings.HasPrefix(h, p) {
			return strings.TrimSpace(h[len(p):])
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return r.PostFormValue("access_token")
	}
	return ""
}

type metaRequest struct {
	Session *struct {
		SessionID       json.Number `json:"session_id"`
		BatchSeq        int         `json:"batch_seq"`
		LastBatchFlag   bool        `json:"last_batch_flag"`
		EstimatedNumTot int         `json:"estimated_num_total"`
	} `json:"session"`
	Payload *struct {
		Schema json.RawMessage `json:"schema"`
		Data   [][]any         `json:"data"`
	} `json:"payload"`
}

// metaExpired is the newest Marketing API version that has expired (v24.0 on 2026-11-10).
const metaExpired = 24

var metaVersionNum = regexp.MustCompile(`^/v(\d+)\.\d+(/|$)`)

func (mt *meta) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m := metaVersionNum.FindStringSubmatch(r.URL.Path); m != nil {
		if n, _ := strconv.Atoi(m[1]); n <= metaExpired {
			mt.fail(w, http.StatusBadRequest, "You are calling a deprecated version of the Ads API. Please update to the latest version: v27.0.",
				"OAuthException", 2635, 0, false)
			return
		}
	}
	path := metaVersion.ReplaceAllString(r.URL.Path, "/")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	tok := metaToken(r)
	if tok == "" {
		mt.fail(w, http.StatusBadRequest, "An access token is required to request this resource.", "OAuthException", 104, 0, false)
		return
	}
	switch mt.sb.TokenState(tok) {
	case TokenExpired:
		mt.fail(w, http.StatusBadRequest, "Error validating access token: Session has expired on Tuesday, 01-Dec-26 10:00:00 PST. The current time is Wednesday, 02-Dec-26 07:00:00 PST.",
			"OAuthException", 190, 463, false)
		return
	case TokenInvalid:
		mt.fail(w, http.StatusBadRequest, "Invalid OAuth access token - Cannot parse access token", "OAuthException", 190, 0, false)
		return
	}
	if len(parts) == 1 && r.Method == http.MethodGet {
		if _, err := strconv.ParseUint(parts[0], 10, 64); err != nil {
			mt.fail(w, http.StatusBadRequest, fmt.Sprintf("(#100) Unsupported get request. Object with ID '%s' does not exist", parts[0]), "GraphMethodException", 100, 33, false)
			return
		}
		mt.mu.Lock()
		n := len(mt.aud[parts[0]])
		mt.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": parts[0], "name": "Sandbox audience " + parts[0],
			"subtype": "CUSTOM", "approximate_count_lower_bound": n, "operation_status": map[string]any{"code": 200, "description": "Normal"}})
		return
	}
	if len(parts) != 2 || parts[1] != "users" || (r.Method != http.MethodPost && r.Method != http.MethodDelete) {
		mt.fail(w, http.StatusBadRequest, "Unsupported request - method type: "+strings.ToLower(r.Method), "GraphMethodException", 100, 33, false)
		return
	}
	audience := parts[0]
	if _, err := strconv.ParseUint(audience, 10, 64); err != nil {
		mt.fail(w, http.StatusBadRequest, fmt.Sprintf("(#100) Invalid audience id %q", audience), "OAuthException", 100, 0, false)
		return
	}
	var req metaRequest
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		_ = r.ParseForm()
		var p, s = r.PostFormValue("payload"), r.PostFormValue("session")
		if p != "" {
			if err := json.Unmarshal([]byte(p), &req.Payload); err != nil {
				mt.fail(w, http.StatusBadRequest, "(#100) Invalid parameter: payload is not valid JSON", "OAuthException", 100, 0, false)
				return
			}
		}
		if s != "" {
			if err := json.Unmarshal([]byte(s), &req.Session); err != nil {
				mt.fail(w, http.StatusBadRequest, "(#100) Invalid parameter: session is not valid JSON", "OAuthException", 100, 0, false)
				return
			}
		}
	} else if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		mt.fail(w, http.StatusBadRequest, "(#100) Invalid parameter: body is not valid JSON", "OAuthException", 100, 0, false)
		return
	}
	if req.Payload == nil {
		mt.fail(w, http.StatusBadRequest, "(#100) The parameter payload is required", "OAuthException", 100, 0, false)
		return
	}
	var schema []string
	if err := json.Unmarshal(req.Payload.Schema, &schema); err != nil {
		var one string
		if err := json.Unmarshal(req.Payload.Schema, &one); err != nil || one == "" {
			mt.fail(w, http.StatusBadRequest, "(#100) Invalid parameter: payload.schema must be a string or an array of strings", "OAuthException", 100, 0, false)
			return
		}
		schema = []string{one}
	}
	seen := map[string]bool{}
	for _, f := range schema {
		if _, ok := metaFields[f]; !ok || seen[f] {
			mt.fail(w, http.StatusBadRequest, fmt.Sprintf("(#100) Invalid parameter: schema field %q is unknown or repeated", f), "OAuthException", 100, 0, false)
			return
		}
		seen[f] = true
	}
	if len(req.Payload.Data) == 0 {
		mt.fail(w, http.StatusBadRequest, "(#100) Invalid parameter: payload.data is empty", "OAuthException", 100, 0, false)
		return
	}
	if len(req.Payload.Data) > MetaMaxRows {
		mt.fail(w, http.StatusBadRequest, fmt.Sprintf("(#100) Too many entries in payload.data: %d (at most %d)", len(req.Payload.Data), MetaMaxRows), "OAuthException", 100, 0, false)
		return
	}
	for i, row := range req.Payload.Data {
		if len(row) != len(schema) {
			mt.fail(w, http.StatusBadRequest, fmt.Sprintf("(#100) Invalid parameter: row %d has %d values, schema has %d", i, len(row), len(schema)), "OAuthException", 100, 0, false)
			return
		}
	}
	var sessionID int64
	if s := req.Session; s != nil {
		id, err := strconv.ParseInt(s.SessionID.String(), 10, 64)
		if err != nil || id <= 0 || s.BatchSeq < 1 {
			mt.fail(w, http.StatusBadRequest, "(#100) Invalid parameter: session.session_id must be a positive integer and batch_seq start at 1", "OAuthException", 100, 0, false)
			return
		}
		sessionID = id
	}
	op := "add"
	if r.Method == http.MethodDelete {
		op = "remove"
	}

	mt.mu.Lock()
	refuse := op == "remove" && mt.refuse
	mt.mu.Unlock()
	if refuse {
		mt.fail(w, http.StatusBadRequest, "(#2650) Failed to update the custom audience: removing these users would leave the audience too small",
			"OAuthException", 2650, 1870145, false)
		return
	}

	mt.mu.Lock()
	defer mt.mu.Unlock()
	if req.Session != nil {
		var sess *MetaSession
		for _, s := range mt.sessions[audience] {
			if s.ID == sessionID {
				sess = s
			}
		}
		if sess == nil {
			sess = &MetaSession{ID: sessionID, Op: op}
			mt.sessions[audience] = append(mt.sessions[audience], sess)
		}
		sess.Seqs = append(sess.Seqs, req.Session.BatchSeq)
		sess.LastFlag = sess.LastFlag || req.Session.LastBatchFlag
		sess.EstimatedTotal = req.Session.EstimatedNumTot
		sess.Received += len(req.Payload.Data)
	}
	members := mt.aud[audience]
	if members == nil {
		members = map[string]bool{}
		mt.aud[audience] = members
	}
	invalid := 0
	samples := map[string]string{}
	for _, row := range req.Payload.Data {
		key, problem := mt.row(schema, row)
		if problem != "" {
			invalid++
			if len(samples) < metaSampleCap {
				samples[key] = problem
			}
			continue
		}
		if op == "add" {
			members[key] = true
		} else {
			delete(members, key)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"audience_id": audience, "session_id": strconv.FormatInt(sessionID, 10),
		"num_received": len(req.Payload.Data), "num_invalid_entries": invalid, "invalid_entry_samples": samples})
}

// row validates one row and returns its member key, or the offending value and a problem.
func (mt *meta) row(schema []string, row []any) (key, problem string) {
	vals := make([]string, len(row))
	for i, v := range row {
		s, ok := v.(string)
		if !ok {
			s = fmt.Sprint(v)
		}
		vals[i] = s
	}
	var email, phone, first string
	for i, f := range schema {
		v := vals[i]
		if v == "" {
			continue
		}
		if metaFields[f] && !metaHex.MatchString(v) {
			return v, f + ": not a SHA-256 hex digest"
		}
		if mt.invalid[v] {
			return v, f + ": invalid value"
		}
		if first == "" {
			first = v
		}
		switch f {
		case "EMAIL", "EMAIL_SHA256":
			email = v
		case "PHONE", "PHONE_SHA256":
			phone = v
		}
	}
	switch {
	case email != "":
		return email, ""
	case phone != "":
		return phone, ""
	case first != "":
		return first, ""
	}
	return "", "row has no value"
}

var metaHex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// MetaSessionIDs lists the session ids seen for an audience, sorted (a convenience for tests).
func (sb *Sandbox) MetaSessionIDs(audienceID string) []int64 {
	var ids []int64
	for _, s := range sb.MetaSessions(audienceID) {
		ids = append(ids, s.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
