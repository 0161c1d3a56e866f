// This file holds the Mailchimp destination's Config, constructor, contract methods and transport hooks.
//
// Package mailchimp syncs segment membership into one Mailchimp Marketing audience (list): adds are
// a batch upsert of subscribed members followed by one tag call per member (its segments as active
// tags); removes archive the member (or, with Remove "untag", set the segment tags inactive).
package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// MaxBatch is the most members Mailchimp's batch upsert accepts in one call.
const MaxBatch = 500

// maxConnections is Mailchimp's limit of simultaneous connections per account (then 429).
const maxConnections = 10

// Remove modes.
const (
	RemoveArchive = "archive" // DELETE the member: it leaves the audience (archived, restorable)
	RemoveUntag   = "untag"   // keep the member, set the configured segment tags inactive
)

// Config configures a Mailchimp destination.
type Config struct {
	Name string // configured destination name (default "mailchimp")
	// BaseURL defaults to https://{dc}.api.mailchimp.com/3.0, dc being the API key's suffix after "-".
	BaseURL   string
	APIKey    string // the secret's value
	APIKeyEnv string // the variable it came from, for hints (default MAILCHIMP_API_KEY)
	ListID    string // the audience id
	// MergeFields sends FNAME/LNAME (only non-empty values, so existing ones are never blanked).
	MergeFields bool
	// Segments lists every segment this destination syncs. Optional for adds (tags of listed segments
	// a member is not in are set inactive, so a member who moves between segments loses the old tag);
	// required when Remove is "untag".
	Segments []string
	// Remove is RemoveArchive (default) or RemoveUntag.
	Remove string
	// Concurrency bounds parallel per-member calls (tags, archive): default 4, at most 9 so one
	// batch call can run alongside without crossing Mailchimp's 10-connection limit.
	Concurrency       int
	RequestsPerSecond float64
	Burst             int
	HTTP              http.RoundTripper // optional transport (tests)
}

// Destination is a Mailchimp audience. It implements connectors.Destination.
type Destination struct {
	cfg Config
	c   *httpx.Client
}

var _ connectors.Destination = (*Destination)(nil)

// New validates cfg and builds the destination.
func New(cfg Config) (*Destination, error) {
	if cfg.Name == "" {
		cfg.Name = "mailchimp"
	}
	if cfg.APIKeyEnv == "" {
		cfg.APIKeyEnv = "MAILCHIMP_API_KEY"
	}
	if cfg.APIKey == "" {
		return nil, fmt.Errorf("%s: no API key: set $%s", cfg.Name, cfg.APIKeyEnv)
	}
	if cfg.ListID == "" {
		return nil, fmt.Errorf("%s: list_id is required", cfg.Name)
	}
	if cfg.BaseURL == "" {
		i := strings.LastIndexByte(cfg.APIKey, '-')
		if i < 0 || i == len(cfg.APIKey)-1 {
			return nil, fmt.Errorf("%s: base_url not set and the API key in $%s has no -<dc> suffix to derive it from", cfg.Name, cfg.APIKeyEnv)
		}
		cfg.BaseURL = "https://" + cfg.APIKey[i+1:] + ".api.mailchimp.com/3.0"
	}
	switch cfg.Remove {
	case "":
		cfg.Remove = RemoveArchive
	case RemoveArchive:
	case RemoveUntag:
		if len(cfg.Segments) == 0 {
			return nil, fmt.Errorf("%s: remove mode %q needs the destination's segments", cfg.Name, RemoveUntag)
		}
	default:
		return nil, fmt.Errorf("%s: remove mode %q is not %q or %q", cfg.Name, cfg.Remove, RemoveArchive, RemoveUntag)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Concurrency > maxConnections-1 {
		cfg.Concurrency = maxConnections - 1
	}
	key := cfg.APIKey
	c, err := httpx.New(httpx.Options{
		Name:              cfg.Name,
		BaseURL:           cfg.BaseURL,
		RequestsPerSecond: cfg.RequestsPerSecond,
		Burst:             cfg.Burst,
		Auth:              func(r *http.Request) { r.SetBasicAuth("cdpflow", key) },
		Hint:              "check the API key in $" + cfg.APIKeyEnv,
		Vendor:            httpx.Vendor{ParseError: parseError, RetryDelay: retryDelay},
		Base:              cfg.HTTP,
	})
	if err != nil {
		return nil, err
	}
	return &Destination{cfg: cfg, c: c}, nil
}

// MaxBatch is Mailchimp's batch upsert limit.
func (d *Destination) MaxBatch() int { return MaxBatch }

// Idempotent is true: upserts, tags and archives can be repeated without further effect.
func (d *Destination) Idempotent() bool { return true }

// Supports reports both adds and removes.
func (d *Destination) Supports(op connectors.Op) bool {
	return op == connectors.OpAdd || op == connectors.OpRemove
}

// HTTPStats exposes the transport counters (connectors.StatsReporter).
func (d *Destination) HTTPStats() connectors.Stats { return d.c.Stats.Snapshot() }

// Apply upserts (add) or archives/untags (remove) one batch.
func (d *Destination) Apply(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	if err := connectors.CheckBatch(d, d.cfg.Name, b); err != nil {
		return nil, err
	}
	if b.Op == connectors.OpRemove {
		return d.remove(ctx, b.Members)
	}
	return d.add(ctx, b.Members)
}

// parseError reads Mailchimp's application/problem+json body.
func parseError(_ int, body []byte) (string, string) {
	var p problem
	if json.Unmarshal(body, &p) != nil {
		return "", ""
	}
	return p.Title, p.Detail
}

// retryDelay honours a Retry-After header; Mailchimp sends none with its 429 (too many simultaneous
// connections), which clears as soon as running calls finish, so a 429 problem body asks for 1s.
func retryDelay(h http.Header, body []byte) time.Duration {
	if d := httpx.RetryAfterHeader(h); d > 0 {
		return d
	}
	var p problem
	if json.Unmarshal(body, &p) == nil && p.Status == http.StatusTooManyRequests {
		return time.Second
	}
	return 0
}
