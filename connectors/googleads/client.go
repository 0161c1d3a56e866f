// This file holds the legacy Google Ads API destination's Config, constructor, contract methods
// and transport hooks.
//
// Package googleads registers the google_ads destination type. Its default path is the Google Data
// Manager API (package datamanager); `api: google_ads` selects the legacy Google Ads API upload,
// which only developer tokens already uploading to Customer Match before 2026-04-01 may use
// (others get CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE). The legacy path sends each op of a run
// as one offline user data job (up to MaxBatch members): create it, add the operations with
// partial failure enabled in calls of 10,000, run it. The job then processes for minutes to hours;
// the connector does not wait and reports members delivered to the job (ProviderID = its name).
package googleads

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/datamanager"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// MaxBatch is the most members one job carries: a run's removes and adds each fit in one job up
// to this size (Google recommends up to about 1,000,000 operations per job; 100,000 keeps one
// activity's work bounded).
const MaxBatch = 100000

// DefaultBaseURL is the Google Ads API at v26 (v21 and v22 are sunset).
const DefaultBaseURL = "https://googleads.googleapis.com/v26"

// Config configures a Google Ads Customer Match destination.
type Config struct {
	Name    string // configured destination name (default "google_ads")
	BaseURL string // default DefaultBaseURL
	// Credential supplies the OAuth access token (scope adwords).
	Credential auth.Token
	// Token is a static token's value when Credential is nil (tests); TokenEnv names its variable.
	Token             string
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
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Credential == nil {
		if cfg.Token == "" {
			return nil, fmt.Errorf("%s: no OAuth token: set $%s", cfg.Name, cfg.TokenEnv)
		}
		cfg.Credential = auth.StaticToken(cfg.Token, "the OAuth token in $"+cfg.TokenEnv)
	}
	if cfg.DeveloperToken == "" {
		return nil, fmt.Errorf("%s: no developer token: set $%s", cfg.Name, cfg.DeveloperTokenEnv)
	}
	var err error
	if cfg.CustomerID, cfg.LoginCustomerID, err = datamanager.Accounts(cfg.CustomerID, cfg.LoginCustomerID); err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	id, err := datamanager.ListID(cfg.UserList, cfg.CustomerID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.Name, err)
	}
	cfg.UserList = "customers/" + cfg.CustomerID + "/userLists/" + id
	dev, login := cfg.DeveloperToken, cfg.LoginCustomerID
	c, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		Token:             cfg.Credential,
		Authorize: func(r *http.Request, tok string) {
			r.Header.Set("Authorization", "Bearer "+tok)
			r.Header.Set("developer-token", dev)
			if login != "" {
				r.Header.Set("login-customer-id", login)
			}
		},
		Hint: fmt.Sprintf("check %s and the developer token in $%s; a token not allow-listed for Customer Match must use the Data Manager API (remove api: google_ads)",
			cfg.Credential.Describe(), cfg.DeveloperTokenEnv),
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
