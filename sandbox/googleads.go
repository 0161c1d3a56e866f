// This file holds the Google Ads Customer Match imitation: offline user data jobs (create,
// addOperations with partial failure, run), the user lists they change, GoogleAdsFailure error
// bodies, and the 429 RESOURCE_EXHAUSTED quota answer with a retryDelay.
package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

func init() { register(GoogleAds, func(sb *Sandbox) vendor { return newGoogleAds(sb) }) }

// Limits the imitation enforces.
const (
	GoogleAdsMaxIdentifiersPerRequest = 100000
	GoogleAdsMaxIdentifiersPerUser    = 20
)

// GoogleAdsJob is one offline user data job as the imitation stores it.
type GoogleAdsJob struct {
	ResourceName    string
	UserList        string
	Status          string // PENDING | SUCCESS
	Operations      int    // operations accepted into the job
	FailedOps       int    // operations refused by partial failure
	LoginCustomerID string // the login-customer-id header of the create call
	ops             []gaOp
}

type gaOp struct {
	remove bool
	key    string
}

type googleAds struct {
	sb     *Sandbox
	mu     sync.Mutex
	seq    int
	jobs   map[string]*GoogleAdsJob
	order  []string
	lists  map[string]map[string]bool
	reject map[string]bool

	dm         map[string]map[string]*dmMember // Data Manager: list -> member key -> member
	dmRequests []*DataManagerRequest
	dmKnown    map[string]bool // lists that exist (nil: all)

	notAllowlisted bool // the developer token never used Customer Match before 2026-04-01
}

// GoogleAdsNotAllowlisted makes the legacy upload path refuse the developer token as Google does
// for new Customer Match adopters since 2026-04-01.
func (sb *Sandbox) GoogleAdsNotAllowlisted(on bool) {
	if ga := sb.googleAds(); ga != nil {
		ga.mu.Lock()
		ga.notAllowlisted = on
		ga.mu.Unlock()
	}
}

func newGoogleAds(sb *Sandbox) *googleAds {
	return &googleAds{sb: sb, jobs: map[string]*GoogleAdsJob{}, lists: map[string]map[string]bool{}, reject: map[string]bool{},
		dm: map[string]map[string]*dmMember{}}
}

func (sb *Sandbox) googleAds() *googleAds {
	v, _ := sb.vendors[GoogleAds].(*googleAds)
	return v
}

// GoogleAdsUserList returns the members of a user list (resource name
// "customers/{cid}/userLists/{id}"), each keyed by its hashed email, else hashed phone, else
// "address:" plus its address fields.
func (sb *Sandbox) GoogleAdsUserList(name string) map[string]bool {
	ga := sb.googleAds()
	if ga == nil {
		return nil
	}
	ga.mu.Lock()
	defer ga.mu.Unlock()
	out := map[string]bool{}
	for k := range ga.lists[name] {
		out[k] = true
	}
	for _, m := range ga.dm[name] { // members ingested through the Data Manager API, by every identifier
		for _, k := range m.keys {
			out[k] = true
		}
	}
	return out
}

// GoogleAdsJobs returns the jobs created, in creation order.
func (sb *Sandbox) GoogleAdsJobs() []GoogleAdsJob {
	ga := sb.googleAds()
	if ga == nil {
		return nil
	}
	ga.mu.Lock()
	defer ga.mu.Unlock()
	var out []GoogleAdsJob
	for _, n := range ga.order {
		j := *ga.jobs[n]
		j.ops = nil
		out = append(out, j)
	}
	return out
}

// GoogleAdsRejectHashes makes identifiers with these hashed values fail as malformed, so partial
// failure paths can be exercised with a client that hashes correctly.
func (sb *Sandbox) GoogleAdsRejectHashes(values ...string) {
	if ga := sb.googleAds(); ga != nil {
		ga.mu.Lock()
		for _, v := range values {
			ga.reject[v] = true
		}
		ga.mu.Unlock()
	}
}

const gaFailureType = "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure"

type gaErr struct {
	ErrorCode map[string]string `json:"errorCode"`
	Message   string            `json:"message"`
	Trigger   map[string]string `json:"trigger,omitempty"`
	Location  *gaLocation       `json:"location,omitempty"`
	Details   map[string]any    `json:"details,omitempty"`
}

type gaLocation struct {
	FieldPathElements []gaPath `json:"fieldPathElements"`
}

type gaPath struct {
	FieldName string `json:"fieldName"`
	Index     *int   `json:"index,omitempty"`
}

func gaIdx(i int) *int { return &i }

// Throttle answers with 429 RESOURCE_EXHAUSTED and a quotaErrorDetails retryDelay of 30s.
func (ga *googleAds) Throttle(w http.ResponseWriter) {
	gaFail(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Too many requests. Retry in 30 seconds.", gaErr{
		ErrorCode: map[string]string{"quotaError": "RESOURCE_EXHAUSTED"},
		Message:   "Too many requests. Retry in 30 seconds.",
		Details: map[string]any{"quotaErrorDetails": map[string]any{
			"rateScope": "DEVELOPER", "rateName": "Number of operations for basic access", "retryDelay": "30s"}},
	})
}

func gaFail(w http.ResponseWriter, status int, rpcStatus, msg string, errs ...gaErr) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": status, "message": msg, "status": rpcStatus,
		"details": []any{map[string]any{"@type": gaFailureType, "errors": errs, "requestId": "sandbox-request"}},
	}})
}

func gaJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

var gaVersion = regexp.MustCompile(`^/v\d+(/|$)`)
var gaHex = regexp.MustCompile(`^[0-9a-f]{64}$`)
var gaUserList = regexp.MustCompile(`^customers/(\d+)/userLists/(\d+)$`)

// gaSunset are the Google Ads API versions that no longer answer (v21 on 2026-08-05, v22 on 2026-10-07).
var gaSunset = regexp.MustCompile(`^/v(1\d|2[0-2])/`)

func (ga *googleAds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/v1/") {
		ga.serveDataManager(w, r)
		return
	}
	if gaSunset.MatchString(r.URL.Path) {
		gaFail(w, http.StatusNotFound, "NOT_FOUND", "This version of the Google Ads API has been sunset. Use v23 or later.")
		return
	}
	auth := r.Header.Get("Authorization")
	state := TokenInvalid
	if strings.HasPrefix(auth, "Bearer ") {
		state = ga.sb.TokenState(strings.TrimSpace(auth[len("Bearer "):]))
	}
	switch state {
	case TokenExpired:
		gaFail(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
			gaErr{ErrorCode: map[string]string{"authenticationError": "OAUTH_TOKEN_EXPIRED"}, Message: "Oauth token is expired."})
		return
	case TokenInvalid:
		gaFail(w, http.StatusUnauthorized, "UNAUTHENTICATED",
			"Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
			gaErr{ErrorCode: map[string]string{"authenticationError": "OAUTH_TOKEN_INVALID"}, Message: "Oauth token is invalid."})
		return
	}
	if scopes, issued := ga.sb.TokenScopes(strings.TrimPrefix(auth, "Bearer ")); issued && len(scopes) > 0 && !slices.Contains(scopes, "https://www.googleapis.com/auth/adwords") {
		gaFail(w, http.StatusForbidden, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
		return
	}
	if r.Header.Get("developer-token") == "" {
		gaFail(w, http.StatusUnauthorized, "UNAUTHENTICATED", "The developer token is missing.",
			gaErr{ErrorCode: map[string]string{"authenticationError": "DEVELOPER_TOKEN_PARAMETER_MISSING"},
				Message: "The developer-token header is required."})
		return
	}
	path := strings.Trim(gaVersion.ReplaceAllString(r.URL.Path, "/"), "/")
	verb := ""
	if i := strings.LastIndexByte(path, ':'); i > 0 {
		path, verb = path[:i], path[i+1:]
	}
	parts := strings.Split(path, "/")
	if len(parts) < 3 || parts[0] != "customers" {
		gaFail(w, http.StatusNotFound, "NOT_FOUND", "Method not found.")
		return
	}
	cid := parts[1]
	switch {
	case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "offlineUserDataJobs" && verb == "create":
		ga.create(w, r, cid)
	case r.Method == http.MethodPost && len(parts) == 4 && parts[2] == "offlineUserDataJobs" && verb == "addOperations":
		ga.addOperations(w, r, path)
	case r.Method == http.MethodPost && len(parts) == 4 && parts[2] == "offlineUserDataJobs" && verb == "run":
		ga.run(w, path, cid)
	case r.Method == http.MethodGet && len(parts) == 4 && parts[2] == "operations":
		gaJSON(w, map[string]any{"name": path, "done": true, "response": map[string]any{}})
	default:
		gaFail(w, http.StatusNotFound, "NOT_FOUND", "Method not found.")
	}
}

func gaBadRequest(w http.ResponseWriter, code map[string]string, msg string) {
	gaFail(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.", gaErr{ErrorCode: code, Message: msg})
}

func (ga *googleAds) create(w http.ResponseWriter, r *http.Request, cid string) {
	var req struct {
		ValidateOnly bool `json:"validateOnly"`
		Job          struct {
			Type                          string `json:"type"`
			CustomerMatchUserListMetadata struct {
				UserList string `json:"userList"`
			} `json:"customerMatchUserListMetadata"`
		} `json:"job"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		gaBadRequest(w, map[string]string{"requestError": "BAD_REQUEST"}, "Invalid JSON payload received: "+err.Error())
		return
	}
	if req.Job.Type != "CUSTOMER_MATCH_USER_LIST" {
		gaBadRequest(w, map[string]string{"offlineUserDataJobError": "INVALID_JOB_TYPE"}, fmt.Sprintf("Unsupported job type %q.", req.Job.Type))
		return
	}
	m := gaUserList.FindStringSubmatch(req.Job.CustomerMatchUserListMetadata.UserList)
	if m == nil || m[1] != cid {
		gaBadRequest(w, map[string]string{"offlineUserDataJobError": "INVALID_USER_LIST_ID"},
			fmt.Sprintf("User list %q is not a user list of customer %s.", req.Job.CustomerMatchUserListMetadata.UserList, cid))
		return
	}
	ga.mu.Lock()
	defer ga.mu.Unlock()
	if ga.notAllowlisted {
		gaFail(w, http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission",
			gaErr{ErrorCode: map[string]string{"notAllowlistedError": "CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE"},
				Message: "Customer is not allowlisted for accessing this feature."})
		return
	}
	if req.ValidateOnly {
		gaJSON(w, map[string]any{})
		return
	}
	ga.seq++
	name := fmt.Sprintf("customers/%s/offlineUserDataJobs/%d", cid, 9000+ga.seq)
	ga.jobs[name] = &GoogleAdsJob{ResourceName: name, UserList: m[0], Status: "PENDING", LoginCustomerID: r.Header.Get("login-customer-id")}
	ga.order = append(ga.order, name)
	gaJSON(w, map[string]any{"resourceName": name})
}

type gaIdentifier struct {
	HashedEmail       string `json:"hashedEmail"`
	HashedPhoneNumber string `json:"hashedPhoneNumber"`
	ThirdPartyUserID  string `json:"thirdPartyUserId"`
	MobileID          string `json:"mobileId"`
	AddressInfo       *struct {
		HashedFirstName string `json:"hashedFirstName"`
		HashedLastName  string `json:"hashedLastName"`
		CountryCode     string `json:"countryCode"`
		PostalCode      string `json:"postalCode"`
	} `json:"addressInfo"`
}

type gaUserData struct {
	UserIdentifiers []gaIdentifier `json:"userIdentifiers"`
}

// check validates one identifier; it returns its key part and, on failure, the error.
func (ga *googleAds) check(id gaIdentifier, op, j int, kind string) (string, string, *gaErr) {
	loc := func(field string) *gaLocation {
		return &gaLocation{FieldPathElements: []gaPath{{FieldName: "operations", Index: gaIdx(op)}, {FieldName: kind},
			{FieldName: "user_identifiers", Index: gaIdx(j)}, {FieldName: field}}}
	}
	bad := func(field, value string) *gaErr {
		return &gaErr{ErrorCode: map[string]string{"offlineUserDataJobError": "INVALID_SHA256_FORMAT"},
			Message: "The SHA256 encoded value is malformed.", Trigger: map[string]string{"stringValue": value}, Location: loc(field)}
	}
	n := 0
	var kindKey, key string
	if id.HashedEmail != "" {
		n++
		kindKey, key = "email", id.HashedEmail
		if !gaHex.MatchString(id.HashedEmail) || ga.reject[id.HashedEmail] {
			return "", "", bad("hashed_email", id.HashedEmail)
		}
	}
	if id.HashedPhoneNumber != "" {
		n++
		kindKey, key = "phone", id.HashedPhoneNumber
		if !gaHex.MatchString(id.HashedPhoneNumber) || ga.reject[id.HashedPhoneNumber] {
			return "", "", bad("hashed_phone_number", id.HashedPhoneNumber)
		}
	}
	if a := id.AddressInfo; a != nil {
		n++
		if !gaHex.MatchString(a.HashedFirstName) || !gaHex.MatchString(a.HashedLastName) || len(a.CountryCode) != 2 || a.PostalCode == "" {
			return "", "", &gaErr{ErrorCode: map[string]string{"offlineUserDataJobError": "INCOMPATIBLE_USER_IDENTIFIER"},
				Message: "Address info needs hashed first and last name, country code and postal code.", Location: loc("address_info")}
		}
		kindKey, key = "address", "address:"+a.HashedFirstName+a.HashedLastName+a.CountryCode+a.PostalCode
	}
	if id.ThirdPartyUserID != "" || id.MobileID != "" {
		n++
		kindKey, key = "other", id.ThirdPartyUserID+id.MobileID
	}
	if n != 1 {
		return "", "", &gaErr{ErrorCode: map[string]string{"offlineUserDataJobError": "INCOMPATIBLE_USER_IDENTIFIER"},
			Message: "A user identifier must set exactly one identifier.", Location: loc("identifier")}
	}
	return kindKey, key, nil
}

func (ga *googleAds) addOperations(w http.ResponseWriter, r *http.Request, job string) {
	var req struct {
		EnablePartialFailure bool `json:"enablePartialFailure"`
		ValidateOnly         bool `json:"validateOnly"`
		Operations           []struct {
			Create    *gaUserData `json:"create"`
			Remove    *gaUserData `json:"remove"`
			RemoveAll bool        `json:"removeAll"`
		} `json:"operations"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		gaBadRequest(w, map[string]string{"requestError": "BAD_REQUEST"}, "Invalid JSON payload received: "+err.Error())
		return
	}
	ga.mu.Lock()
	defer ga.mu.Unlock()
	j := ga.jobs[job]
	if j == nil {
		gaFail(w, http.StatusNotFound, "NOT_FOUND", "Resource was not found.",
			gaErr{ErrorCode: map[string]string{"mutateError": "RESOURCE_NOT_FOUND"}, Message: "Resource was not found."})
		return
	}
	if j.Status != "PENDING" {
		gaBadRequest(w, map[string]string{"offlineUserDataJobError": "INVALID_JOB_STATUS"}, "Operations can only be added to a PENDING job.")
		return
	}
	if len(req.Operations) == 0 {
		gaBadRequest(w, map[string]string{"requestError": "OPERATIONS_REQUIRED"}, "At least one operation is required.")
		return
	}
	total := 0
	for _, op := range req.Operations {
		for _, ud := range []*gaUserData{op.Create, op.Remove} {
			if ud != nil {
				total += len(ud.UserIdentifiers)
			}
		}
	}
	if total > GoogleAdsMaxIdentifiersPerRequest {
		gaBadRequest(w, map[string]string{"requestError": "TOO_MANY_MUTATE_OPERATIONS"},
			fmt.Sprintf("Too many user identifiers in one request: %d (at most %d).", total, GoogleAdsMaxIdentifiersPerRequest))
		return
	}
	var errs []gaErr
	var good []gaOp
	for i, op := range req.Operations {
		kind, ud := "create", op.Create
		if op.Remove != nil {
			kind, ud = "remove", op.Remove
		}
		if (op.Create == nil) == (op.Remove == nil) || op.RemoveAll {
			errs = append(errs, gaErr{ErrorCode: map[string]string{"requestError": "INVALID_INPUT"},
				Message:  "An operation must set exactly one of create or remove.",
				Location: &gaLocation{FieldPathElements: []gaPath{{FieldName: "operations", Index: gaIdx(i)}}}})
			continue
		}
		if n := len(ud.UserIdentifiers); n == 0 || n > GoogleAdsMaxIdentifiersPerUser {
			errs = append(errs, gaErr{ErrorCode: map[string]string{"offlineUserDataJobError": "TOO_MANY_USER_IDENTIFIERS"},
				Message:  fmt.Sprintf("A user needs 1 to %d identifiers; %d given.", GoogleAdsMaxIdentifiersPerUser, n),
				Location: &gaLocation{FieldPathElements: []gaPath{{FieldName: "operations", Index: gaIdx(i)}, {FieldName: kind}}}})
			continue
		}
		best := map[string]string{}
		var failed *gaErr
		for k, id := range ud.UserIdentifiers {
			kk, key, e := ga.check(id, i, k, kind)
			if e != nil {
				failed = e
				break
			}
			if _, ok := best[kk]; !ok {
				best[kk] = key
			}
		}
		if failed != nil {
			errs = append(errs, *failed)
			continue
		}
		key := best["email"]
		for _, k := range []string{"phone", "address", "other"} {
			if key == "" {
				key = best[k]
			}
		}
		good = append(good, gaOp{remove: kind == "remove", key: key})
	}
	if len(errs) > 0 && !req.EnablePartialFailure {
		gaFail(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.", errs...)
		return
	}
	if !req.ValidateOnly {
		j.ops = append(j.ops, good...)
		j.Operations += len(good)
		j.FailedOps += len(errs)
	}
	if len(errs) == 0 {
		gaJSON(w, map[string]any{})
		return
	}
	gaJSON(w, map[string]any{"partialFailureError": map[string]any{
		"code":    3,
		"message": fmt.Sprintf("Multiple errors in ‘details’. First error: %s, at operations[%d]", errs[0].Message, *errs[0].Location.FieldPathElements[0].Index),
		"details": []any{map[string]any{"@type": gaFailureType, "errors": errs, "requestId": "sandbox-request"}},
	}})
}

func (ga *googleAds) run(w http.ResponseWriter, job, cid string) {
	ga.mu.Lock()
	defer ga.mu.Unlock()
	j := ga.jobs[job]
	if j == nil {
		gaFail(w, http.StatusNotFound, "NOT_FOUND", "Resource was not found.",
			gaErr{ErrorCode: map[string]string{"mutateError": "RESOURCE_NOT_FOUND"}, Message: "Resource was not found."})
		return
	}
	if j.Status != "PENDING" {
		gaBadRequest(w, map[string]string{"offlineUserDataJobError": "INVALID_JOB_STATUS"}, "Only a PENDING job can be run.")
		return
	}
	list := ga.lists[j.UserList]
	if list == nil {
		list = map[string]bool{}
		ga.lists[j.UserList] = list
	}
	for _, op := range j.ops {
		if op.remove {
			delete(list, op.key)
		} else {
			list[op.key] = true
		}
	}
	j.Status = "SUCCESS" // the real job runs for minutes to hours; the imitation finishes at once
	ga.seq++
	gaJSON(w, map[string]any{"name": fmt.Sprintf("customers/%s/operations/%d", cid, 70000+ga.seq),
		"metadata": map[string]any{"@type": "type.googleapis.com/google.ads.googleads.v26.resources.OfflineUserDataJobMetadata"}})
}

// GoogleAdsUserListNames lists the user lists changed so far, sorted.
func (sb *Sandbox) GoogleAdsUserListNames() []string {
	ga := sb.googleAds()
	if ga == nil {
		return nil
	}
	ga.mu.Lock()
	defer ga.mu.Unlock()
	var out []string
	for n := range ga.lists {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
