// This file holds the Google Ads destination's Config, constructor, contract methods and transport hooks.
//
// Package googleads adds members to and removes them from a Customer Match user list through an
// offline user data job per batch: create the job, add the operations with partial failure enabled,
// run it. The job then processes for minutes to hours; the connector does not wait for it and
// reports members as delivered to the job (ProviderID = the job's resource name).
package googleads

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// MaxBatch is the recommended number of users per addOperations call (the hard limit is 100,000
// identifiers; a member carries up to three).
const MaxBatch = 10000

// Config configures a Google Ads Customer Match destination.
type Config struct {
	Name              string // configured destination name (default "google_ads")
	BaseURL           string // default https://googleads.googleapis.com/v21
	Token             string // OAuth access token (the secret's value)
	TokenEnv          string // default GOOGLE_ADS_TOKEN
	DeveloperToken    string
	DeveloperTokenEnv string // default GOOGLE_ADS_DEVELOPER_TOKEN
	CustomerID        string // the advertiser's customer id; dashes are removed
	LoginCustomerID   string // manager account id, when acting through one
	// UserList is the Customer Match list: "customers/{cid}/userLists/{id}" or just its id.
	UserList string
	// ConsentGranted declares in the job that users granted ad_user_data and ad_personalization
	// consent (required by Google for EEA users); the engine only syncs consenting members.
	ConsentGranted    bool
	RequestsPerSecond float64
	Burst             int
	HTTP              http.RoundTripper // optional transport (tests)
}

// Destination is one Customer Match user list. It implements connectors.Destination.
type Destination struct {
	cfg Config
	c   *httpx.Client
}

var _ connectors.Destination = (*Destination)(nil)

var digitsOnly = regexp.MustCompile(`^\d+$`)

// New validates cfg and builds the destination.
func New(cfg Config) (*Destination, error) {
	if cfg.Name == "" {
		cfg.Name = "google_ads"
	}
	if cfg.TokenEnv == "" {
		cfg.TokenEnv = "GOOGLE_ADS_TOKEN"
	}
	if cfg.DeveloperTokenEnv == "" {
		cfg.DeveloperTokenEnv = "GOOGLE_ADS_DEVELOPER_TOKEN"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://googleads.googleapis.com/v21"
	}
	if cfg.Token == "" {
		return nil, fmt.Errorf("%s: no OAuth token: set $%s", cfg.Name, cfg.TokenEnv)
	}
	if cfg.DeveloperToken == "" {
		return nil, fmt.Errorf("%s: no developer token: set $%s", cfg.Name, cfg.DeveloperTokenEnv)
	}
	cfg.CustomerID = strings.ReplaceAll(strings.TrimSpace(cfg.CustomerID), "-", "")
	cfg.LoginCustomerID = strings.ReplaceAll(strings.TrimSpace(cfg.LoginCustomerID), "-", "")
	if !digitsOnly.MatchString(cfg.CustomerID) {
		return nil, fmt.Errorf("%s: customer_id %q is not a Google Ads customer id", cfg.Name, cfg.CustomerID)
	}
	if cfg.LoginCustomerID != "" && !digitsOnly.MatchString(cfg.LoginCustomerID) {
		return nil, fmt.Errorf("%s: login_customer_id %q is not a Google Ads customer id", cfg.Name, cfg.LoginCustomerID)
	}
	switch ul := strings.TrimSpace(cfg.UserList); {
	case digitsOnly.MatchString(ul):
		cfg.UserList = "customers/" + cfg.CustomerID + "/userLists/" + ul
	case strings.HasPrefix(ul, "customers/"+cfg.CustomerID+"/userLists/") && digitsOnly.MatchString(ul[strings.LastIndexByte(ul, '/')+1:]):
		cfg.UserList = ul
	default:
		return nil, fmt.Errorf("%s: user_list %q is neither a user list id nor customers/%s/userLists/{id}", cfg.Name, cfg.UserList, cfg.CustomerID)
	}
	tok, dev, login := cfg.Token, cfg.DeveloperToken, cfg.LoginCustomerID
	c, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		Auth: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+tok)
			r.Header.Set("developer-token", dev)
			if login != "" {
				r.Header.Set("login-customer-id", login)
			}
		},
		Hint:   fmt.Sprintf("check the OAuth token in $%s and the developer token in $%s", cfg.TokenEnv, cfg.DeveloperTokenEnv),
		Vendor: httpx.Vendor{ParseError: parseError, Throttled: throttled, RetryDelay: retryDelay},
		Base:   cfg.HTTP,
	})
	if err != nil {
		return nil, err
	}
	return &Destination{cfg: cfg, c: c}, nil
}

// MaxBatch is the users per job.
func (d *Destination) MaxBatch() int { return MaxBatch }

// Idempotent is true: adding a listed user or removing an absent one changes nothing.
func (d *Destination) Idempotent() bool { return true }

// Supports reports both adds and removes.
func (d *Destination) Supports(op connectors.Op) bool {
	return op == connectors.OpAdd || op == connectors.OpRemove
}

// HTTPStats exposes the transport counters (connectors.StatsReporter).
func (d *Destination) HTTPStats() connectors.Stats { return d.c.Stats.Snapshot() }

// Apply runs one offline user data job for the batch.
func (d *Destination) Apply(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	if err := connectors.CheckBatch(d, d.cfg.Name, b); err != nil {
		return nil, err
	}
	return d.runJob(ctx, b)
}

// parseError reads {"error":{"code","message","status","details":[GoogleAdsFailure]}}: the code is
// the RPC status (UNAUTHENTICATED, RESOURCE_EXHAUSTED, ...), the message the first Google Ads error
// with its error code ("authenticationError=OAUTH_TOKEN_INVALID: ...").
func parseError(_ int, body []byte) (string, string) {
	var e rpcError
	if json.Unmarshal(body, &e) != nil || e.Error.Status == "" && e.Error.Message == "" {
		return "", ""
	}
	msg := e.Error.Message
	for _, det := range e.Error.Details {
		if len(det.Errors) > 0 {
			msg = describe(det.Errors[0])
			if n := countErrors(e.Error.Details); n > 1 {
				msg += fmt.Sprintf(" (and %d more)", n-1)
			}
			break
		}
	}
	return e.Error.Status, msg
}

func countErrors(ds []failureDetail) int {
	n := 0
	for _, d := range ds {
		n += len(d.Errors)
	}
	return n
}

// throttled: RESOURCE_EXHAUSTED (429 is always throttled by httpx).
func throttled(_ int, code string, _ http.Header) bool { return code == "RESOURCE_EXHAUSTED" }

// retryDelay honours Retry-After, else the first retryDelay ("30s") found in the error details
// (quotaErrorDetails or google.rpc.RetryInfo).
func retryDelay(h http.Header, body []byte) time.Duration {
	if d := httpx.RetryAfterHeader(h); d > 0 {
		return d
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return 0
	}
	var found time.Duration
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				if s, ok := v.(string); ok && k == "retryDelay" && found == 0 {
					if d, err := time.ParseDuration(s); err == nil && d > 0 {
						found = d
					}
				}
				walk(v)
			}
		case []any:
			for _, v := range t {
				walk(v)
			}
		}
	}
	walk(doc)
	return found
}
