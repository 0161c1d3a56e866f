// Package datamanager adds members to and removes them from a Google Ads Customer Match list
// through the Google Data Manager API (audienceMembers:ingest and :remove), the path Google opened
// to every integration when the Google Ads API stopped accepting new Customer Match adopters on
// 2026-04-01. A request carries at most 10,000 members; it needs no developer token and no job.
//
// The API fails fast: one invalid member refuses the whole request (HTTP 400 with field
// violations naming audience_members[i]). Apply then marks those members rejected with Google's
// reason and sends the rest once more. Processing is asynchronous; RequestStatus reads the outcome
// of an earlier request (starter check shows the last one's).
//
// This file holds the Config, the constructor, the contract methods and the transport hooks.
package datamanager

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// Defaults and limits.
const (
	DefaultBaseURL = "https://datamanager.googleapis.com/v1"
	// Scope is the OAuth scope of the Data Manager API.
	Scope = "https://www.googleapis.com/auth/datamanager"
	// MaxBatch is the most audience members one request may carry.
	MaxBatch = 10000

	EncodingHex    = "HEX"
	EncodingBase64 = "BASE64"
)

// Config configures a Data Manager Customer Match destination.
type Config struct {
	Name    string // configured destination name (default "google_ads")
	BaseURL string // default DefaultBaseURL
	// Credential supplies the OAuth access token (scope datamanager).
	Credential auth.Token
	// OperatingAccountID is the Google Ads account that owns the list (digits; dashes removed).
	OperatingAccountID string
	// LoginAccountID is the manager account the credentials act through, when different.
	LoginAccountID string
	// UserList is the list: "customers/{id}/userLists/{list}" or the numeric list id.
	UserList string
	// Encoding of the SHA-256 digests: HEX (default) or BASE64.
	Encoding string
	// TermsAccepted declares that the advertiser accepted the Customer Match terms of service
	// (required for ingests; default true: a Customer Match destination cannot work otherwise).
	TermsAccepted *bool
	// Reference labels the destination in requests (default the destination's name).
	Reference         string
	RequestsPerSecond float64
	Burst             int
	HTTP              http.RoundTripper // optional transport (tests)
}

// Destination is one Customer Match list. It implements connectors.Destination.
type Destination struct {
	cfg    Config
	listID string
	c      *httpx.Client
}

var (
	_ connectors.Destination = (*Destination)(nil)
	_ connectors.Handler     = (*Destination)(nil)
	_ connectors.Checker     = (*Destination)(nil)
)

var digits = regexp.MustCompile(`^\d+$`)

// ListID returns the numeric list id of user_list ("customers/{cid}/userLists/{id}" or "{id}");
// the customer in a resource name must be the operating account.
func ListID(userList, operating string) (string, error) {
	ul := strings.TrimSpace(userList)
	if digits.MatchString(ul) {
		return ul, nil
	}
	prefix := "customers/" + operating + "/userLists/"
	if id := strings.TrimPrefix(ul, prefix); id != ul && digits.MatchString(id) {
		return id, nil
	}
	return "", fmt.Errorf("user_list %q is neither a user list id nor customers/%s/userLists/{id}", userList, operating)
}

// Accounts normalizes the customer_id and login_customer_id keys (dashes removed) and checks they
// are Google Ads account ids; login may be empty.
func Accounts(customer, login string) (string, string, error) {
	customer = strings.ReplaceAll(strings.TrimSpace(customer), "-", "")
	login = strings.ReplaceAll(strings.TrimSpace(login), "-", "")
	if !digits.MatchString(customer) {
		return "", "", fmt.Errorf("customer_id %q is not a Google Ads account id (digits, dashes allowed)", customer)
	}
	if login != "" && !digits.MatchString(login) {
		return "", "", fmt.Errorf("login_customer_id %q is not a Google Ads account id (digits, dashes allowed)", login)
	}
	return customer, login, nil
}

// New validates cfg and builds the destination.
func New(cfg Config) (*Destination, error) {
	if cfg.Name == "" {
		cfg.Name = "google_ads"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Credential == nil {
		return nil, fmt.Errorf("%s: no credential: set credentials_file_env or an OAuth refresh token", cfg.Name)
	}
	var err error
	if cfg.OperatingAccountID, cfg.LoginAccountID, err = Accounts(cfg.OperatingAccountID, cfg.LoginAccountID); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	id, err := ListID(cfg.UserList, cfg.OperatingAccountID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	switch cfg.Encoding {
	case "":
		cfg.Encoding = EncodingHex
	case EncodingHex, EncodingBase64:
	default:
		return nil, fmt.Errorf("%s: encoding %q: use HEX or BASE64", cfg.Name, cfg.Encoding)
	}
	if cfg.TermsAccepted == nil {
		yes := true
		cfg.TermsAccepted = &yes
	}
	if cfg.Reference == "" {
		cfg.Reference = cfg.Name
	}
	c, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		Token:             cfg.Credential,
		Authorize:         func(r *http.Request, tok string) { r.Header.Set("Authorization", "Bearer "+tok) },
		Hint: "check " + cfg.Credential.Describe() + ": it needs the datamanager scope and access to Google Ads account " +
			cfg.OperatingAccountID + ", and the project must have the Data Manager API enabled",
		Vendor: httpx.Vendor{ParseError: parseError, Throttled: throttled, RetryDelay: retryDelay, Detail: violations},
		Base:   cfg.HTTP,
	})
	if err != nil {
		return nil, err
	}
	return &Destination{cfg: cfg, listID: id, c: c}, nil
}

// MaxBatch is the members per request.
func (d *Destination) MaxBatch() int { return MaxBatch }

// Idempotent is true: ingesting a listed member or removing an absent one changes nothing.
func (d *Destination) Idempotent() bool { return true }

// Supports reports both adds and removes.
func (d *Destination) Supports(op connectors.Op) bool {
	return op == connectors.OpAdd || op == connectors.OpRemove
}

// HTTPStats exposes the transport counters (connectors.StatsReporter).
func (d *Destination) HTTPStats() connectors.Stats { return d.c.Stats.Snapshot() }

func (d *Destination) destinations() []destination {
	dst := destination{OperatingAccount: account{AccountType: "GOOGLE_ADS", AccountID: d.cfg.OperatingAccountID},
		ProductDestinationID: d.listID, Reference: d.cfg.Reference}
	if d.cfg.LoginAccountID != "" && d.cfg.LoginAccountID != d.cfg.OperatingAccountID {
		dst.LoginAccount = &account{AccountType: "GOOGLE_ADS", AccountID: d.cfg.LoginAccountID}
	}
	return []destination{dst}
}

// Apply ingests or removes one batch. Members without any usable identifier are rejected without
// a call; members Google refuses by index are rejected and the rest sent once more.
func (d *Destination) Apply(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	if err := connectors.CheckBatch(d, d.cfg.Name, b); err != nil {
		return nil, err
	}
	out := make([]connectors.Outcome, len(b.Members))
	var send []int // indexes into b.Members of members sent
	var members []audienceMember
	for i, m := range b.Members {
		out[i] = connectors.Outcome{ProfileID: m.ProfileID}
		ids := d.identifiers(m)
		if b.Op == connectors.OpRemove {
			ids = d.removalIdentifiers(m)
		}
		if len(ids) == 0 {
			out[i].Status, out[i].Reason = connectors.StatusRejected, "no_identifier: no email, phone or full address to match"
			continue
		}
		am := audienceMember{UserData: userData{UserIdentifiers: ids}}
		if b.Op == connectors.OpAdd {
			am.Consent = consentOf(m)
		}
		send = append(send, i)
		members = append(members, am)
	}
	for attempt := 0; len(members) > 0; attempt++ {
		id, err := d.change(ctx, b.Op, members, false)
		if err == nil {
			for _, i := range send {
				out[i].Status, out[i].ProviderID = connectors.StatusDelivered, id
			}
			return out, nil
		}
		bad := badMembers(err)
		if attempt > 0 || len(bad) == 0 {
			return nil, err
		}
		// Google stored nothing: drop the members it named and send the others again.
		var keepSend []int
		var keep []audienceMember
		for j, i := range send {
			if reason, ok := bad[j]; ok {
				out[i].Status, out[i].Reason = connectors.StatusRejected, reason
				continue
			}
			keepSend, keep = append(keepSend, i), append(keep, members[j])
		}
		send, members = keepSend, keep
	}
	return out, nil
}

// change sends one ingest or remove and returns Google's request id.
func (d *Destination) change(ctx context.Context, op connectors.Op, members []audienceMember, validateOnly bool) (string, error) {
	req := changeRequest{Destinations: d.destinations(), AudienceMembers: members, Encoding: d.cfg.Encoding, ValidateOnly: validateOnly}
	path := "/audienceMembers:remove"
	if op == connectors.OpAdd {
		path = "/audienceMembers:ingest"
		if *d.cfg.TermsAccepted {
			req.TermsOfService = &termsOfService{Status: "ACCEPTED"}
		}
	}
	var resp changeResponse
	if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: path, Body: req}, &resp); err != nil {
		return "", fmt.Errorf("%s: %s %d members: %w", d.cfg.Name, strings.TrimPrefix(path, "/audienceMembers:"), len(members), err)
	}
	return resp.RequestID, nil
}

// memberIndex finds audience_members[i] in a field violation's path.
var memberIndex = regexp.MustCompile(`audience_members\[(\d+)\]`)

// badMembers maps the indexes of members a 400 named to Google's reason.
func badMembers(err error) map[int]string {
	var he *httpx.Error
	if !errors.As(err, &he) || he.Status != http.StatusBadRequest {
		return nil
	}
	m, _ := he.Detail.(map[int]string)
	return m
}

// violations is the Detail hook: the members a 400 names, by index.
func violations(status int, body []byte) any {
	var e rpcError
	if status != http.StatusBadRequest || json.Unmarshal(body, &e) != nil {
		return nil
	}
	out := map[int]string{}
	for _, det := range e.Error.Details {
		for _, v := range det.FieldViolations {
			if m := memberIndex.FindStringSubmatch(v.Field); m != nil {
				i, _ := strconv.Atoi(m[1])
				out[i] = v.Reason + ": " + v.Description
			}
		}
	}
	return out
}

// parseError reads Google's error: the code is the first field violation's reason (else the
// ErrorInfo reason, else the RPC status), the message lists the violations.
func parseError(_ int, body []byte) (string, string) {
	var e rpcError
	if json.Unmarshal(body, &e) != nil || e.Error.Status == "" && e.Error.Message == "" {
		return "", ""
	}
	code, msg := e.Error.Status, e.Error.Message
	var vs []string
	for _, det := range e.Error.Details {
		if det.Reason != "" && code == e.Error.Status && det.Reason != e.Error.Status {
			code = det.Reason
		}
		for _, v := range det.FieldViolations {
			if len(vs) == 0 {
				code = v.Reason
			}
			if len(vs) < 3 {
				vs = append(vs, fmt.Sprintf("%s: %s (%s)", v.Field, v.Description, v.Reason))
			}
		}
	}
	if len(vs) > 0 {
		msg += " " + strings.Join(vs, "; ")
	}
	return code, msg
}

// throttled: RESOURCE_EXHAUSTED (the per-project ingestion quota, 300 requests a minute).
func throttled(_ int, code string, _ http.Header) bool { return code == "RESOURCE_EXHAUSTED" }

// retryDelay honours Retry-After, else a google.rpc.RetryInfo retryDelay.
func retryDelay(h http.Header, body []byte) time.Duration {
	if d := httpx.RetryAfterHeader(h); d > 0 {
		return d
	}
	var e rpcError
	if json.Unmarshal(body, &e) == nil {
		for _, det := range e.Error.Details {
			if d, err := time.ParseDuration(det.RetryDelay); err == nil && d > 0 {
				return d
			}
		}
	}
	return 0
}
