// This file holds the GA4 Data API imitation: runReport over the dataset's engagements, with property quotas.
package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the quota day is America/Los_Angeles wherever the sandbox runs
)

// GA4 quirks imitated here:
//   - `limit` and `offset` are int64 in the API, so they travel as JSON strings (numbers are
//     accepted too, as proto3 JSON parsing does);
//   - zero values are omitted from answers (proto3 JSON): an empty report has neither `rows` nor
//     `rowCount`;
//   - metric values are strings; users without the user property show up as one "(not set)" row;
//   - without orderBys rows come sorted by the first metric, descending;
//   - `propertyQuota` is returned when asked for with returnPropertyQuota;
//   - quota exhaustion is 429 RESOURCE_EXHAUSTED "Exhausted property tokens per hour/day ...":
//     tests arm it with GA4Quota / GA4DailyQuota; the generic rate-limit answer (Throttle, used by
//     SetRateLimit and injected 429s) is "Exhausted concurrent requests quota", a short-lived limit;
//   - errors are {"error":{"code","message","status"}}.
//
// The dataset's engagements carry no dates, so every valid date range returns the same rows.

// GA4CustomerDimension is the only dimension the imitated property has registered.
const GA4CustomerDimension = "customUser:crm_id"

// GA4 quota numbers of a standard property, and what one imitated request costs.
const (
	ga4TokensPerHour    = 40000
	ga4TokensPerDay     = 200000
	ga4TokensPerRequest = 10
)

func init() { register(GA4, func(sb *Sandbox) vendor { return &ga4Server{sb: sb} }) }

type ga4Server struct {
	sb *Sandbox

	mu sync.Mutex
	// hourLimit/dayLimit are how many requests the current hour/day allows (0 = the standard token quota).
	hourLimit, dayLimit int
	hourKey, dayKey     string
	hourUsed, dayUsed   int
}

// GA4Quota makes the GA4 imitation exhaust its hourly property quota after perHour successful
// requests in the current hour (0 restores the standard quota). It also forgets the requests already
// counted, as if a new hour had started.
func GA4Quota(sb *Sandbox, perHour int) {
	s := ga4Of(sb)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hourLimit, s.hourUsed = perHour, 0
}

// GA4DailyQuota does the same for the daily property quota (the day of America/Los_Angeles).
func GA4DailyQuota(sb *Sandbox, perDay int) {
	s := ga4Of(sb)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dayLimit, s.dayUsed = perDay, 0
}

// GA4ResetQuota empties the quota windows, as when the hour and day roll over.
func GA4ResetQuota(sb *Sandbox) {
	s := ga4Of(sb)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hourUsed, s.dayUsed = 0, 0
}

func ga4Of(sb *Sandbox) *ga4Server {
	s, ok := sb.Vendor(GA4).(*ga4Server)
	if !ok {
		panic("sandbox: the GA4 imitation is not running (add sandbox.GA4 to ServerOptions.Only)")
	}
	return s
}

var ga4LA = func() *time.Location {
	if loc, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		return loc
	}
	return time.FixedZone("PST", -8*3600)
}()

// ga4Quota counts one request against the windows; it returns the exhausted window ("hour", "day")
// or "" when the request may proceed, plus the usage after it.
func (s *ga4Server) ga4Quota(now time.Time) (exhausted string, hourUsed, dayUsed, hourCap, dayCap int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k := now.UTC().Format("2006-01-02T15"); k != s.hourKey {
		s.hourKey, s.hourUsed = k, 0
	}
	if k := now.In(ga4LA).Format("2006-01-02"); k != s.dayKey {
		s.dayKey, s.dayUsed = k, 0
	}
	hourCap, dayCap = ga4TokensPerHour/ga4TokensPerRequest, ga4TokensPerDay/ga4TokensPerRequest
	if s.hourLimit > 0 {
		hourCap = s.hourLimit
	}
	if s.dayLimit > 0 {
		dayCap = s.dayLimit
	}
	switch {
	case s.dayUsed >= dayCap:
		return "day", s.hourUsed, s.dayUsed, hourCap, dayCap
	case s.hourUsed >= hourCap:
		return "hour", s.hourUsed, s.dayUsed, hourCap, dayCap
	}
	s.hourUsed++
	s.dayUsed++
	return "", s.hourUsed, s.dayUsed, hourCap, dayCap
}

func ga4Error(w http.ResponseWriter, code int, status, message string) {
	data, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message, "status": status}})
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(code)
	_, _ = w.Write(data)
}

// GoogleAuthorized checks a Google access token and answers Google's refusal when it is expired
// (ACCESS_TOKEN_EXPIRED), unknown, or lacks scope (ACCESS_TOKEN_SCOPE_INSUFFICIENT).
func GoogleAuthorized(sb *Sandbox, w http.ResponseWriter, tok, scope string) bool {
	const msg = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	fail := func(code int, status, message, reason string) {
		data, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message, "status": status,
			"details": []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}}}})
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(code)
		_, _ = w.Write(data)
	}
	switch sb.TokenState(tok) {
	case TokenExpired:
		fail(http.StatusUnauthorized, "UNAUTHENTICATED", msg, "ACCESS_TOKEN_EXPIRED")
		return false
	case TokenInvalid:
		fail(http.StatusUnauthorized, "UNAUTHENTICATED", msg, "ACCESS_TOKEN_TYPE_UNSUPPORTED")
		return false
	}
	if scopes, issued := sb.TokenScopes(tok); issued && len(scopes) > 0 && !slices.Contains(scopes, scope) {
		fail(http.StatusForbidden, "PERMISSION_DENIED", "Request had insufficient authentication scopes.", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
		return false
	}
	return true
}

// Throttle answers GA4's short-lived limit: too many concurrent requests.
func (s *ga4Server) Throttle(w http.ResponseWriter) {
	ga4Error(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Exhausted concurrent requests quota.")
}

var ga4PathRE = regexp.MustCompile(`^/v1beta/properties/([^/:]+):runReport$`)
var ga4MetadataRE = regexp.MustCompile(`^/v1beta/properties/([^/:]+)/metadata$`)

// metadata answers getMetadata: the property's dimensions (its one custom dimension) and metrics.
func (s *ga4Server) metadata(w http.ResponseWriter, property string) {
	if _, err := strconv.ParseUint(property, 10, 64); err != nil {
		ga4Error(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("Invalid property ID: %s. A numeric Property ID is required.", property))
		return
	}
	dims := []map[string]any{{"apiName": GA4CustomerDimension, "uiName": "crm_id", "customDefinition": true, "category": "User"},
		{"apiName": "date", "uiName": "Date"}}
	var metrics []map[string]any
	for _, name := range slices.Sorted(maps.Keys(ga4Metrics)) {
		metrics = append(metrics, map[string]any{"apiName": name, "type": "TYPE_INTEGER"})
	}
	data, _ := json.Marshal(map[string]any{"name": "properties/" + property + "/metadata", "dimensions": dims, "metrics": metrics})
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_, _ = w.Write(data)
}

// ga4Int is an int64 as proto3 JSON accepts it: a string or a number.
type ga4Int struct {
	set bool
	v   int64
}

func (i *ga4Int) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("invalid int64 value %s", b)
	}
	i.set, i.v = true, n
	return nil
}

type ga4Request struct {
	DateRanges []struct {
		StartDate string `json:"startDate"`
		EndDate   string `json:"endDate"`
	} `json:"dateRanges"`
	Dimensions []struct {
		Name string `json:"name"`
	} `json:"dimensions"`
	Metrics []struct {
		Name string `json:"name"`
	} `json:"metrics"`
	Limit    ga4Int `json:"limit"`
	Offset   ga4Int `json:"offset"`
	OrderBys []struct {
		Desc      bool `json:"desc"`
		Dimension *struct {
			DimensionName string `json:"dimensionName"`
		} `json:"dimension"`
		Metric *struct {
			MetricName string `json:"metricName"`
		} `json:"metric"`
	} `json:"orderBys"`
	ReturnPropertyQuota bool `json:"returnPropertyQuota"`
}

var ga4Metrics = map[string]func(Engagement) int64{
	"sessions":           func(e Engagement) int64 { return e.Sessions },
	"addToCarts":         func(e Engagement) int64 { return e.AddToCarts },
	"ecommercePurchases": func(e Engagement) int64 { return e.Purchases },
	"transactions":       func(e Engagement) int64 { return e.Purchases },
	"activeUsers":        func(Engagement) int64 { return 1 },
}

var ga4DateRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}|today|yesterday|\d+daysAgo)$`)

// ga4Date resolves a date expression in the property's time zone.
func ga4Date(expr string, now time.Time) (time.Time, bool) {
	today := now.In(ga4LA)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case expr == "today":
		return today, true
	case expr == "yesterday":
		return today.AddDate(0, 0, -1), true
	case strings.HasSuffix(expr, "daysAgo"):
		n, err := strconv.Atoi(strings.TrimSuffix(expr, "daysAgo"))
		return today.AddDate(0, 0, -n), err == nil
	}
	t, err := time.Parse("2006-01-02", expr)
	return t, err == nil
}

type ga4Row struct {
	ref     string
	metrics []int64
}

func (s *ga4Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	tok := strings.TrimPrefix(auth, "Bearer ")
	if !strings.HasPrefix(auth, "Bearer ") || !GoogleAuthorized(s.sb, w, tok, "https://www.googleapis.com/auth/analytics.readonly") {
		return
	}
	if mm := ga4MetadataRE.FindStringSubmatch(r.URL.Path); mm != nil && r.Method == http.MethodGet {
		s.metadata(w, mm[1])
		return
	}
	m := ga4PathRE.FindStringSubmatch(r.URL.Path)
	if m == nil {
		ga4Error(w, http.StatusNotFound, "NOT_FOUND", "The requested URL "+r.URL.Path+" was not found on this server.")
		return
	}
	if r.Method != http.MethodPost {
		ga4Error(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "Method "+r.Method+" not allowed.")
		return
	}
	if _, err := strconv.ParseUint(m[1], 10, 64); err != nil {
		ga4Error(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("Invalid property ID: %s. A numeric Property ID is required.", m[1]))
		return
	}
	var req ga4Request
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		ga4Error(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error())
		return
	}
	now := time.Now()
	if msg := ga4Validate(&req, now); msg != "" {
		ga4Error(w, http.StatusBadRequest, "INVALID_ARGUMENT", msg)
		return
	}
	exhausted, hourUsed, dayUsed, hourCap, dayCap := s.ga4Quota(now)
	switch exhausted {
	case "hour":
		s.sb.stats[GA4].Throttled.Add(1)
		ga4Error(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Exhausted property tokens per hour for this property. Refresh your property tokens quota by waiting for the next hour. To learn more, see https://developers.google.com/analytics/devguides/reporting/data/v1/quotas")
		return
	case "day":
		s.sb.stats[GA4].Throttled.Add(1)
		ga4Error(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Exhausted property tokens per day for this property. Refresh your property tokens quota by waiting for the next day. To learn more, see https://developers.google.com/analytics/devguides/reporting/data/v1/quotas")
		return
	}

	rows := s.rows(&req)
	limit := int64(10000)
	if req.Limit.set && req.Limit.v > 0 {
		limit = min(req.Limit.v, 250000)
	}
	offset := int64(0)
	if req.Offset.set {
		offset = req.Offset.v
	}
	out := map[string]any{
		"kind":             "analyticsData#runReport",
		"dimensionHeaders": []map[string]string{{"name": req.Dimensions[0].Name}},
		"metadata":         map[string]any{"currencyCode": "USD", "timeZone": "America/Los_Angeles"},
	}
	var mh []map[string]string
	for _, mt := range req.Metrics {
		mh = append(mh, map[string]string{"name": mt.Name, "type": "TYPE_INTEGER"})
	}
	out["metricHeaders"] = mh
	if len(rows) > 0 {
		out["rowCount"] = len(rows)
	}
	var page []map[string]any
	for i := offset; i < int64(len(rows)) && i < offset+limit; i++ {
		row := rows[i]
		var mv []map[string]string
		for _, v := range row.metrics {
			mv = append(mv, map[string]string{"value": strconv.FormatInt(v, 10)})
		}
		page = append(page, map[string]any{"dimensionValues": []map[string]string{{"value": row.ref}}, "metricValues": mv})
	}
	if len(page) > 0 {
		out["rows"] = page
	}
	if req.ReturnPropertyQuota {
		q := func(consumed, remaining int) map[string]int {
			o := map[string]int{}
			if consumed > 0 { // proto3 omits zero values
				o["consumed"] = consumed
			}
			if remaining > 0 {
				o["remaining"] = remaining
			}
			return o
		}
		out["propertyQuota"] = map[string]any{
			"tokensPerDay":                          q(ga4TokensPerRequest, (dayCap-dayUsed)*ga4TokensPerRequest),
			"tokensPerHour":                         q(ga4TokensPerRequest, (hourCap-hourUsed)*ga4TokensPerRequest),
			"concurrentRequests":                    q(0, 10),
			"serverErrorsPerProjectPerHour":         q(0, 10),
			"potentiallyThresholdedRequestsPerHour": q(0, 120),
			"tokensPerProjectPerHour":               q(ga4TokensPerRequest, (hourCap-hourUsed)*ga4TokensPerRequest*35/100),
		}
	}
	data, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// ga4Validate returns the INVALID_ARGUMENT message for a bad request, or "".
func ga4Validate(req *ga4Request, now time.Time) string {
	if len(req.Dimensions) != 1 || req.Dimensions[0].Name != GA4CustomerDimension {
		var names []string
		for _, d := range req.Dimensions {
			names = append(names, d.Name)
		}
		return fmt.Sprintf("Field %s is not a valid dimension. The sandbox property has one dimension, %s. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema",
			strings.Join(names, ","), GA4CustomerDimension)
	}
	if len(req.Metrics) == 0 {
		return "At least one metric is required."
	}
	for _, mt := range req.Metrics {
		if ga4Metrics[mt.Name] == nil {
			return fmt.Sprintf("Field %s is not a valid metric. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema", mt.Name)
		}
	}
	if len(req.DateRanges) == 0 {
		return "Must specify at least one date range."
	}
	for _, dr := range req.DateRanges {
		if !ga4DateRE.MatchString(dr.StartDate) || !ga4DateRE.MatchString(dr.EndDate) {
			return fmt.Sprintf("Invalid date range: startDate %q, endDate %q. Dates must be YYYY-MM-DD, NdaysAgo, yesterday, or today.", dr.StartDate, dr.EndDate)
		}
		start, ok1 := ga4Date(dr.StartDate, now)
		end, ok2 := ga4Date(dr.EndDate, now)
		if !ok1 || !ok2 {
			return fmt.Sprintf("Invalid date range: startDate %q, endDate %q.", dr.StartDate, dr.EndDate)
		}
		if start.After(end) {
			return fmt.Sprintf("Invalid date range: startDate %s is after endDate %s.", dr.StartDate, dr.EndDate)
		}
	}
	if req.Limit.set && req.Limit.v < 0 {
		return "limit must be positive."
	}
	if req.Offset.set && req.Offset.v < 0 {
		return "offset must be positive."
	}
	return ""
}

// rows builds the report: one row per engagement plus the "(not set)" row, ordered as asked.
func (s *ga4Server) rows(req *ga4Request) []ga4Row {
	ds, release := s.sb.Data()
	var rows []ga4Row
	notSet := ga4Row{ref: "(not set)", metrics: make([]int64, len(req.Metrics))}
	if sd := ds.Sources[GA4]; sd != nil {
		for i, e := range sd.Engagements {
			row := ga4Row{ref: e.CustomerRef}
			for j, mt := range req.Metrics {
				v := ga4Metrics[mt.Name](e)
				row.metrics = append(row.metrics, v)
				if i%3 == 0 { // anonymous traffic alongside the known users
					notSet.metrics[j] += v
				}
			}
			rows = append(rows, row)
		}
	}
	release()
	if len(rows) > 0 {
		rows = append(rows, notSet)
	}
	less := func(a, b ga4Row) bool { // default: first metric descending, then dimension
		if a.metrics[0] != b.metrics[0] {
			return a.metrics[0] > b.metrics[0]
		}
		return a.ref < b.ref
	}
	if len(req.OrderBys) > 0 {
		ob := req.OrderBys[0]
		metric := -1
		if ob.Metric != nil {
			for j, mt := range req.Metrics {
				if mt.Name == ob.Metric.MetricName {
					metric = j
				}
			}
		}
		less = func(a, b ga4Row) bool {
			if metric >= 0 && a.metrics[metric] != b.metrics[metric] {
				return (a.metrics[metric] < b.metrics[metric]) != ob.Desc
			}
			if a.ref != b.ref {
				return (a.ref < b.ref) != ob.Desc
			}
			return false
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
	return rows
}
