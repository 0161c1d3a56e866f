// This file holds Connectors: it builds each configured source and destination connector, pointing
// sandbox ones at the running sandbox and handing real ones the secret named by their *_env key.
package engine

import (
	"fmt"
	"os"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/csvfile"
	"github.com/cdpflow/cdpflow/connectors/ga4"
	"github.com/cdpflow/cdpflow/connectors/googleads"
	"github.com/cdpflow/cdpflow/connectors/hubspot"
	"github.com/cdpflow/cdpflow/connectors/mailchimp"
	"github.com/cdpflow/cdpflow/connectors/mandrill"
	"github.com/cdpflow/cdpflow/connectors/meta"
	"github.com/cdpflow/cdpflow/connectors/salesforce"
	"github.com/cdpflow/cdpflow/connectors/shopify"
	"github.com/cdpflow/cdpflow/connectors/square"
	"github.com/cdpflow/cdpflow/sandbox"
)

// sandboxSecret is the credential sandbox connectors present when their variable is unset.
const sandboxSecret = "sandbox-secret"

// Connectors builds connectors from configuration. It implements activities.Connectors.
type Connectors struct {
	Config  *config.Config
	Sandbox *sandbox.Sandbox
}

// vendorOf maps a connector type to its sandbox imitation.
var vendorOf = map[string]string{
	"hubspot": sandbox.HubSpot, "salesforce": sandbox.Salesforce, "shopify": sandbox.Shopify, "square": sandbox.Square,
	"ga4": sandbox.GA4, "mailchimp": sandbox.Mailchimp, "mandrill": sandbox.Mandrill, "meta": sandbox.Meta,
	"google_ads": sandbox.GoogleAds,
}

// endpoint returns the base URL and secret for a connector: the sandbox's when it uses the
// sandbox, else its configured URL and the value of its *_env variable.
func (c *Connectors) endpoint(typ, baseURL, secretEnv string) (string, string, error) {
	if c.Config.UsesSandbox(baseURL) {
		if c.Sandbox == nil {
			return "", "", fmt.Errorf("base_url selects the sandbox, but no sandbox is running")
		}
		u, ok := c.Sandbox.URLs[vendorOf[typ]]
		if !ok {
			return "", "", fmt.Errorf("the sandbox has no %s imitation", typ)
		}
		secret := sandboxSecret
		if v := os.Getenv(secretEnv); secretEnv != "" && v != "" {
			secret = v
		}
		return u, secret, nil
	}
	return baseURL, os.Getenv(secretEnv), nil
}

// Source builds the named source connector.
func (c *Connectors) Source(name string) (connectors.Source, error) {
	s, ok := c.Config.Source(name)
	if !ok {
		return nil, fmt.Errorf("unknown source %q", name)
	}
	if s.Type == "csv" {
		return csvfile.New(csvfile.Config{Name: s.Name, Path: s.Path, MappingPath: s.Mapping})
	}
	u, token, err := c.endpoint(s.Type, s.BaseURL, s.TokenEnv)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", name, err)
	}
	rps, burst := s.RateLimit.RequestsPerSecond, s.RateLimit.Burst
	switch s.Type {
	case "hubspot":
		return hubspot.New(hubspot.Config{Name: s.Name, BaseURL: u, Token: token, TokenEnv: s.TokenEnv, RequestsPerSecond: rps, Burst: burst})
	case "salesforce":
		return salesforce.New(salesforce.Config{Name: s.Name, BaseURL: u, Token: token, TokenEnv: s.TokenEnv, RequestsPerSecond: rps, Burst: burst, APIVersion: s.APIVersion})
	case "shopify":
		// The plan's rate (2/s standard, 4 advanced, 20 Plus) is also the call bucket's leak rate.
		return shopify.New(shopify.Config{Name: s.Name, BaseURL: u, Token: token, TokenEnv: s.TokenEnv, RequestsPerSecond: rps, Burst: burst,
			APIVersion: s.APIVersion, LeakRate: rps})
	case "square":
		return square.New(square.Config{Name: s.Name, BaseURL: u, Token: token, TokenEnv: s.TokenEnv, RequestsPerSecond: rps, Burst: burst, LocationIDs: s.LocationIDs})
	case "ga4":
		return ga4.New(ga4.Config{Name: s.Name, BaseURL: u, Token: token, TokenEnv: s.TokenEnv, RequestsPerSecond: rps, Burst: burst,
			PropertyID: s.PropertyID, CustomerDimension: s.CustomerDimension, Metrics: s.Metrics})
	}
	return nil, fmt.Errorf("source %s: unknown type %q", name, s.Type)
}

// Destination builds the named destination connector.
func (c *Connectors) Destination(name string) (connectors.Destination, error) {
	d, ok := c.Config.Destination(name)
	if !ok {
		return nil, fmt.Errorf("unknown destination %q", name)
	}
	secretEnv := d.TokenEnv
	if d.Type == "mailchimp" || d.Type == "mandrill" {
		secretEnv = d.APIKeyEnv
	}
	u, secret, err := c.endpoint(d.Type, d.BaseURL, secretEnv)
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", name, err)
	}
	rps, burst := d.RateLimit.RequestsPerSecond, d.RateLimit.Burst
	switch d.Type {
	case "mailchimp":
		return mailchimp.New(mailchimp.Config{Name: d.Name, BaseURL: u, APIKey: secret, APIKeyEnv: d.APIKeyEnv, ListID: d.ListID,
			MergeFields: true, Segments: c.Config.DestinationSegments(d.Name), RequestsPerSecond: rps, Burst: burst})
	case "mandrill":
		return mandrill.New(mandrill.Config{Name: d.Name, BaseURL: u, APIKey: secret, APIKeyEnv: d.APIKeyEnv, Template: d.Template,
			FromEmail: d.FromEmail, RequestsPerSecond: rps, Burst: burst})
	case "meta":
		return meta.New(meta.Config{Name: d.Name, BaseURL: u, Token: secret, TokenEnv: d.TokenEnv, AudienceID: d.AudienceID,
			RequestsPerSecond: rps, Burst: burst})
	case "google_ads":
		dev := sandboxSecret
		if !c.Config.UsesSandbox(d.BaseURL) || os.Getenv(d.DeveloperTokenEnv) != "" {
			dev = os.Getenv(d.DeveloperTokenEnv)
		}
		return googleads.New(googleads.Config{Name: d.Name, BaseURL: u, Token: secret, TokenEnv: d.TokenEnv, DeveloperToken: dev,
			DeveloperTokenEnv: d.DeveloperTokenEnv, CustomerID: d.CustomerID, LoginCustomerID: d.LoginCustomerID, UserList: d.UserList,
			RequestsPerSecond: rps, Burst: burst})
	}
	return nil, fmt.Errorf("destination %s: unknown type %q", name, d.Type)
}

// Check builds every configured connector once, so a connector-level configuration error (a
// mapping file that does not parse, a malformed base URL) stops start-up instead of a run.
func (c *Connectors) Check() error {
	for _, s := range c.Config.Sources {
		if _, err := c.Source(s.Name); err != nil {
			return fmt.Errorf("sources: %s: %w", s.Name, err)
		}
	}
	for _, d := range c.Config.Destinations {
		if _, err := c.Destination(d.Name); err != nil {
			return fmt.Errorf("destinations: %s: %w", d.Name, err)
		}
	}
	return nil
}
