// This file holds the Salesforce REST query imitation: a small SOQL subset over Contact, server-side
// query locators for nextRecordsUrl paging, Sforce-Limit-Info and Salesforce's JSON-array errors.
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
	"time"
)

func init() {
	register(Salesforce, func(sb *Sandbox) vendor { return &salesforceAPI{sb: sb, locators: map[string]*sfLocator{}} })
}

// Salesforce imitation constants.
const (
	sfDailyLimit     = 15000
	sfDefaultBatch   = 2000
	sfMinBatch       = 200
	sfMaxLocators    = 10 // open query cursors per user; the oldest is dropped beyond this
	sfLocatorIdleTTL = 15 * time.Minute
)

// salesforceAPI imitates https://{domain}.my.salesforce.com/services/data/vXX.X/query.
//
// Quirks: a query snapshots the matching ids behind a server-side locator and later pages read
// /services/data/vXX.X/query/01gSB<n>-<offset>; at most 10 locators stay open (the least recently
// used is dropped) and idle ones expire after 15 minutes, after which the URL answers 400
// INVALID_QUERY_LOCATOR; the batch size honours `Sforce-Query-Options: batchSize=N` clamped to
// 200..2000 (default 2000); /query hides deleted (archived) rows, /queryAll shows them with IsDeleted;
// datetimes look like 2013-05-20T20:49:32.000+0000; unset fields are null; errors are JSON arrays;
// the rate-limit answer is 403 REQUEST_LIMIT_EXCEEDED with no Retry-After. Every answer carries
// Sforce-Limit-Info: api-usage=N/15000. Roughly one contact in five keeps its number in MobilePhone
// instead of Phone.
type salesforceAPI struct {
	sb *Sandbox

	mu       sync.Mutex
	used     int
	seq      int
	locators map[string]*sfLocator
}

type sfLocator struct {
	ids      []string
	fields   []string
	batch    int
	lastUsed time.Time
}

type sfError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

// ExpireSalesforceLocators drops every open Salesforce query locator, as Salesforce does after 15
// idle minutes, so tests can exercise a resume whose nextRecordsUrl is no longer valid.
func (sb *Sandbox) ExpireSalesforceLocators() {
	if v, ok := sb.vendors[Salesforce].(*salesforceAPI); ok {
		v.mu.Lock()
		clear(v.locators)
		v.mu.Unlock()
	}
}

func (s *salesforceAPI) write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *salesforceAPI) fail(w http.ResponseWriter, status int, code, msg string) {
	s.write(w, status, []sfError{{Message: msg, ErrorCode: code}})
}

func (s *salesforceAPI) usage(w http.ResponseWriter) {
	s.mu.Lock()
	s.used++
	n := s.used
	s.mu.Unlock()
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", n, sfDailyLimit))
}

// Throttle answers Salesforce's API request limit: 403 REQUEST_LIMIT_EXCEEDED, no Retry-After.
func (s *salesforceAPI) Throttle(w http.ResponseWriter) {
	s.mu.Lock()
	n := s.used
	s.mu.Unlock()
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", n, sfDailyLimit))
	s.fail(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
}

var (
	sfPathRE  = regexp.MustCompile(`^/services/data/(v\d+\.\d)/(query|queryAll)(?:/(01gSB\d+)-(\d+))?/?$`)
	sfQueryRE = regexp.MustCompile(`(?is)^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$`)
)

// sfFields are the Contact fields the imitation knows, by lowercase name.
var sfFields = func() map[string]string {
	m := map[string]string{}
	for _, f := range []string{"Id", "AccountId", "Name", "FirstName", "LastName", "Email", "Phone", "MobilePhone",
		"Birthdate", "HasOptedOutOfEmail", "DoNotCall", "IsEmailBounced", "IsDeleted", "CreatedDate",
		"LastModifiedDate", "SystemModstamp", "MailingStreet", "MailingCity", "MailingState",
		"MailingPostalCode", "MailingCountry"} {
		m[strings.ToLower(f)] = f
	}
	return m
}()

func sfTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }

// sfValue returns a contact field's JSON value (nil for null).
func sfValue(c *Contact, field string) any {
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	mobile := false
	if n, err := strconv.Atoi(strings.TrimPrefix(c.ID, "003SB")); err == nil && n%5 == 2 {
		mobile = true
	}
	switch field {
	case "Id":
		return c.ID
	case "AccountId":
		return nil
	case "Name":
		return strings.TrimSpace(c.FirstName + " " + c.LastName)
	case "FirstName":
		return str(c.FirstName)
	case "LastName":
		return str(c.LastName)
	case "Email":
		return str(c.Email)
	case "Phone":
		if mobile {
			return nil
		}
		return str(c.Phone)
	case "MobilePhone":
		if !mobile {
			return nil
		}
		return str(c.Phone)
	case "Birthdate":
		if _, err := time.Parse("2006-01-02", c.BirthDate); err != nil {
			return nil // a date field holds dates only
		}
		return c.BirthDate
	case "HasOptedOutOfEmail":
		return c.EmailConsent == "unsubscribed"
	case "DoNotCall":
		return c.SMSConsent == "unsubscribed"
	case "IsEmailBounced":
		return false
	case "IsDeleted":
		return c.Archived
	case "CreatedDate":
		return sfTime(c.CreatedAt)
	case "LastModifiedDate", "SystemModstamp":
		return sfTime(c.UpdatedAt)
	case "MailingStreet":
		return str(c.Address.Line1)
	case "MailingCity":
		return str(c.Address.City)
	case "MailingState":
		return str(c.Address.Region)
	case "MailingPostalCode":
		return str(c.Address.Postcode)
	case "MailingCountry":
		return str(c.Address.Country)
	}
	return nil
}

// sfCompare orders two values of one field; datetimes by instant, booleans false first.
func sfCompare(c *Contact, d *Contact, field string) int {
	switch field {
	case "CreatedDate":
		return c.CreatedAt.Truncate(time.Millisecond).Compare(d.CreatedAt.Truncate(time.Millisecond))
	case "LastModifiedDate", "SystemModstamp":
		return c.UpdatedAt.Truncate(time.Millisecond).Compare(d.UpdatedAt.Truncate(time.Millisecond))
	}
	a, b := fmt.Sprint(sfValue(c, field)), fmt.Sprint(sfValue(d, field))
	return strings.Compare(a, b)
}

func (s *salesforceAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.usage(w)
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		token, _ = strings.CutPrefix(auth, "OAuth ")
	}
	if s.sb.TokenState(strings.TrimSpace(token)) != TokenValid { // expired and unknown sessions look alike
		s.fail(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		return
	}
	if strings.TrimSuffix(r.URL.Path, "/") == "/services/data" && r.Method == http.MethodGet {
		s.write(w, http.StatusOK, sfVersions())
		return
	}
	m := sfPathRE.FindStringSubmatch(r.URL.Path)
	if m == nil || r.Method != http.MethodGet || !sfLiveVersion(m[1]) {
		s.fail(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	version, all, locator := m[1], m[2] == "queryAll", m[3]
	if locator != "" {
		offset, _ := strconv.Atoi(m[4])
		s.page(w, version, locator, offset)
		return
	}
	s.query(w, r, version, all)
}

// The imitation serves API versions 31.0 (the oldest live since Summer '25 retired 21.0-30.0) to
// 68.0 (Winter '27).
const sfOldest, sfNewest = 31, 68

func sfLiveVersion(v string) bool {
	n, err := strconv.ParseFloat(strings.TrimPrefix(v, "v"), 64)
	return err == nil && n >= sfOldest && n <= sfNewest
}

// sfVersions is GET /services/data: every live version, oldest first.
func sfVersions() []map[string]string {
	var out []map[string]string
	for n := sfOldest; n <= sfNewest; n++ {
		out = append(out, map[string]string{"label": "Release " + strconv.Itoa(n), "url": fmt.Sprintf("/services/data/v%d.0", n),
			"version": fmt.Sprintf("%d.0", n)})
	}
	return out
}

// sfFilter is a compiled WHERE clause.
type sfFilter func(*Contact) bool

// sfQueryError is a SOQL error answered as 400 with its errorCode.
type sfQueryError struct{ code, msg string }

func (e *sfQueryError) Error() string { return e.code + ": " + e.msg }

// sfWhere parses the WHERE subset: comparisons (= != > >= < <=), [NOT] IN (...) lists, AND, OR,
// NOT and parentheses, over the known Contact fields.
type sfWhere struct {
	toks []string
	pos  int
}

var sfTokenRE = regexp.MustCompile(`\s*('(?:[^'\\]|\\.)*'|>=|<=|!=|=|>|<|\(|\)|,|[^\s(),'=<>!]+)`)

func sfCompileWhere(where string) (sfFilter, error) {
	p := &sfWhere{}
	rest := where
	for strings.TrimSpace(rest) != "" {
		m := sfTokenRE.FindStringSubmatchIndex(rest)
		if m == nil || m[0] != 0 {
			return nil, &sfQueryError{"MALFORMED_QUERY", "unexpected token near: " + strings.TrimSpace(rest)}
		}
		p.toks = append(p.toks, rest[m[2]:m[3]])
		rest = rest[m[1]:]
	}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, &sfQueryError{"MALFORMED_QUERY", "unexpected token: " + p.toks[p.pos]}
	}
	return f, nil
}

func (p *sfWhere) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *sfWhere) next() string { t := p.peek(); p.pos++; return t }

func (p *sfWhere) or() (sfFilter, error) {
	left, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "OR") {
		p.next()
		var right sfFilter
		if right, err = p.and(); err == nil {
			l := left
			left = func(c *Contact) bool { return l(c) || right(c) }
		}
	}
	return left, err
}

func (p *sfWhere) and() (sfFilter, error) {
	left, err := p.unary()
	for err == nil && strings.EqualFold(p.peek(), "AND") {
		p.next()
		var right sfFilter
		if right, err = p.unary(); err == nil {
			l := left
			left = func(c *Contact) bool { return l(c) && right(c) }
		}
	}
	return left, err
}

func (p *sfWhere) unary() (sfFilter, error) {
	switch t := p.peek(); {
	case strings.EqualFold(t, "NOT"):
		p.next()
		f, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(c *Contact) bool { return !f(c) }, nil
	case t == "(":
		p.next()
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, &sfQueryError{"MALFORMED_QUERY", "missing )"}
		}
		return f, nil
	}
	return p.cond()
}

// sfLiteral is a parsed right-hand value, compared with a contact's field value.
type sfLiteral struct {
	t      time.Time
	isTime bool
	s      string
}

func (p *sfWhere) literal(field string) (sfLiteral, error) {
	tok := p.next()
	switch field {
	case "CreatedDate", "LastModifiedDate", "SystemModstamp":
		t, ok := sfParseDateTime(tok)
		if !ok {
			return sfLiteral{}, &sfQueryError{"INVALID_QUERY_FILTER_OPERATOR",
				fmt.Sprintf("value of filter criterion for field '%s' must be of type dateTime and should not be enclosed in quotes", field)}
		}
		return sfLiteral{t: t, isTime: true}, nil
	case "HasOptedOutOfEmail", "DoNotCall", "IsEmailBounced", "IsDeleted":
		return sfLiteral{s: strings.ToLower(tok)}, nil
	}
	if len(tok) < 2 || tok[0] != '\'' || tok[len(tok)-1] != '\'' {
		if strings.EqualFold(tok, "null") {
			return sfLiteral{s: "<nil>"}, nil
		}
		return sfLiteral{}, &sfQueryError{"MALFORMED_QUERY", fmt.Sprintf("value for %s must be a quoted string, got %s", field, tok)}
	}
	return sfLiteral{s: strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(tok[1 : len(tok)-1])}, nil
}

func sfCompareLiteral(c *Contact, field string, v sfLiteral) int {
	if v.isTime {
		t := c.CreatedAt
		if field != "CreatedDate" {
			t = c.UpdatedAt
		}
		return t.Truncate(time.Millisecond).Compare(v.t)
	}
	return strings.Compare(fmt.Sprint(sfValue(c, field)), v.s)
}

func (p *sfWhere) cond() (sfFilter, error) {
	tok := p.next()
	field, ok := sfFields[strings.ToLower(tok)]
	if !ok {
		return nil, &sfQueryError{"INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity 'Contact'.", tok)}
	}
	negate := false
	if strings.EqualFold(p.peek(), "NOT") {
		p.next()
		negate = true
	}
	if strings.EqualFold(p.peek(), "IN") {
		p.next()
		if p.next() != "(" {
			return nil, &sfQueryError{"MALFORMED_QUERY", "IN needs a parenthesized list"}
		}
		var vals []sfLiteral
		for {
			v, err := p.literal(field)
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
			if sep := p.next(); sep == ")" {
				break
			} else if sep != "," {
				return nil, &sfQueryError{"MALFORMED_QUERY", "expected , or ) in IN list"}
			}
		}
		return func(c *Contact) bool {
			for _, v := range vals {
				if sfCompareLiteral(c, field, v) == 0 {
					return !negate
				}
			}
			return negate
		}, nil
	}
	if negate {
		return nil, &sfQueryError{"MALFORMED_QUERY", "NOT must precede IN here"}
	}
	op := p.next()
	switch op {
	case "=", "!=", ">", ">=", "<", "<=":
	default:
		return nil, &sfQueryError{"MALFORMED_QUERY", fmt.Sprintf("unexpected operator %q after %s", op, field)}
	}
	v, err := p.literal(field)
	if err != nil {
		return nil, err
	}
	return func(c *Contact) bool {
		cmp := sfCompareLiteral(c, field, v)
		switch op {
		case "=":
			return cmp == 0
		case "!=":
			return cmp != 0
		case ">":
			return cmp > 0
		case ">=":
			return cmp >= 0
		case "<":
			return cmp < 0
		}
		return cmp <= 0
	}, nil
}

// sfParseDateTime accepts SOQL datetime literals: 2024-01-01T00:00:00Z, ...+01:00, with optional fraction.
func sfParseDateTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Truncate(time.Millisecond), true
		}
	}
	return time.Time{}, false
}

func (s *salesforceAPI) query(w http.ResponseWriter, r *http.Request, version string, all bool) {
	soql := r.URL.Query().Get("q")
	m := sfQueryRE.FindStringSubmatch(soql)
	if m == nil {
		s.fail(w, http.StatusBadRequest, "MALFORMED_QUERY", "unexpected token in query: "+soql)
		return
	}
	if !strings.EqualFold(m[2], "Contact") {
		s.fail(w, http.StatusBadRequest, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", m[2]))
		return
	}
	var fields []string
	for _, f := range strings.Split(m[1], ",") {
		name, ok := sfFields[strings.ToLower(strings.TrimSpace(f))]
		if !ok {
			s.fail(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity 'Contact'.", strings.TrimSpace(f)))
			return
		}
		fields = append(fields, name)
	}
	match := sfFilter(func(*Contact) bool { return true })
	if m[3] != "" {
		f, err := sfCompileWhere(m[3])
		if err != nil {
			qe := err.(*sfQueryError)
			s.fail(w, http.StatusBadRequest, qe.code, qe.msg)
			return
		}
		match = f
	}
	type order struct {
		field string
		desc  bool
	}
	var orders []order
	if m[4] != "" {
		for _, part := range strings.Split(m[4], ",") {
			words := strings.Fields(part)
			if len(words) == 0 {
				s.fail(w, http.StatusBadRequest, "MALFORMED_QUERY", "empty ORDER BY item")
				return
			}
			name, ok := sfFields[strings.ToLower(words[0])]
			if !ok {
				s.fail(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity 'Contact'.", words[0]))
				return
			}
			orders = append(orders, order{field: name, desc: len(words) > 1 && strings.EqualFold(words[1], "DESC")})
		}
	}
	limit := -1
	if m[5] != "" {
		limit, _ = strconv.Atoi(m[5])
	}
	batch := sfDefaultBatch
	if opt := r.Header.Get("Sforce-Query-Options"); opt != "" {
		for _, kv := range strings.Split(opt, ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && strings.EqualFold(k, "batchSize") {
				if n, err := strconv.Atoi(v); err == nil {
					batch = min(max(n, sfMinBatch), sfDefaultBatch)
				}
			}
		}
	}

	ds, release := s.sb.Data()
	var hits []*Contact
	cs := ds.Sources[Salesforce].Contacts
	for i := range cs {
		c := &cs[i]
		if c.Archived && !all {
			continue
		}
		if match(c) {
			hits = append(hits, c)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		for _, o := range orders {
			if d := sfCompare(hits[i], hits[j], o.field); d != 0 {
				return (d < 0) != o.desc
			}
		}
		return hits[i].ID < hits[j].ID
	})
	if limit >= 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	ids := make([]string, len(hits))
	for i, c := range hits {
		ids[i] = c.ID
	}
	release()

	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("01gSB%06d", s.seq)
	s.locators[id] = &sfLocator{ids: ids, fields: fields, batch: batch, lastUsed: time.Now()}
	for len(s.locators) > sfMaxLocators { // drop the least recently used cursor
		oldest := ""
		for k, l := range s.locators {
			if oldest == "" || l.lastUsed.Before(s.locators[oldest].lastUsed) {
				oldest = k
			}
		}
		delete(s.locators, oldest)
	}
	s.mu.Unlock()
	s.page(w, version, id, 0)
}

func (s *salesforceAPI) page(w http.ResponseWriter, version, id string, offset int) {
	s.mu.Lock()
	loc := s.locators[id]
	if loc != nil && time.Since(loc.lastUsed) > sfLocatorIdleTTL {
		delete(s.locators, id)
		loc = nil
	}
	if loc != nil {
		loc.lastUsed = time.Now()
	}
	s.mu.Unlock()
	if loc == nil || offset < 0 || offset > len(loc.ids) {
		s.fail(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	end := min(offset+loc.batch, len(loc.ids))

	ds, release := s.sb.Data()
	byID := map[string]*Contact{}
	cs := ds.Sources[Salesforce].Contacts
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
	}
	records := []map[string]any{}
	for _, cid := range loc.ids[offset:end] {
		c := byID[cid]
		if c == nil {
			continue // removed from the dataset since the query ran
		}
		rec := map[string]any{"attributes": map[string]string{"type": "Contact",
			"url": fmt.Sprintf("/services/data/%s/sobjects/Contact/%s", version, c.ID)}}
		for _, f := range loc.fields {
			rec[f] = sfValue(c, f)
		}
		records = append(records, rec)
	}
	release()

	resp := map[string]any{"totalSize": len(loc.ids), "done": end >= len(loc.ids), "records": records}
	if end < len(loc.ids) {
		resp["nextRecordsUrl"] = fmt.Sprintf("/services/data/%s/query/%s-%d", version, id, end)
	}
	s.write(w, http.StatusOK, resp)
}
