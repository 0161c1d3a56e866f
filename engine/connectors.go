// This file holds Connectors: it builds each configured source and destination through its
// connector spec, pointing sandbox entries at the running sandbox and handing real ones the secrets
// their *_env keys name.
package engine

import (
	"fmt"
	"os"
	"sync"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	_ "github.com/cdpflow/cdpflow/connectors/all" // every vendor registers itself
	"github.com/cdpflow/cdpflow/sandbox"
)

// sandboxSecret is the credential sandbox connectors present when their variable is unset.
const sandboxSecret = "sandbox-secret"

// Connectors builds connectors from configuration. It implements activities.Connectors.
type Connectors struct {
	Config  *config.Config
	Sandbox *sandbox.Sandbox
	// Getenv reads secrets (default os.Getenv).
	Getenv func(string) string

	kept sync.Map // credentials shared by the activities of this process
}

// keep returns the value under key, building it once (a failed build is not kept).
func (c *Connectors) keep(key string, build func() (any, error)) (any, error) {
	if v, ok := c.kept.Load(key); ok {
		return v, nil
	}
	v, err := build()
	if err != nil {
		return nil, err
	}
	actual, _ := c.kept.LoadOrStore(key, v)
	return actual, nil
}

func (c *Connectors) getenv(name string) string {
	if c.Getenv != nil {
		return c.Getenv(name)
	}
	return os.Getenv(name)
}

// env resolves an entry's common keys: the sandbox's URL and a stand-in secret for sandbox
// entries, else the configured URL and the secrets from the environment.
func (c *Connectors) env(name, baseURL string, spec connectors.Spec, settings connectors.Settings, rl config.RateLimit) (connectors.Env, error) {
	e := connectors.Env{Name: name, BaseURL: baseURL, Settings: settings, RateLimit: rl.Budget(), Secret: c.getenv,
		SecretFile: connectors.ReadSecretFile(c.getenv), Keep: c.keep}
	if spec.Sandbox == "" || !c.Config.UsesSandbox(baseURL) {
		return e, nil
	}
	if c.Sandbox == nil {
		return e, fmt.Errorf("base_url selects the sandbox, but no sandbox is running")
	}
	u, ok := c.Sandbox.URLs[spec.Sandbox]
	if !ok {
		return e, fmt.Errorf("the sandbox has no %s imitation", spec.Type)
	}
	e.BaseURL, e.Sandbox = u, true
	e.Secret = func(env string) string {
		if v := c.getenv(env); env != "" && v != "" {
			return v
		}
		return sandboxSecret
	}
	e.SecretFile = func(fileEnv string) ([]byte, error) {
		if c.getenv(fileEnv) == "" {
			return []byte(sandboxSecret), nil
		}
		return connectors.ReadSecretFile(c.getenv)(fileEnv)
	}
	return e, nil
}

// Source builds the named source connector.
func (c *Connectors) Source(name string) (connectors.Source, error) {
	s, ok := c.Config.Source(name)
	if !ok {
		return nil, fmt.Errorf("unknown source %q", name)
	}
	e, err := c.env(s.Name, s.BaseURL, s.Spec, s.Settings, s.RateLimit)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", name, err)
	}
	return s.Spec.NewSource(e)
}

// Destination builds the named destination connector.
func (c *Connectors) Destination(name string) (connectors.Destination, error) {
	d, ok := c.Config.Destination(name)
	if !ok {
		return nil, fmt.Errorf("unknown destination %q", name)
	}
	e, err := c.env(d.Name, d.BaseURL, d.Spec, d.Settings, d.RateLimit)
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", name, err)
	}
	e.Segments = c.Config.DestinationSegments(d.Name)
	return d.Spec.NewDestination(e)
}

// Spec returns the spec of a configured source or destination.
func (c *Connectors) Spec(name string) (connectors.Spec, bool) {
	if s, ok := c.Config.Source(name); ok {
		return s.Spec, true
	}
	if d, ok := c.Config.Destination(name); ok {
		return d.Spec, true
	}
	return connectors.Spec{}, false
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
