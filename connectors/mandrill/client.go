// This file holds the Mandrill destination's Config, constructor, contract methods and transport hooks.
//
// Package mandrill sends one templated transactional email per member through Mailchimp
// Transactional (Mandrill). Sends are not idempotent: the transport makes no HTTP-level retries, and
// a call whose fate is unknown (timeout, cut connection, unreadable 200, 5xx without Mandrill's error
// body) comes back wrapped in ErrInDoubt so the engine does not send again.
package mandrill

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// DefaultBatch is the default number of recipients per send-template call: 10, because Mandrill
// sends a call with more than 10 recipients asynchronously and answers "queued" for everyone, so
// rejections (a hard bounce, an unsubscribe) never appear in its answer. Larger batches are
// allowed; their outcomes are settled later (Settle) from messages/info and messages/search.
const DefaultBatch = 10

// maxBatch bounds Config.BatchSize.
const maxBatch = 1000

// ErrInDoubt marks an error after which the send may or may not have happened. The engine must not
// re-send the batch (Idempotent is false) and should record its members as in doubt.
var ErrInDoubt = connectors.ErrInDoubt

// Config configures a Mandrill destination.
type Config struct {
	Name      string // configured destination name (default "mandrill")
	BaseURL   string // default https://mandrillapp.com/api/1.0
	APIKey    string // the secret's value (travels in the request body as "key")
	APIKeyEnv string // the variable it came from, for hints (default MANDRILL_API_KEY)
	Template  string // template_name
	FromEmail string // optional; the template's default sender otherwise
	FromName  string // optional
	Tags      []string
	// BatchSize is the number of recipients per call (MaxBatch): default 10, at most 1000.
	BatchSize         int
	RequestsPerSecond float64
	Burst             int
	HTTP              http.RoundTripper // optional transport (tests)
}

// Destination sends a template to members. It implements connectors.Destination.
type Destination struct {
	cfg Config
	c   *httpx.Client
}

var _ connectors.Destination = (*Destination)(nil)

// New validates cfg and builds the destination.
func New(cfg Config) (*Destination, error) {
	if cfg.Name == "" {
		cfg.Name = "mandrill"
	}
	if cfg.APIKeyEnv == "" {
		cfg.APIKeyEnv = "MANDRILL_API_KEY"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://mandrillapp.com/api/1.0"
	}
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("%s: no API key: set $%s", cfg.Name, cfg.APIKeyEnv)
	}
	if cfg.Template == "" {
		return nil, fmt.Errorf("%s: template is required", cfg.Name)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatch
	}
	if cfg.BatchSize > maxBatch {
		cfg.BatchSize = maxBatch
	}
	hint := "check the API key in $" + cfg.APIKeyEnv
	c, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RetryMax:          -1, // never re-send inside a call: a retried send is a second email
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		Hint:              hint,
		Vendor: httpx.Vendor{
			ParseError: func(status int, body []byte) (string, string) { return parseError(status, body, hint) },
			Throttled:  throttled,
			Permanent:  permanent,
			RetryDelay: retryDelay,
		},
		Base: cfg.HTTP,
	})
	if err != nil {
		return nil, err
	}
	return &Destination{cfg: cfg, c: c}, nil
}

// MaxBatch is the configured recipients per call.
func (d *Destination) MaxBatch() int { return d.cfg.BatchSize }

// Idempotent is false: re-sending sends the email again.
func (d *Destination) Idempotent() bool { return false }

// Supports reports adds only: an email cannot be unsent.
func (d *Destination) Supports(op connectors.Op) bool { return op == connectors.OpAdd }

// HTTPStats exposes the transport counters (connectors.StatsReporter).
func (d *Destination) HTTPStats() connectors.Stats { return d.c.Stats.Snapshot() }

// Apply sends the template to the batch's members in one call.
func (d *Destination) Apply(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	if err := connectors.CheckBatch(d, d.cfg.Name, b); err != nil {
		return nil, err
	}
	return d.send(ctx, b)
}

// Mandrill error names.
const (
	errInvalidKey         = "Invalid_Key"
	errServiceUnavailable = "ServiceUnavailable"
	errGeneral            = "GeneralError"
)

// parseError reads {"status":"error","code":-1,"name":"Invalid_Key","message":"..."}.
func parseError(_ int, body []byte, hint string) (string, string) {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Status != "error" || e.Name == "" {
		return "", ""
	}
	msg := e.Message
	if e.Name == errInvalidKey {
		msg += " (" + hint + ")" // Mandrill answers a bad key with HTTP 500, where httpx adds no hint
	}
	return e.Name, msg
}

// throttled: a 429 (always) or Mandrill's ServiceUnavailable, which asks to come back later.
func throttled(_ int, code string, _ http.Header) bool { return code == errServiceUnavailable }

// permanent: any named Mandrill error except ServiceUnavailable and GeneralError is a refusal that
// a retry cannot change (Invalid_Key, ValidationError, Unknown_Template, PaymentRequired, ...),
// though Mandrill sends them with HTTP 500.
func permanent(_ int, code string) bool {
	return code != "" && code != errServiceUnavailable && code != errGeneral
}

// retryDelay honours Retry-After; a ServiceUnavailable without one asks for 30s.
func retryDelay(h http.Header, body []byte) time.Duration {
	if d := httpx.RetryAfterHeader(h); d > 0 {
		return d
	}
	var e apiError
	if json.Unmarshal(body, &e) == nil && e.Name == errServiceUnavailable {
		return 30 * time.Second
	}
	return 0
}
