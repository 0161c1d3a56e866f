// This file holds the Meta destination's Config, constructor, contract methods and transport hooks.
//
// Package meta adds members to and removes them from one Meta (Facebook) custom audience through
// POST/DELETE /{audience_id}/users, hashing every identifier with SHA-256 after normalizing it the
// way Meta requires. All batches of one op of one run share an upload session.
package meta

import (
	"context"
	"encoding/json"
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

// DefaultAPIVersion is the Marketing API version called unless configured: v26.0 (released
// 2026-07-29); v25.0 expires 2027-02-23.
const DefaultAPIVersion = "v26.0"

var versionInURL = regexp.MustCompile(`/(v\d+\.\d+)/?$`)

// MaxBatch is the most rows one request may carry.
const MaxBatch = 10000

// DefaultSchema is the multi-key schema sent when none is configured.
var DefaultSchema = []string{"EMAIL", "PHONE", "FN", "LN"}

// defaultThrottleWait is the wait reported for a throttle answer without usage headers.
const defaultThrottleWait = 5 * time.Minute

// Config configures a Meta custom audience destination.
type Config struct {
	Name string // configured destination name (default "meta")
	// BaseURL is the Graph API root, default https://graph.facebook.com; a version path segment in
	// it (".../v26.0") wins over APIVersion.
	BaseURL string
	// APIVersion is the Marketing API version (default DefaultAPIVersion).
	APIVersion string
	// Credential supplies the access token (a system-user token; tokens of Meta do not renew here).
	Credential auth.Token
	// Token is a static token's value when Credential is nil (tests); TokenEnv names its variable.
	Token      string
	TokenEnv   string // default META_TOKEN
	AudienceID string
	// Schema lists the match keys per row, among EMAIL, PHONE, FN, LN, FI, CT, ST, ZIP, COUNTRY, GEN,
	// DOBY, DOBM, DOBD (EMAIL_SHA256/PHONE_SHA256 are accepted as names for EMAIL/PHONE). It must
	// contain EMAIL or PHONE. Default EMAIL, PHONE, FN, LN.
	Schema            []string
	RequestsPerSecond float64
	Burst             int
	HTTP              http.RoundTripper // optional transport (tests)
}

// Destination is one custom audience. It implements connectors.Destination.
type Destination struct {
	cfg Config
	c   *httpx.Client
}

var _ connectors.Destination = (*Destination)(nil)

// New validates cfg and builds the destination.
func New(cfg Config) (*Destination, error) {
	if cfg.Name == "" {
		cfg.Name = "meta"
	}
	if cfg.TokenEnv == "" {
		cfg.TokenEnv = "META_TOKEN"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://graph.facebook.com"
	}
	if m := versionInURL.FindStringSubmatch(cfg.BaseURL); m != nil {
		cfg.APIVersion = m[1]
	} else {
		if cfg.APIVersion == "" {
			cfg.APIVersion = DefaultAPIVersion
		}
		if !regexp.MustCompile(`^v\d+\.\d+$`).MatchString(cfg.APIVersion) {
			return nil, fmt.Errorf("%s: api_version %q is not like %s", cfg.Name, cfg.APIVersion, DefaultAPIVersion)
		}
		cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/") + "/" + cfg.APIVersion
	}
	if cfg.Credential == nil {
		if cfg.Token == "" {
			return nil, fmt.Errorf("%s: no access token: set $%s", cfg.Name, cfg.TokenEnv)
		}
		cfg.Credential = auth.StaticToken(cfg.Token, "the token in $"+cfg.TokenEnv)
	}
	if _, err := strconv.ParseUint(cfg.AudienceID, 10, 64); err != nil {
		return nil, fmt.Errorf("%s: audience_id %q is not a numeric custom audience id", cfg.Name, cfg.AudienceID)
	}
	if len(cfg.Schema) == 0 {
		cfg.Schema = DefaultSchema
	}
	strong := false
	seen := map[string]bool{}
	for _, f := range cfg.Schema {
		if _, ok := fields[f]; !ok {
			return nil, fmt.Errorf("%s: schema field %q is not supported", cfg.Name, f)
		}
		if seen[f] {
			return nil, fmt.Errorf("%s: schema field %q is repeated", cfg.Name, f)
		}
		seen[f] = true
		strong = strong || isStrong(f)
	}
	if !strong {
		return nil, fmt.Errorf("%s: schema %v needs EMAIL or PHONE to match anyone", cfg.Name, cfg.Schema)
	}
	c, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		// access_token as a query parameter, added per attempt below the request layer: httpx strips
		// queries from every error, so the token never reaches an error message or log.
		Token: cfg.Credential,
		Authorize: func(r *http.Request, tok string) {
			q := r.URL.Query()
			q.Set("access_token", tok)
			r.URL.RawQuery = q.Encode()
		},
		Vendor: httpx.Vendor{
			ParseError: func(status int, body []byte) (string, string) {
				return parseError(status, body, cfg.Credential.Describe())
			},
			Throttled:  throttled,
			RetryDelay: retryDelay,
			// An expired token is code 190 with HTTP 400; a static system-user token cannot be
			// renewed, so the error is final and names the variable.
			Expired: func(_ int, code string) bool { return codeOf(code) == 190 },
		},
		Base: cfg.HTTP,
	})
	if err != nil {
		return nil, err
	}
	return &Destination{cfg: cfg, c: c}, nil
}

// MaxBatch is Meta's row limit per request.
func (d *Destination) MaxBatch() int { return MaxBatch }

// Idempotent is true: adding a present user or removing an absent one changes nothing.
func (d *Destination) Idempotent() bool { return true }

// Supports reports both adds and removes.
func (d *Destination) Supports(op connectors.Op) bool {
	return op == connectors.OpAdd || op == connectors.OpRemove
}

// HTTPStats exposes the transport counters (connectors.StatsReporter).
func (d *Destination) HTTPStats() connectors.Stats { return d.c.Stats.Snapshot() }

// Apply adds or removes one batch.
func (d *Destination) Apply(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	if err := connectors.CheckBatch(d, d.cfg.Name, b); err != nil {
		return nil, err
	}
	return d.users(ctx, b)
}

// Graph API error codes.
var (
	throttleCodes   = map[int]bool{4: true, 17: true, 32: true, 613: true, 80003: true, 80004: true}
	credentialCodes = map[int]bool{102: true, 104: true, 190: true}
)

// parseError reads {"error":{"message","type","code","error_subcode","fbtrace_id",...}} into the code
// "<code>" or "<code>/<subcode>" and a message that keeps fbtrace_id (for Meta support) and, for
// token errors Graph answers with HTTP 400, names the variable to fix.
func parseError(status int, body []byte, credential string) (string, string) {
	var e graphError
	if json.Unmarshal(body, &e) != nil || e.Error.Code == 0 && e.Error.Message == "" {
		return "", ""
	}
	code := strconv.Itoa(e.Error.Code)
	if e.Error.Subcode != 0 {
		code += "/" + strconv.Itoa(e.Error.Subcode)
	}
	msg := e.Error.Message
	if e.Error.UserTitle != "" {
		msg += " [" + e.Error.UserTitle + "]"
	}
	if e.Error.UserMsg != "" {
		msg += " " + e.Error.UserMsg
	}
	if status != http.StatusUnauthorized && status != http.StatusForbidden {
		switch {
		case credentialCodes[e.Error.Code]:
			msg += " (check " + credential + "; a system-user token does not expire)"
		case e.Error.Code == 10 || e.Error.Code >= 200 && e.Error.Code < 300:
			msg += " (check that " + credential + " has ads_management permission on the audience)"
		}
	}
	if e.Error.FBTraceID != "" {
		msg += " (fbtrace_id " + e.Error.FBTraceID + ")"
	}
	return code, msg
}

func codeOf(code string) int {
	if i := strings.IndexByte(code, '/'); i >= 0 {
		code = code[:i]
	}
	n, _ := strconv.Atoi(code)
	return n
}

// throttled recognises Graph's rate-limit codes, which arrive with HTTP 400 or 403.
func throttled(_ int, code string, _ http.Header) bool { return throttleCodes[codeOf(code)] }

// retryDelay takes the longest estimated_time_to_regain_access (minutes) from the usage headers, or
// Retry-After; a throttle answer without either asks for defaultThrottleWait.
func retryDelay(h http.Header, body []byte) time.Duration {
	if d := httpx.RetryAfterHeader(h); d > 0 {
		return d
	}
	var best time.Duration
	for _, name := range []string{"X-Business-Use-Case-Usage", "X-Ad-Account-Usage", "X-App-Usage"} {
		if d := regainWait(h.Get(name)); d > best {
			best = d
		}
	}
	if best > 0 {
		return best
	}
	var e graphError
	if json.Unmarshal(body, &e) == nil && throttleCodes[e.Error.Code] {
		return defaultThrottleWait
	}
	return 0
}

// regainWait reads estimated_time_to_regain_access (minutes) anywhere in a usage header's JSON.
func regainWait(v string) time.Duration {
	if v == "" {
		return 0
	}
	var doc any
	if json.Unmarshal([]byte(v), &doc) != nil {
		return 0
	}
	var best float64
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				if n, ok := v.(float64); ok && k == "estimated_time_to_regain_access" && n > best {
					best = n
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
	return time.Duration(best * float64(time.Minute))
}
