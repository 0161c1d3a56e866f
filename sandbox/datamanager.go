// This file holds the Google Data Manager API imitation (audienceMembers:ingest and :remove,
// requestStatus:retrieve), served under /v1 on the Google Ads imitation's server. It enforces what
// the reference says a real request must carry (encoding, Customer Match terms, ≤10,000 members,
// ≤10 identifiers each, exactly one of email/phone/address per identifier, SHA-256 digests in the
// declared encoding) and fails the whole request fast with google.rpc.BadRequest field violations.
// Members are sets of identifiers: a removal by any one identifier removes the member.
package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Data Manager limits.
const (
	DataManagerMaxMembers      = 10000
	DataManagerMaxIdentifiers  = 10
	DataManagerMaxDestinations = 10
	dataManagerScope           = "https://www.googleapis.com/auth/datamanager"
)

// dmMember is one list member: every identifier key it was ingested with.
type dmMember struct {
	keys    []string
	consent string // adUserData as ingested
}

// DataManagerRequest is one ingest or remove as the imitation recorded it.
type DataManagerRequest struct {
	ID       string
	Op       string // ingest | remove
	UserList string // customers/{operating}/userLists/{productDestinationId}
	Login    string // loginAccount.accountId
	Members  int
	Denied   int // members with adUserData or adPersonalization CONSENT_DENIED (not added)
	Encoding string
	polled   int
}

type dmRequest struct {
	Destinations []struct {
		OperatingAccount *dmAccount `json:"operatingAccount"`
		LoginAccount     *dmAccount `json:"loginAccount"`
		ProductDestID    string     `json:"productDestinationId"`
		Reference        string     `json:"reference"`
	} `json:"destinations"`
	AudienceMembers []struct {
		UserData *struct {
			UserIdentifiers []map[string]json.RawMessage `json:"userIdentifiers"`
		} `json:"userData"`
		Consent *dmConsent `json:"consent"`
	} `json:"audienceMembers"`
	Consent        *dmConsent `json:"consent"`
	Encoding       string     `json:"encoding"`
	TermsOfService *struct {
		Status string `json:"customerMatchTermsOfServiceStatus"`
	} `json:"termsOfService"`
	ValidateOnly bool `json:"validateOnly"`
}

type dmAccount struct {
	AccountType string `json:"accountType"`
	Product     string `json:"product"` // deprecated name of accountType
	AccountID   string `json:"accountId"`
}

type dmConsent struct {
	AdUserData        string `json:"adUserData"`
	AdPersonalization string `json:"adPersonalization"`
}

type dmViolation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
	Reason      string `json:"reason"`
}

var dmDigits = regexp.MustCompile(`^\d+$`)

// dmFail answers a fast-fail 400 with its field violations.
func dmFail(w http.ResponseWriter, vs ...dmViolation) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": 400, "message": "There was a problem with the request.", "status": "INVALID_ARGUMENT",
		"details": []any{
			map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "INVALID_ARGUMENT", "domain": "datamanager.googleapis.com"},
			map[string]any{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": vs},
		}}})
}

// serveDataManager handles /v1/... on the Google Ads imitation's server.
func (ga *googleAds) serveDataManager(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !GoogleAuthorized(ga.sb, w, tok, dataManagerScope) {
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/audienceMembers:ingest":
		ga.dmChange(w, r, "ingest")
	case r.Method == http.MethodPost && r.URL.Path == "/v1/audienceMembers:remove":
		ga.dmChange(w, r, "remove")
	case r.Method == http.MethodGet && r.URL.Path == "/v1/requestStatus:retrieve":
		ga.dmStatus(w, r.URL.Query().Get("requestId"))
	default:
		gaFail(w, http.StatusNotFound, "NOT_FOUND", "Method not found.")
	}
}

func (ga *googleAds) dmChange(w http.ResponseWriter, r *http.Request, op string) {
	var req dmRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		dmFail(w, dmViolation{Field: "", Description: "Invalid JSON payload received: " + err.Error(), Reason: "INVALID_ARGUMENT"})
		return
	}
	lists, v := ga.dmDestinations(req)
	if v != nil {
		dmFail(w, *v)
		return
	}
	if req.Encoding != "HEX" && req.Encoding != "BASE64" {
		dmFail(w, dmViolation{Field: "encoding", Description: "Encoding is required for user data: HEX or BASE64.", Reason: "REQUIRED_FIELD_MISSING"})
		return
	}
	if op == "ingest" && (req.TermsOfService == nil || req.TermsOfService.Status != "ACCEPTED") {
		dmFail(w, dmViolation{Field: "terms_of_service", Description: "The Customer Match terms of service must be accepted.", Reason: "TERMS_AND_CONDITIONS_NOT_SIGNED"})
		return
	}
	switch n := len(req.AudienceMembers); {
	case n == 0:
		dmFail(w, dmViolation{Field: "audience_members", Description: "At least one audience member is required.", Reason: "REQUIRED_FIELD_MISSING"})
		return
	case n > DataManagerMaxMembers:
		dmFail(w, dmViolation{Field: "audience_members", Description: fmt.Sprintf("Too many audience members: %d (at most %d).", n, DataManagerMaxMembers),
			Reason: "TOO_MANY_AUDIENCE_MEMBERS"})
		return
	}
	members := make([]dmMember, len(req.AudienceMembers))
	var vs []dmViolation
	for i, m := range req.AudienceMembers {
		field := fmt.Sprintf("audience_members.audience_members[%d].user_data.user_identifiers", i)
		if m.UserData == nil || len(m.UserData.UserIdentifiers) == 0 {
			vs = append(vs, dmViolation{Field: field, Description: "A member needs at least one user identifier.", Reason: "REQUIRED_FIELD_MISSING"})
			continue
		}
		if len(m.UserData.UserIdentifiers) > DataManagerMaxIdentifiers {
			vs = append(vs, dmViolation{Field: field, Description: "Too many user identifiers.", Reason: "TOO_MANY_USER_IDENTIFIERS"})
			continue
		}
		for _, id := range m.UserData.UserIdentifiers {
			key, viol := ga.dmIdentifier(id, req.Encoding, field)
			if viol != nil {
				vs = append(vs, *viol)
				break
			}
			members[i].keys = append(members[i].keys, key)
		}
		c := req.Consent
		if m.Consent != nil {
			c = m.Consent
		}
		if c != nil {
			members[i].consent = c.AdUserData
			if c.AdPersonalization == "CONSENT_DENIED" {
				members[i].consent = "CONSENT_DENIED"
			}
		}
	}
	if len(vs) > 0 {
		dmFail(w, vs...) // one bad member fails the whole request; nothing is stored
		return
	}
	if req.ValidateOnly {
		writeJSON(w, http.StatusOK, map[string]any{"requestId": ""})
		return
	}
	ga.mu.Lock()
	defer ga.mu.Unlock()
	id := dmRequestID()
	for _, list := range lists {
		rec := &DataManagerRequest{ID: id, Op: op, UserList: list.name, Login: list.login, Members: len(members), Encoding: req.Encoding}
		set := ga.dm[list.name]
		if set == nil {
			set = map[string]*dmMember{}
			ga.dm[list.name] = set
		}
		for i := range members {
			m := members[i]
			if op == "remove" {
				for k, have := range set {
					if overlaps(have.keys, m.keys) {
						delete(set, k)
					}
				}
				continue
			}
			if m.consent == "CONSENT_DENIED" {
				rec.Denied++
				continue
			}
			existing := ""
			for k, have := range set {
				if overlaps(have.keys, m.keys) {
					existing = k
					break
				}
			}
			if existing == "" {
				existing = m.keys[0]
			}
			set[existing] = &m
		}
		ga.dmRequests = append(ga.dmRequests, rec)
	}
	writeJSON(w, http.StatusOK, map[string]any{"requestId": id})
}

type dmList struct{ name, login string }

// dmDestinations validates destinations[] and names the lists they target.
func (ga *googleAds) dmDestinations(req dmRequest) ([]dmList, *dmViolation) {
	if n := len(req.Destinations); n == 0 || n > DataManagerMaxDestinations {
		reason := "REQUIRED_FIELD_MISSING"
		if n > 0 {
			reason = "TOO_MANY_DESTINATIONS"
		}
		return nil, &dmViolation{Field: "destinations", Description: "A request needs 1 to 10 destinations.", Reason: reason}
	}
	var out []dmList
	for i, d := range req.Destinations {
		field := fmt.Sprintf("destinations[%d]", i)
		op := d.OperatingAccount
		if op == nil || (op.AccountType != "GOOGLE_ADS" && op.Product != "GOOGLE_ADS") || !dmDigits.MatchString(op.AccountID) {
			return nil, &dmViolation{Field: field + ".operating_account", Description: "The operating account needs accountType GOOGLE_ADS and a numeric accountId.",
				Reason: "INVALID_ARGUMENT"}
		}
		login := ""
		if d.LoginAccount != nil {
			if !dmDigits.MatchString(d.LoginAccount.AccountID) {
				return nil, &dmViolation{Field: field + ".login_account", Description: "The login account needs a numeric accountId.", Reason: "INVALID_ARGUMENT"}
			}
			login = d.LoginAccount.AccountID
		}
		if !dmDigits.MatchString(d.ProductDestID) {
			return nil, &dmViolation{Field: field + ".product_destination_id", Description: "The user list id must be numeric.", Reason: "INVALID_USER_LIST_ID"}
		}
		name := "customers/" + op.AccountID + "/userLists/" + d.ProductDestID
		if ga.dmKnown != nil && !ga.dmKnown[name] {
			return nil, &dmViolation{Field: field + ".product_destination_id", Description: "The user list does not exist or the account has no access to it.",
				Reason: "INVALID_USER_LIST_ID"}
		}
		out = append(out, dmList{name: name, login: login})
	}
	return out, nil
}

// dmIdentifier validates one identifier (exactly one of emailAddress, phoneNumber, address) and
// returns its key.
func (ga *googleAds) dmIdentifier(id map[string]json.RawMessage, encoding, field string) (string, *dmViolation) {
	if len(id) != 1 {
		return "", &dmViolation{Field: field, Description: "A user identifier holds exactly one of email address, phone number or address.", Reason: "INVALID_ARGUMENT"}
	}
	digest := func(kind, raw string) (string, *dmViolation) {
		var b []byte
		var err error
		if encoding == "HEX" {
			if raw != strings.ToLower(raw) {
				err = fmt.Errorf("upper case")
			} else {
				b, err = hex.DecodeString(raw)
			}
			if err != nil {
				return "", &dmViolation{Field: field, Description: kind + " is not hex encoded.", Reason: "INVALID_HEX_ENCODING"}
			}
		} else if b, err = base64.StdEncoding.DecodeString(raw); err != nil {
			return "", &dmViolation{Field: field, Description: kind + " is not base64 encoded.", Reason: "INVALID_BASE64_ENCODING"}
		}
		if len(b) != 32 {
			return "", &dmViolation{Field: field, Description: kind + " is not a SHA-256 digest.", Reason: "INVALID_SHA256_FORMAT"}
		}
		h := hex.EncodeToString(b)
		if ga.reject[h] {
			return "", &dmViolation{Field: field, Description: kind + " is not a SHA-256 digest.", Reason: "INVALID_SHA256_FORMAT"}
		}
		return h, nil
	}
	for k, v := range id {
		switch k {
		case "emailAddress", "phoneNumber":
			var s string
			if json.Unmarshal(v, &s) != nil || s == "" {
				return "", &dmViolation{Field: field, Description: k + " must be a string.", Reason: "INVALID_ARGUMENT"}
			}
			return digest(map[string]string{"emailAddress": "Email", "phoneNumber": "Phone number"}[k], s)
		case "address":
			var a struct {
				GivenName  string `json:"givenName"`
				FamilyName string `json:"familyName"`
				RegionCode string `json:"regionCode"`
				PostalCode string `json:"postalCode"`
			}
			if json.Unmarshal(v, &a) != nil || a.GivenName == "" || a.FamilyName == "" || len(a.RegionCode) != 2 || a.PostalCode == "" {
				return "", &dmViolation{Field: field + ".address", Description: "An address needs givenName, familyName, regionCode and postalCode.", Reason: "REQUIRED_FIELD_MISSING"}
			}
			g, viol := digest("Given name", a.GivenName)
			if viol != nil {
				return "", viol
			}
			f, viol := digest("Family name", a.FamilyName)
			if viol != nil {
				return "", viol
			}
			return "address:" + g + f + a.RegionCode + a.PostalCode, nil
		}
	}
	return "", &dmViolation{Field: field, Description: "Unknown user identifier.", Reason: "INVALID_ARGUMENT"}
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func dmRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// dmStatus answers requestStatus:retrieve: PROCESSING on the first poll, then SUCCESS (or
// PARTIAL_SUCCESS when members were refused for denied consent).
func (ga *googleAds) dmStatus(w http.ResponseWriter, id string) {
	ga.mu.Lock()
	defer ga.mu.Unlock()
	var per []any
	for _, rec := range ga.dmRequests {
		if rec.ID != id || id == "" {
			continue
		}
		rec.polled++
		status := "SUCCESS"
		switch {
		case rec.polled == 1:
			status = "PROCESSING"
		case rec.Denied > 0:
			status = "PARTIAL_SUCCESS"
		}
		parts := strings.Split(rec.UserList, "/")
		entry := map[string]any{
			"destination":   map[string]any{"operatingAccount": map[string]string{"accountType": "GOOGLE_ADS", "accountId": parts[1]}, "productDestinationId": parts[3]},
			"requestStatus": status,
		}
		counts := map[string]any{"recordCount": strconv.Itoa(rec.Members - rec.Denied), "userIdentifierCount": strconv.Itoa(rec.Members - rec.Denied)}
		if rec.Op == "remove" {
			entry["audienceMembersRemovalStatus"] = map[string]any{"userDataRemovalStatus": counts}
		} else {
			counts["uploadMatchRateRange"] = "MATCH_RATE_RANGE_51_TO_60"
			entry["audienceMembersIngestionStatus"] = map[string]any{"userDataIngestionStatus": counts}
		}
		if rec.Denied > 0 {
			entry["errorInfo"] = map[string]any{"errorCounts": []any{map[string]any{"reason": "PROCESSING_ERROR_REASON_DENIED_CONSENT", "recordCount": strconv.Itoa(rec.Denied)}}}
		}
		per = append(per, entry)
	}
	if per == nil {
		gaFail(w, http.StatusNotFound, "NOT_FOUND", "Request not found.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"requestStatusPerDestination": per})
}

// DataManagerRequests returns the ingest and remove requests stored so far, in order.
func (sb *Sandbox) DataManagerRequests() []DataManagerRequest {
	ga := sb.googleAds()
	if ga == nil {
		return nil
	}
	ga.mu.Lock()
	defer ga.mu.Unlock()
	out := make([]DataManagerRequest, 0, len(ga.dmRequests))
	for _, r := range ga.dmRequests {
		out = append(out, *r)
	}
	return out
}

// DataManagerLists restricts the user lists that exist (resource names); with none set, every
// list id exists.
func (sb *Sandbox) DataManagerLists(names ...string) {
	if ga := sb.googleAds(); ga != nil {
		ga.mu.Lock()
		ga.dmKnown = map[string]bool{}
		for _, n := range names {
			ga.dmKnown[n] = true
		}
		ga.mu.Unlock()
	}
}
