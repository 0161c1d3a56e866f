// This file holds what a connector's configuration section looks like to the engine: Settings (a
// vendor's typed keys with defaults and validation), Check (how validation reports a problem) and
// Env (what a constructor receives).
package connectors

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Settings is a vendor's own configuration section: a pointer to a struct whose fields carry
// `koanf` tags for the vendor keys of a sources[] or destinations[] entry (token_env, list_id ...).
// Spec.Settings returns it with the vendor's defaults filled in; the configuration decodes the
// entry's vendor keys onto it (unknown keys are errors) and then calls Validate.
type Settings interface {
	Validate(c *Check)
}

// Check collects the problems of one configuration entry, each naming its key and the fix.
type Check struct {
	// Key is the entry's path, e.g. "sources[2]".
	Key string
	// BaseURL is the entry's configured base_url ("" when not set).
	BaseURL string
	// Sandbox is true when the entry uses the built-in imitation (no secrets needed).
	Sandbox bool
	// Secrets asks Secret to verify that secret variables are set (processes that call vendors).
	Secrets bool
	// Getenv reads the environment (default: none set).
	Getenv func(string) string
	// Problems are "key: message" lines.
	Problems []string
}

// Add reports a problem with the entry's key (relative, e.g. "list_id").
func (c *Check) Add(key, format string, args ...any) {
	c.Problems = append(c.Problems, c.Key+"."+key+": "+fmt.Sprintf(format, args...))
}

// Required reports an empty required value; what says what to put there.
func (c *Check) Required(key, value, what string) {
	if strings.TrimSpace(value) == "" {
		c.Add(key, "is required: %s", what)
	}
}

// Secret checks a *_env key: it must name a variable, and (when Secrets) that variable must be set.
// Sandbox entries need no secret.
func (c *Check) Secret(key, envName string) {
	if c.Sandbox {
		return
	}
	if envName == "" {
		c.Add(key, "is required for a connector that is not the sandbox; name the environment variable holding the secret")
		return
	}
	if !ValidEnvName(envName) {
		c.Add(key, "is not an environment variable name (letters, digits and _); put the secret in a variable and name it here, never the secret itself")
		return
	}
	if c.Secrets && (c.Getenv == nil || c.Getenv(envName) == "") {
		c.Add(key, "names %s, which is not set; export %s=<secret>, or set base_url: sandbox to use the local imitation", envName, envName)
	}
}

// ValidEnvName reports whether s looks like an environment variable name.
func ValidEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// RateLimit is a client-side request budget.
type RateLimit struct {
	RequestsPerSecond float64
	Burst             int
}

// Env is what a constructor receives: the entry's common keys resolved by the engine, and the
// vendor's decoded Settings.
type Env struct {
	// Name is the entry's configured name (record.Source for sources).
	Name string
	// BaseURL is the sandbox's URL for sandbox entries, else the configured base_url ("" = the
	// vendor's default).
	BaseURL string
	// Sandbox is true when BaseURL is the built-in imitation.
	Sandbox   bool
	Settings  Settings
	RateLimit RateLimit
	// Secret returns the value of a secret variable (the sandbox's stand-in for sandbox entries).
	Secret func(envName string) string
	// SecretFile reads the file whose path the variable fileEnv holds (Docker and Kubernetes
	// secrets); for sandbox entries an unset variable yields the stand-in secret.
	SecretFile func(fileEnv string) ([]byte, error)
	// Keep returns the value kept under key, building it on first use, so a credential (and its
	// cached access token) outlives one activity; nil keeps nothing.
	Keep func(key string, build func() (any, error)) (any, error)
	// Segments lists the segments a destination maintains (e.g. Mailchimp tags).
	Segments []string
	// HTTP replaces the underlying transport (tests); nil means the default.
	HTTP http.RoundTripper
}

// SecretOf returns e.Secret(envName), or "" when no secret reader is set.
func (e Env) SecretOf(envName string) string {
	if e.Secret == nil || envName == "" {
		return ""
	}
	return e.Secret(envName)
}

// ReadSecret returns the secret named by env, or (when fileEnv is set) the trimmed content of
// the file whose path $fileEnv holds.
func (e Env) ReadSecret(env, fileEnv string) (string, error) {
	if fileEnv == "" {
		return e.SecretOf(env), nil
	}
	read := e.SecretFile
	if read == nil {
		read = ReadSecretFile(os.Getenv)
	}
	b, err := read(fileEnv)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// ReadSecretFile returns a SecretFile reader over getenv: the variable holds a path, the file the
// secret. Errors name the variable, never the content.
func ReadSecretFile(getenv func(string) string) func(fileEnv string) ([]byte, error) {
	return func(fileEnv string) ([]byte, error) {
		path := getenv(fileEnv)
		if path == "" {
			return nil, fmt.Errorf("$%s is not set: it should hold the path of the file with the secret", fileEnv)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read the file named by $%s: %w", fileEnv, errors.Unwrap(err))
		}
		return b, nil
	}
}

// SecretFile checks a *_file_env key: it must name a variable, and (when Secrets) that variable must
// hold the path of a readable file.
func (c *Check) SecretFile(key, envName string) {
	c.Secret(key, envName)
	if c.Sandbox || !c.Secrets || c.Getenv == nil || !ValidEnvName(envName) {
		return
	}
	if path := c.Getenv(envName); path != "" {
		if f, err := os.Open(path); err != nil {
			c.Add(key, "names %s, whose file cannot be read (%v); mount the secret file there", envName, errors.Unwrap(err))
		} else {
			f.Close()
		}
	}
}

// CheckURL reports a base_url that is neither empty, "sandbox" nor an absolute http(s) URL with a
// host. The message never repeats the URL's userinfo (it may hold a password).
func CheckURL(c *Check, key, raw string) {
	if raw == "" || raw == "sandbox" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		c.Add(key, "is neither sandbox nor an absolute http(s) URL with a host (e.g. https://api.example.com)")
		return
	}
	if u.User != nil {
		c.Add(key, "carries credentials in the URL; remove them and put the secret in an environment variable named by a *_env key")
	}
}

// Snapshot is implemented by the Settings of sources that can hold their whole record set in every
// read (a CSV export): FullSnapshot reports whether this one does, so each read is a full read and a
// record missing from it is a deletion.
type Snapshot interface {
	FullSnapshot() bool
}

// EngagementKeys is implemented by the Settings of analytics sources whose engagement rows are keyed
// by the customer ids of another source (GA4's customer dimension holds CRM ids).
type EngagementKeys interface {
	// CustomerSource names that source ("" = the first CRM source configured).
	CustomerSource() string
}

// APIKey is the api_key_env / api_key_file_env pair of vendors whose credential is an API key
// (Mailchimp, Mandrill); embed it with `koanf:",squash"`.
type APIKey struct {
	Env     string `koanf:"api_key_env"`
	FileEnv string `koanf:"api_key_file_env"` // a variable holding the path of a file with the key
}

// Validate checks that the key's variable (or file variable) is named and, when asked, set.
func (k APIKey) Validate(c *Check) {
	if k.FileEnv != "" {
		c.SecretFile("api_key_file_env", k.FileEnv)
		return
	}
	c.Secret("api_key_env", k.Env)
}

// Read returns the key and the name of where it came from, for hints.
func (k APIKey) Read(e Env) (key, from string, err error) {
	key, err = e.ReadSecret(k.Env, k.FileEnv)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", e.Name, err)
	}
	if k.FileEnv != "" {
		return key, k.FileEnv + " (a file path)", nil
	}
	return key, k.Env, nil
}
