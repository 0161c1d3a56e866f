// This file holds the HubSpot CRM v3 contacts imitation: list and search endpoints, the 10,000-result
// search cap, rate-limit headers and HubSpot's error and 429 bodies.
package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

func init() {
	register(HubSpot, func(sb *Sandbox) vendor {
		return &hubspotAPI{sb: sb, searchLimit: rate.NewLimiter(hubspotSearchRate, hubspotSearchRate)}
	})
}

// HubSpot imitation constants.
const (
	hubspotListMax     = 100    // max limit of the list endpoint
	hubspotSearchMax   = 200    // max limit of the search endpoint
	hubspotSearchCap   = 10000  // results reachable by paging one search
	hubspotDailyLimit  = 250000 // nominal daily allowance shown in headers
	hubspotNominalRate = 100    // per-second allowance shown in headers when no rate limit is set
	hubspotSearchRate  = 4      // search calls per second per token (HubSpot's own search limit)
)

// hubspotPathRE matches the contacts paths of /crm/v3 and of the date versions (/crm/objects/2026-03/...).
var hubspotPathRE = regexp.MustCompile(`^/crm/(?:v3/objects|objects/20\d\d-(?:03|09))/contacts(/search)?$`)

// hubspotDefaultProps are returned when a request names no properties.
var hubspotDefaultProps = []string{"firstname", "lastname", "email"}

// hubspotAPI imitates api.hubapi.com for contacts.
//
// Quirks: every property value is a string or null; unset requested properties come back as null;
// the list `after` token is a percent-encoded base64 string (accepted raw or encoded); search `after`
// is a numeric offset; paging past 10,000 search results is a 400; archived contacts only appear with
// archived=true; roughly one contact in seven carries its number in mobilephone instead of phone;
// hs_email_optout is "true" for opted-out contacts, "false" for subscribed ones and null otherwise.
// Every answer carries X-HubSpot-RateLimit-Daily/-Daily-Remaining/-Secondly/-Secondly-Remaining;
// when SetRateLimit is active the secondly pair reflects the enforced token bucket.
type hubspotAPI struct {
	sb *Sandbox

	mu     sync.Mutex
	recent []time.Time // request times within the trailing second (nominal headers)
	daily  int

	searchMu    sync.Mutex
	searchLimit *rate.Limiter // nil: search is not limited

	idxMu  sync.Mutex
	idxIDs []string // contact ids by position when byID was built
	byID   []int    // contact indexes sorted by id
}

type hubspotError struct {
	Status        string `json:"status"`
	Message       string `json:"message"`
	CorrelationID string `json:"correlationId"`
	Category      string `json:"category,omitempty"`
	ErrorType     string `json:"errorType,omitempty"`
	PolicyName    string `json:"policyName,omitempty"`
}

func (h *hubspotAPI) fail(w http.ResponseWriter, status int, category, msg string) {
	h.write(w, status, hubspotError{Status: "error", Message: msg, CorrelationID: hubspotCorrelation(), Category: category})
}

func (h *hubspotAPI) write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

var hubspotCorr struct {
	sync.Mutex
	n int
}

func hubspotCorrelation() string {
	hubspotCorr.Lock()
	defer hubspotCorr.Unlock()
	hubspotCorr.n++
	return fmt.Sprintf("5b1c3a2e-0000-4000-8000-%012d", hubspotCorr.n)
}

// Throttle answers HubSpot's ten-secondly rolling limit: 429 with errorType RATE_LIMIT, no Retry-After.
func (h *hubspotAPI) Throttle(w http.ResponseWriter) {
	h.rateHeaders(w, true)
	h.write(w, http.StatusTooManyRequests, hubspotError{Status: "error",
		Message:       "You have reached your ten_secondly_rolling limit.",
		CorrelationID: hubspotCorrelation(), ErrorType: "RATE_LIMIT", PolicyName: "TEN_SECONDLY_ROLLING"})
}

func (h *hubspotAPI) allowSearch() bool {
	h.searchMu.Lock()
	defer h.searchMu.Unlock()
	return h.searchLimit == nil || h.searchLimit.Allow()
}

// SetHubSpotSearchLimit sets the HubSpot imitation's search limit in calls per second (default 4,
// HubSpot's; 0 removes it, for tests that page through many searches).
func (sb *Sandbox) SetHubSpotSearchLimit(rps float64) {
	h, ok := sb.vendors[HubSpot].(*hubspotAPI)
	if !ok {
		return
	}
	h.searchMu.Lock()
	defer h.searchMu.Unlock()
	h.searchLimit = nil
	if rps > 0 {
		h.searchLimit = rate.NewLimiter(rate.Limit(rps), max(1, int(rps)))
	}
}

// rateHeaders writes the usage headers; throttled forces the secondly remaining count to 0.
func (h *hubspotAPI) rateHeaders(w http.ResponseWriter, throttled bool) {
	now := time.Now()
	h.mu.Lock()
	h.daily++
	keep := h.recent[:0]
	for _, t := range h.recent {
		if now.Sub(t) < time.Second {
			keep = append(keep, t)
		}
	}
	h.recent = append(keep, now)
	secondly, remaining := hubspotNominalRate, hubspotNominalRate-len(h.recent)
	daily := h.daily
	h.mu.Unlock()

	h.sb.mu.RLock()
	lim := h.sb.limits[HubSpot]
	h.sb.mu.RUnlock()
	if lim != nil {
		secondly = int(math.Ceil(float64(lim.Limit())))
		remaining = int(math.Floor(lim.Tokens()))
	}
	if throttled || remaining < 0 {
		remaining = 0
	}
	hd := w.Header()
	hd.Set("X-HubSpot-RateLimit-Daily", strconv.Itoa(hubspotDailyLimit))
	hd.Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(max(0, hubspotDailyLimit-daily)))
	hd.Set("X-HubSpot-RateLimit-Secondly", strconv.Itoa(secondly))
	hd.Set("X-HubSpot-RateLimit-Secondly-Remaining", strconv.Itoa(remaining))
}

func (h *hubspotAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.rateHeaders(w, false)
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch h.sb.TokenState(strings.TrimSpace(token)) {
	case TokenExpired:
		h.fail(w, http.StatusUnauthorized, "EXPIRED_AUTHENTICATION", "The OAuth token used to make this call expired 12 second(s) ago.")
		return
	case TokenInvalid:
		h.fail(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
			"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview")
		return
	}
	m := hubspotPathRE.FindStringSubmatch(r.URL.Path)
	switch {
	case m != nil && m[1] == "" && r.Method == http.MethodGet:
		h.list(w, r)
	case m != nil && m[1] == "/search" && r.Method == http.MethodPost:
		if !h.allowSearch() {
			h.write(w, http.StatusTooManyRequests, hubspotError{Status: "error", Message: "You have reached your secondly limit.",
				CorrelationID: hubspotCorrelation(), ErrorType: "RATE_LIMIT", PolicyName: "SECONDLY"})
			if st := h.sb.stats[HubSpot]; st != nil {
				st.Throttled.Add(1)
			}
			return
		}
		h.search(w, r)
	default:
		h.fail(w, http.StatusNotFound, "OBJECT_NOT_FOUND", fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
	}
}

type hubspotObject struct {
	ID         string             `json:"id"`
	Properties map[string]*string `json:"properties"`
	CreatedAt  string             `json:"createdAt"`
	UpdatedAt  string             `json:"updatedAt"`
	Archived   bool               `json:"archived"`
	ArchivedAt string             `json:"archivedAt,omitempty"`
}

type hubspotPaging struct {
	Next *struct {
		After string `json:"after"`
		Link  string `json:"link,omitempty"`
	} `json:"next,omitempty"`
}

func hubspotTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func hubspotStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// hubspotProp returns one property of a contact as HubSpot renders it (nil for null).
func hubspotProp(c *Contact, name string) *string {
	mobileOnly := false
	if n, err := strconv.Atoi(c.ID); err == nil && n%7 == 3 {
		mobileOnly = true // some portals hold the only number as mobile
	}
	switch name {
	case "email":
		return hubspotStr(c.Email)
	case "firstname":
		return hubspotStr(c.FirstName)
	case "lastname":
		return hubspotStr(c.LastName)
	case "phone":
		if mobileOnly {
			return nil
		}
		return hubspotStr(c.Phone)
	case "mobilephone":
		if !mobileOnly {
			return nil
		}
		return hubspotStr(c.Phone)
	case "date_of_birth":
		return hubspotStr(c.BirthDate)
	case "gender":
		return hubspotStr(c.Gender)
	case "address":
		return hubspotStr(c.Address.Line1)
	case "city":
		return hubspotStr(c.Address.City)
	case "state":
		return hubspotStr(c.Address.Region)
	case "zip":
		return hubspotStr(c.Address.Postcode)
	case "country":
		return hubspotStr(c.Address.Country)
	case "createdate":
		return hubspotStr(hubspotTime(c.CreatedAt))
	case "lastmodifieddate":
		return hubspotStr(hubspotTime(c.UpdatedAt))
	case "hs_object_id":
		return hubspotStr(c.ID)
	case "hs_email_optout":
		switch c.EmailConsent {
		case "unsubscribed":
			return hubspotStr("true")
		case "subscribed":
			return hubspotStr("false")
		}
	}
	return nil // unknown or unset requested properties are null
}

// hubspotRender turns a contact into a HubSpot object with the requested properties.
func hubspotRender(c *Contact, props []string) hubspotObject {
	out := hubspotObject{ID: c.ID, Properties: make(map[string]*string, len(props)+3), CreatedAt: hubspotTime(c.CreatedAt),
		UpdatedAt: hubspotTime(c.UpdatedAt), Archived: c.Archived}
	if c.Archived {
		out.ArchivedAt = hubspotTime(c.UpdatedAt)
	}
	for _, p := range props {
		out.Properties[p] = hubspotProp(c, p)
	}
	for _, p := range []string{"createdate", "lastmodifieddate", "hs_object_id"} {
		out.Properties[p] = hubspotProp(c, p)
	}
	return out
}

// idOrderLess orders vendor ids numerically when both are digit strings, else as strings.
func idOrderLess(a, b string) bool {
	if idDigits(a) && idDigits(b) {
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return len(a) < len(b)
		}
	}
	return a < b
}

func idDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// sortedByID returns contact indexes ordered by id, cached while the dataset holds the same ids at
// the same positions (checked cheaply: unchanged strings compare by pointer).
func (h *hubspotAPI) sortedByID(cs []Contact) []int {
	h.idxMu.Lock()
	defer h.idxMu.Unlock()
	if len(cs) == len(h.idxIDs) {
		same := true
		for i := range cs {
			if cs[i].ID != h.idxIDs[i] {
				same = false
				break
			}
		}
		if same {
			return h.byID
		}
	}
	idx := make([]int, len(cs))
	ids := make([]string, len(cs))
	for i := range idx {
		idx[i], ids[i] = i, cs[i].ID
	}
	sort.Slice(idx, func(a, b int) bool { return idOrderLess(cs[idx[a]].ID, cs[idx[b]].ID) })
	h.byID, h.idxIDs = idx, ids
	return idx
}

func hubspotProps(q url.Values) []string {
	var props []string
	for _, v := range q["properties"] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				props = append(props, p)
			}
		}
	}
	if len(props) == 0 {
		props = hubspotDefaultProps
	}
	return props
}

func (h *hubspotAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > hubspotListMax {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("limit must be between 1 and %d, got %q", hubspotListMax, v))
			return
		}
		limit = n
	}
	archived := q.Get("archived") == "true"
	afterID := ""
	if a := q.Get("after"); a != "" {
		if strings.Contains(a, "%") { // the token as printed in paging.next.after, sent verbatim
			if u, err := url.QueryUnescape(a); err == nil {
				a = u
			}
		}
		raw, err := base64.StdEncoding.DecodeString(a)
		if err != nil || strings.TrimSpace(string(raw)) == "" {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("invalid paging cursor after=%q", q.Get("after")))
			return
		}
		afterID = strings.TrimSpace(string(raw))
	}
	props := hubspotProps(q)

	ds, release := h.sb.Data()
	defer release()
	cs := ds.Sources[HubSpot].Contacts
	var results []hubspotObject
	more := false
	idx := h.sortedByID(cs)
	start := 0
	if afterID != "" {
		start = sort.Search(len(idx), func(i int) bool { return idOrderLess(afterID, cs[idx[i]].ID) })
	}
	for _, i := range idx[start:] {
		c := &cs[i]
		if c.Archived != archived {
			continue
		}
		if len(results) == limit {
			more = true
			break
		}
		results = append(results, hubspotRender(c, props))
	}
	resp := struct {
		Results []hubspotObject `json:"results"`
		Paging  *hubspotPaging  `json:"paging,omitempty"`
	}{Results: results}
	if resp.Results == nil {
		resp.Results = []hubspotObject{}
	}
	if more {
		tok := url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(results[len(results)-1].ID + "\n")))
		resp.Paging = &hubspotPaging{}
		resp.Paging.Next = &struct {
			After string `json:"after"`
			Link  string `json:"link,omitempty"`
		}{After: tok, Link: "?after=" + tok}
	}
	h.write(w, http.StatusOK, resp)
}

type hubspotSearchRequest struct {
	FilterGroups []struct {
		Filters []struct {
			PropertyName string          `json:"propertyName"`
			Operator     string          `json:"operator"`
			Value        json.RawMessage `json:"value"`
		} `json:"filters"`
	} `json:"filterGroups"`
	Sorts []struct {
		PropertyName string `json:"propertyName"`
		Direction    string `json:"direction"`
	} `json:"sorts"`
	Properties []string        `json:"properties"`
	Limit      int             `json:"limit"`
	After      json.RawMessage `json:"after"`
}

// hubspotFilterTime parses a filter value: epoch milliseconds (string or number) or an ISO datetime.
func hubspotFilterTime(raw json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return time.Time{}, fmt.Errorf("value %s is neither a string nor a number", raw)
		}
		s = n.String()
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("value %q is not epoch milliseconds or an ISO-8601 datetime", s)
}

func (h *hubspotAPI) search(w http.ResponseWriter, r *http.Request) {
	var req hubspotSearchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid input JSON: "+err.Error())
		return
	}
	if req.Limit == 0 {
		req.Limit = 10
	}
	if req.Limit < 1 || req.Limit > hubspotSearchMax {
		h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("limit must be between 1 and %d", hubspotSearchMax))
		return
	}
	offset := 0
	if len(req.After) > 0 && string(req.After) != "null" {
		var s string
		if err := json.Unmarshal(req.After, &s); err != nil {
			s = string(req.After)
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("after must be a non-negative integer, got %s", req.After))
			return
		}
		offset = n
	}
	if offset+req.Limit > hubspotSearchCap {
		h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR",
			fmt.Sprintf("Paging beyond %d results is not supported for search (after=%d, limit=%d).", hubspotSearchCap, offset, req.Limit))
		return
	}
	type cond struct {
		op string
		t  time.Time
	}
	var groups [][]cond
	for _, g := range req.FilterGroups {
		var conds []cond
		for _, f := range g.Filters {
			if f.PropertyName != "lastmodifieddate" && f.PropertyName != "hs_lastmodifieddate" {
				h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("sandbox supports filters on lastmodifieddate only, got %q", f.PropertyName))
				return
			}
			t, err := hubspotFilterTime(f.Value)
			if err != nil {
				h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", "lastmodifieddate filter: "+err.Error())
				return
			}
			switch f.Operator {
			case "GTE", "GT", "LTE", "LT", "EQ":
			default:
				h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("operator %q not supported on lastmodifieddate", f.Operator))
				return
			}
			conds = append(conds, cond{f.Operator, t.Truncate(time.Millisecond)})
		}
		groups = append(groups, conds)
	}
	match := func(c *Contact) bool {
		if len(groups) == 0 {
			return true
		}
		ts := c.UpdatedAt.Truncate(time.Millisecond)
	group:
		for _, g := range groups { // groups are ORed, filters inside a group ANDed
			for _, f := range g {
				ok := map[string]bool{"GTE": !ts.Before(f.t), "GT": ts.After(f.t), "LTE": !ts.After(f.t),
					"LT": ts.Before(f.t), "EQ": ts.Equal(f.t)}[f.op]
				if !ok {
					continue group
				}
			}
			return true
		}
		return false
	}
	desc := false
	byModified := false
	for _, s := range req.Sorts {
		switch s.PropertyName {
		case "lastmodifieddate", "hs_lastmodifieddate":
			byModified, desc = true, s.Direction == "DESCENDING"
		case "hs_object_id":
			desc = s.Direction == "DESCENDING"
		default:
			h.fail(w, http.StatusBadRequest, "VALIDATION_ERROR", fmt.Sprintf("sandbox cannot sort by %q", s.PropertyName))
			return
		}
	}
	props := req.Properties
	if len(props) == 0 {
		props = hubspotDefaultProps
	}

	ds, release := h.sb.Data()
	defer release()
	cs := ds.Sources[HubSpot].Contacts
	var hits []*Contact
	for i := range cs {
		if !cs[i].Archived && match(&cs[i]) {
			hits = append(hits, &cs[i])
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if desc {
			a, b = b, a
		}
		if byModified {
			ta, tb := a.UpdatedAt.Truncate(time.Millisecond), b.UpdatedAt.Truncate(time.Millisecond)
			if !ta.Equal(tb) {
				return ta.Before(tb)
			}
		}
		return idOrderLess(a.ID, b.ID)
	})
	resp := struct {
		Total   int             `json:"total"`
		Results []hubspotObject `json:"results"`
		Paging  *hubspotPaging  `json:"paging,omitempty"`
	}{Total: len(hits), Results: []hubspotObject{}}
	end := min(offset+req.Limit, len(hits))
	for i := offset; i < end; i++ {
		resp.Results = append(resp.Results, hubspotRender(hits[i], props))
	}
	if end < len(hits) {
		resp.Paging = &hubspotPaging{}
		resp.Paging.Next = &struct {
			After string `json:"after"`
			Link  string `json:"link,omitempty"`
		}{After: strconv.Itoa(end)}
	}
	h.write(w, http.StatusOK, resp)
}
