// This file holds the Mailchimp Marketing imitation: audiences (lists) whose members carry a status,
// merge fields, tags and an archived flag; batch upsert with per-member errors inside a 200, tags,
// archive, problem+json errors and the 10-simultaneous-connections limit.
package sandbox

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

func init() { register(Mailchimp, func(sb *Sandbox) vendor { return newMailchimp(sb) }) }

// MailchimpMaxBatch is the most members one batch upsert accepts.
const MailchimpMaxBatch = 500

// MailchimpMaxConnections is the number of simultaneous requests served before answering 429.
const MailchimpMaxConnections = 10

// MailchimpMember is one audience member as the imitation stores it.
type MailchimpMember struct {
	ID          string // subscriber hash: md5 of the lowercased email
	Email       string // as first received
	Status      string // subscribed | unsubscribed | cleaned | pending | transactional
	MergeFields map[string]string
	Tags        []string // active tags, sorted
	Archived    bool
}

type mailchimp struct {
	sb       *Sandbox
	inflight atomic.Int32
	mu       sync.Mutex
	lists    map[string]map[string]*MailchimpMember // list id -> subscriber hash -> member
	tagCalls int
	// forgotten holds permanently deleted members (list id -> subscriber hash): they are gone and
	// cannot be re-imported, as in Mailchimp.
	forgotten map[string]map[string]bool
	missing   map[string]bool // audience ids that do not exist
}

func newMailchimp(sb *Sandbox) *mailchimp {
	return &mailchimp{sb: sb, lists: map[string]map[string]*MailchimpMember{}, forgotten: map[string]map[string]bool{}}
}

// MailchimpSubscriberHash is Mailchimp's member id: md5 of the lowercased email, hex.
func MailchimpSubscriberHash(email string) string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

func (sb *Sandbox) mailchimp() *mailchimp {
	v, _ := sb.vendors[Mailchimp].(*mailchimp)
	return v
}

// MailchimpMembers returns a copy of a list's members keyed by lowercased email (nil when the
// Mailchimp imitation is not running). Archived members are included with Archived set.
func (sb *Sandbox) MailchimpMembers(listID string) map[string]MailchimpMember {
	mc := sb.mailchimp()
	if mc == nil {
		return nil
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	out := map[string]MailchimpMember{}
	for _, m := range mc.lists[listID] {
		out[strings.ToLower(m.Email)] = m.copy()
	}
	return out
}

// MailchimpSetMember seeds or overwrites a member (for tests: e.g. a contact who unsubscribed in
// Mailchimp and must not be resubscribed by a sync).
func (sb *Sandbox) MailchimpSetMember(listID string, m MailchimpMember) {
	mc := sb.mailchimp()
	if mc == nil {
		return
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	m.ID = MailchimpSubscriberHash(m.Email)
	if m.Status == "" {
		m.Status = "subscribed"
	}
	cp := m.copy()
	mc.list(listID)[m.ID] = &cp
}

// MailchimpTagCalls counts tag requests served (one per member per sync: the cost of tagging).
func (sb *Sandbox) MailchimpTagCalls() int {
	mc := sb.mailchimp()
	if mc == nil {
		return 0
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	return mc.tagCalls
}

func (m MailchimpMember) copy() MailchimpMember {
	c := m
	c.MergeFields = map[string]string{}
	for k, v := range m.MergeFields {
		c.MergeFields[k] = v
	}
	c.Tags = append([]string(nil), m.Tags...)
	return c
}

func (mc *mailchimp) list(id string) map[string]*MailchimpMember {
	l := mc.lists[id]
	if l == nil {
		l = map[string]*MailchimpMember{}
		mc.lists[id] = l
	}
	return l
}

// Throttle answers like Mailchimp past its simultaneous-connection limit (no rate-limit headers).
func (mc *mailchimp) Throttle(w http.ResponseWriter) {
	mcProblem(w, http.StatusTooManyRequests, "Too Many Requests",
		fmt.Sprintf("You have exceeded the limit of %d simultaneous connections.", MailchimpMaxConnections))
}

func mcProblem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type":     "https://mailchimp.com/developer/marketing/docs/errors/",
		"title":    title,
		"status":   status,
		"detail":   detail,
		"instance": fmt.Sprintf("sandbox-%d", status),
	})
}

func mcJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var mcVersion = regexp.MustCompile(`^/3\.0(/|$)`)

func (mc *mailchimp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if mc.inflight.Add(1) > MailchimpMaxConnections {
		mc.inflight.Add(-1)
		if st := mc.sb.Stats(Mailchimp); st != nil {
			st.Throttled.Add(1)
		}
		mc.Throttle(w)
		return
	}
	defer mc.inflight.Add(-1)

	if _, key, ok := r.BasicAuth(); !ok || !mc.sb.Authorized(key) {
		mcProblem(w, http.StatusUnauthorized, "API Key Invalid",
			"Your API key may be invalid, or you've attempted to access the wrong datacenter.")
		return
	}
	path := mcVersion.ReplaceAllString(r.URL.Path, "/")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "ping" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"health_status":"Everything's Chimpy!"}`))
	case len(parts) == 2 && parts[0] == "lists" && r.Method == http.MethodGet:
		mc.audience(w, parts[1])
	case len(parts) == 2 && parts[0] == "lists" && r.Method == http.MethodPost:
		mc.batch(w, r, parts[1])
	case len(parts) == 5 && parts[0] == "lists" && parts[2] == "members" && parts[4] == "tags" && r.Method == http.MethodPost:
		mc.tags(w, r, parts[1], parts[3])
	case len(parts) == 6 && parts[0] == "lists" && parts[2] == "members" && parts[4] == "actions" && parts[5] == "delete-permanent" && r.Method == http.MethodPost:
		mc.deletePermanent(w, parts[1], parts[3])
	case len(parts) == 4 && parts[0] == "lists" && parts[2] == "members":
		switch r.Method {
		case http.MethodDelete:
			mc.archive(w, parts[1], parts[3])
		case http.MethodPut:
			mc.put(w, r, parts[1], parts[3])
		case http.MethodGet:
			mc.get(w, parts[1], parts[3])
		default:
			mcProblem(w, http.StatusMethodNotAllowed, "Method Not Allowed", "The requested method and resource are not compatible.")
		}
	default:
		mcProblem(w, http.StatusNotFound, "Resource Not Found", "The requested resource could not be found.")
	}
}

type mcBatchMember struct {
	EmailAddress string            `json:"email_address"`
	Status       string            `json:"status"`
	StatusIfNew  string            `json:"status_if_new"`
	MergeFields  map[string]string `json:"merge_fields"`
}

var mcEmail = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-z]{2,}$`)
var mcMergeTag = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,9}$`)

var mcStatuses = map[string]bool{"subscribed": true, "unsubscribed": true, "cleaned": true, "pending": true, "transactional": true}

// emailProblem returns why Mailchimp would refuse an address ("" when it is acceptable).
func mcEmailProblem(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	if !mcEmail.MatchString(e) || strings.HasSuffix(e, "@mailinator.com") || strings.HasPrefix(e, "test@") {
		return fmt.Sprintf("%s looks fake or invalid, please enter a real email address.", email)
	}
	return ""
}

func (m *MailchimpMember) wire(listID string) map[string]any {
	return map[string]any{"id": m.ID, "email_address": m.Email, "status": m.Status, "merge_fields": m.MergeFields,
		"tags_count": len(m.Tags), "list_id": listID}
}

// upsert applies one member change; it returns (member, created, error text).
func (mc *mailchimp) upsert(listID string, in mcBatchMember, updateExisting bool, statusIfNew bool) (*MailchimpMember, bool, string) {
	if in.EmailAddress == "" {
		return nil, false, "email_address is required"
	}
	if p := mcEmailProblem(in.EmailAddress); p != "" {
		return nil, false, p
	}
	status := in.Status
	if statusIfNew {
		status = in.StatusIfNew
	}
	if !mcStatuses[status] {
		return nil, false, fmt.Sprintf("Invalid status %q", status)
	}
	for k := range in.MergeFields {
		if !mcMergeTag.MatchString(k) {
			return nil, false, fmt.Sprintf("Invalid merge field %q", k)
		}
	}
	l := mc.list(listID)
	hash := MailchimpSubscriberHash(in.EmailAddress)
	if mc.forgotten[listID][hash] {
		return nil, false, fmt.Sprintf("%s was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.", in.EmailAddress)
	}
	m, exists := l[hash]
	if exists && !m.Archived {
		if !updateExisting {
			return nil, false, fmt.Sprintf("%s is already a list member. Use PUT to insert or update list members.", in.EmailAddress)
		}
		if !statusIfNew && status == "subscribed" && (m.Status == "unsubscribed" || m.Status == "cleaned") {
			return nil, false, fmt.Sprintf("%s is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.", in.EmailAddress)
		}
		if !statusIfNew && in.Status != "" {
			m.Status = status
		}
		for k, v := range in.MergeFields {
			m.MergeFields[k] = v
		}
		return m, false, ""
	}
	if exists { // archived: re-adding restores the contact
		if status == "subscribed" && (m.Status == "unsubscribed" || m.Status == "cleaned") {
			return nil, false, fmt.Sprintf("%s is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.", in.EmailAddress)
		}
		m.Archived = false
		m.Status = status
		for k, v := range in.MergeFields {
			m.MergeFields[k] = v
		}
		return m, false, ""
	}
	m = &MailchimpMember{ID: hash, Email: strings.TrimSpace(in.EmailAddress), Status: status, MergeFields: map[string]string{}}
	for k, v := range in.MergeFields {
		m.MergeFields[k] = v
	}
	l[hash] = m
	return m, true, ""
}

func (mc *mailchimp) batch(w http.ResponseWriter, r *http.Request, listID string) {
	var req struct {
		Members        []mcBatchMember `json:"members"`
		UpdateExisting bool            `json:"update_existing"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		mcProblem(w, http.StatusBadRequest, "JSON Schema Validation Failed", "The request body is not valid JSON: "+err.Error())
		return
	}
	if len(req.Members) > MailchimpMaxBatch {
		mcProblem(w, http.StatusBadRequest, "Invalid Resource",
			fmt.Sprintf("Schema describes array, the array must contain at most %d members; %d given.", MailchimpMaxBatch, len(req.Members)))
		return
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	newM, updM, errs := []any{}, []any{}, []any{}
	for _, in := range req.Members {
		m, created, problem := mc.upsert(listID, in, req.UpdateExisting, false)
		switch {
		case problem != "":
			code := "ERROR_GENERIC"
			if strings.Contains(problem, "already a list member") {
				code = "ERROR_CONTACT_EXISTS"
			}
			errs = append(errs, map[string]any{"email_address": in.EmailAddress, "error": problem, "error_code": code})
		case created:
			newM = append(newM, m.wire(listID))
		default:
			updM = append(updM, m.wire(listID))
		}
	}
	mcJSON(w, http.StatusOK, map[string]any{"new_members": newM, "updated_members": updM, "errors": errs,
		"total_created": len(newM), "total_updated": len(updM), "error_count": len(errs)})
}

func (mc *mailchimp) put(w http.ResponseWriter, r *http.Request, listID, hash string) {
	var in mcBatchMember
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		mcProblem(w, http.StatusBadRequest, "JSON Schema Validation Failed", "The request body is not valid JSON: "+err.Error())
		return
	}
	if MailchimpSubscriberHash(in.EmailAddress) != hash {
		mcProblem(w, http.StatusBadRequest, "Invalid Resource", "The subscriber hash does not match email_address.")
		return
	}
	if in.StatusIfNew == "" {
		mcProblem(w, http.StatusBadRequest, "Invalid Resource", "status_if_new is required.")
		return
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	m, _, problem := mc.upsert(listID, in, true, in.Status == "")
	if problem != "" {
		mcProblem(w, http.StatusBadRequest, "Invalid Resource", problem)
		return
	}
	mcJSON(w, http.StatusOK, m.wire(listID))
}

func (mc *mailchimp) get(w http.ResponseWriter, listID, hash string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	m := mc.lists[listID][hash]
	if m == nil || m.Archived {
		mcProblem(w, http.StatusNotFound, "Resource Not Found", "The requested resource could not be found.")
		return
	}
	mcJSON(w, http.StatusOK, m.wire(listID))
}

func (mc *mailchimp) tags(w http.ResponseWriter, r *http.Request, listID, hash string) {
	var req struct {
		Tags []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"tags"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		mcProblem(w, http.StatusBadRequest, "JSON Schema Validation Failed", "The request body is not valid JSON: "+err.Error())
		return
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	mc.tagCalls++
	m := mc.lists[listID][hash]
	if m == nil || m.Archived {
		mcProblem(w, http.StatusNotFound, "Resource Not Found", "The requested resource could not be found.")
		return
	}
	for _, t := range req.Tags {
		if t.Name == "" || len(t.Name) > 100 || (t.Status != "active" && t.Status != "inactive") {
			mcProblem(w, http.StatusBadRequest, "Invalid Resource", fmt.Sprintf("Invalid tag %q with status %q.", t.Name, t.Status))
			return
		}
	}
	set := map[string]bool{}
	for _, t := range m.Tags {
		set[t] = true
	}
	for _, t := range req.Tags {
		set[t.Name] = t.Status == "active"
	}
	m.Tags = m.Tags[:0]
	for t, on := range set {
		if on {
			m.Tags = append(m.Tags, t)
		}
	}
	sort.Strings(m.Tags)
	w.WriteHeader(http.StatusNoContent)
}

// deletePermanent erases a member for good: it leaves the list and cannot be re-imported.
func (mc *mailchimp) deletePermanent(w http.ResponseWriter, listID, hash string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.lists[listID][hash] == nil {
		mcProblem(w, http.StatusNotFound, "Resource Not Found", "The requested resource could not be found.")
		return
	}
	delete(mc.lists[listID], hash)
	if mc.forgotten[listID] == nil {
		mc.forgotten[listID] = map[string]bool{}
	}
	mc.forgotten[listID][hash] = true
	w.WriteHeader(http.StatusNoContent)
}

func (mc *mailchimp) archive(w http.ResponseWriter, listID, hash string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	m := mc.lists[listID][hash]
	if m == nil || m.Archived {
		mcProblem(w, http.StatusNotFound, "Resource Not Found", "The requested resource could not be found.")
		return
	}
	m.Archived = true
	w.WriteHeader(http.StatusNoContent)
}

// MailchimpMissingLists makes these audience ids unknown (404), as for a list id with a typo.
func (sb *Sandbox) MailchimpMissingLists(ids ...string) {
	v, _ := sb.vendors[Mailchimp].(*mailchimp)
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.missing == nil {
		v.missing = map[string]bool{}
	}
	for _, id := range ids {
		v.missing[id] = true
	}
}

// audience answers GET /lists/{id}: the audience with its member count (every id exists unless
// MailchimpMissingLists says otherwise).
func (mc *mailchimp) audience(w http.ResponseWriter, id string) {
	mc.mu.Lock()
	n, missing := len(mc.lists[id]), mc.missing[id]
	mc.mu.Unlock()
	if missing {
		mcProblem(w, http.StatusNotFound, "Resource Not Found", "The requested resource could not be found.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "name": "Sandbox audience " + id, "stats": map[string]any{"member_count": n}})
}
