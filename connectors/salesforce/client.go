// Package salesforce is the source connector for Salesforce Contacts over the REST query API:
// a SOQL query ordered by SystemModstamp, paged through nextRecordsUrl.
//
// This file holds the Config, the constructor and the Salesforce hooks for the shared HTTP transport.
package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/auth"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
)

// normalizeVersion checks an api_version ("" = DefaultAPIVersion, "61.0" = "v61.0").
func normalizeVersion(v string) (string, error) {
	if v == "" {
		v = DefaultAPIVersion
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !versionRE.MatchString(v) {
		return "", fmt.Errorf("api_version %q is not like %s", v, DefaultAPIVersion)
	}
	return v, nil
}

// Defaults.
const (
	// DefaultAPIVersion is Winter '27's (GET /services/data lists an org's versions).
	DefaultAPIVersion = "v68.0"
	DefaultTokenEnv   = "SALESFORCE_TOKEN"
	// DefaultTokenURL is the login host's token endpoint (test.salesforce.com for sandbox orgs, or
	// the My Domain host; client-credentials flows need the My Domain host).
	DefaultTokenURL = "https://login.salesforce.com/services/oauth2/token"
	// DefaultLimitWait is the wait after REQUEST_LIMIT_EXCEEDED. Salesforce sends no Retry-After;
	// the limit is a rolling 24-hour allowance, so waiting (and trying again) is right, failing is not.
	DefaultLimitWait = 60 * time.Second

	minBatch, maxBatch = 200, 2000
)

// Config configures a Salesforce Contact source.
type Config struct {
	Name string // configured source name, goes into record.Source (default "salesforce")
	// BaseURL is the instance URL, https://{domain}.my.salesforce.com: required with a static token;
	// with a renewing credential the token response's instance_url is used when it names one.
	BaseURL string
	// Credential supplies the access token (a renewing OAuth session, or a static token).
	Credential auth.Token
	// Token is a static token's value when Credential is nil (tests); TokenEnv names its variable.
	Token    string
	TokenEnv string

	RequestsPerSecond float64 // client-side rate limit (0 = unlimited)
	Burst             int

	// APIVersion is the REST API version path segment (default v61.0; "61.0" is accepted).
	APIVersion string
	// BatchSize asks for this many records per page with Sforce-Query-Options (200..2000; 0 leaves
	// Salesforce's default of 2000). Salesforce treats it as a hint.
	BatchSize int
	// LimitWait is the RetryAfter given with REQUEST_LIMIT_EXCEEDED (default 60s).
	LimitWait time.Duration

	Timeout  time.Duration     // per HTTP attempt (default 30s)
	RetryMax int               // HTTP-level retries per call (default 2)
	HTTP     http.RoundTripper // underlying transport (tests)
}

// Source reads Salesforce Contacts. It implements connectors.Source.
type Source struct {
	cfg    Config
	client *httpx.Client
}

var (
	_ connectors.Source        = (*Source)(nil)
	_ connectors.StatsReporter = (*Source)(nil)
)

var versionRE = regexp.MustCompile(`^v\d+\.\d$`)

// New validates cfg, fills defaults and builds the HTTP client.
func New(cfg Config) (*Source, error) {
	if cfg.Name == "" {
		cfg.Name = "salesforce"
	}
	if cfg.TokenEnv == "" {
		cfg.TokenEnv = DefaultTokenEnv
	}
	if cfg.Credential == nil {
		if cfg.Token == "" {
			return nil, fmt.Errorf("salesforce: source %q has no token: set $%s", cfg.Name, cfg.TokenEnv)
		}
		cfg.Credential = auth.StaticToken(cfg.Token, "the Salesforce access token in $"+cfg.TokenEnv)
	}
	if cfg.BaseURL == "" {
		if !auth.Renewable(cfg.Credential) {
			return nil, fmt.Errorf("salesforce: source %q needs base_url, the instance URL (https://<domain>.my.salesforce.com)", cfg.Name)
		}
		cfg.BaseURL = "https://login.salesforce.com" // replaced by the token response's instance_url
	}
	v, err := normalizeVersion(cfg.APIVersion)
	if err != nil {
		return nil, fmt.Errorf("salesforce: source %q: %w", cfg.Name, err)
	}
	cfg.APIVersion = v
	if cfg.BatchSize != 0 && (cfg.BatchSize < minBatch || cfg.BatchSize > maxBatch) {
		return nil, fmt.Errorf("salesforce: source %q: batch_size %d is outside %d..%d", cfg.Name, cfg.BatchSize, minBatch, maxBatch)
	}
	if cfg.LimitWait <= 0 {
		cfg.LimitWait = DefaultLimitWait
	}
	client, err := httpx.New(httpx.Options{
		Name: cfg.Name, BaseURL: cfg.BaseURL, RetryMax: cfg.RetryMax, Timeout: cfg.Timeout,
		RequestsPerSecond: cfg.RequestsPerSecond, Burst: cfg.Burst,
		Token:     cfg.Credential,
		Authorize: func(r *http.Request, token string) { r.Header.Set("Authorization", "Bearer "+token) },
		// A renewed session can move to another instance: the token response's instance_url is the API host.
		BaseFromToken: true,
		Vendor:        vendorHooks(cfg.LimitWait),
		Base:          cfg.HTTP,
	})
	if err != nil {
		return nil, fmt.Errorf("salesforce: %w", err)
	}
	return &Source{cfg: cfg, client: client}, nil
}

// Kinds lists what this source produces: contacts as customers.
func (s *Source) Kinds() []record.Kind { return []record.Kind{record.KindCustomer} }

// HTTPStats exposes the transport's request, retry and throttle counters.
func (s *Source) HTTPStats() connectors.Stats { return s.client.Stats.Snapshot() }

// Error codes the connector acts on.
const (
	codeLimitExceeded  = "REQUEST_LIMIT_EXCEEDED"
	codeInvalidLocator = "INVALID_QUERY_LOCATOR"
)

// vendorHooks adapts the transport to Salesforce: JSON-array errors and the 403
// REQUEST_LIMIT_EXCEEDED throttle signal, which carries no Retry-After.
func vendorHooks(limitWait time.Duration) httpx.Vendor {
	return httpx.Vendor{
		ParseError: parseError,
		Throttled: func(status int, code string, _ http.Header) bool {
			return status == http.StatusForbidden && code == codeLimitExceeded
		},
		RetryDelay: func(h http.Header, body []byte) time.Duration {
			if d := httpx.RetryAfterHeader(h); d > 0 {
				return d
			}
			if code, _ := parseError(0, body); code == codeLimitExceeded {
				return limitWait
			}
			return 0
		},
	}
}

// parseError reads Salesforce's error body: a JSON array of {message, errorCode}; a single object
// and the OAuth {error, error_description} shape are tolerated.
func parseError(_ int, body []byte) (code, message string) {
	var list []apiError
	if json.Unmarshal(body, &list) == nil && len(list) > 0 {
		return list[0].ErrorCode, list[0].Message
	}
	var one apiError
	if json.Unmarshal(body, &one) == nil {
		if one.ErrorCode != "" || one.Message != "" {
			return one.ErrorCode, one.Message
		}
		return one.Error, one.ErrorDescription
	}
	return "", ""
}
