package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/identity"
)

// secrets are the *_env variables of the example configuration.
var secrets = []string{"HUBSPOT_TOKEN", "SALESFORCE_TOKEN", "SHOPIFY_TOKEN", "SQUARE_TOKEN", "GA4_TOKEN",
	"MAILCHIMP_API_KEY", "MANDRILL_API_KEY", "META_TOKEN", "GOOGLE_ADS_TOKEN", "GOOGLE_ADS_DEVELOPER_TOKEN"}

func setSecrets(t *testing.T) {
	for _, s := range secrets {
		t.Setenv(s, "x")
	}
}

func writeYAML(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "cdpflow.yaml")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

func TestLoad_Defaults(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg, err := Load(LoadOptions{Environ: []string{}})
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:7233", cfg.Temporal.Address)
	assert.Equal(t, "sqlite", cfg.Store.Driver)
	assert.Len(t, cfg.Sources, 5)
	assert.True(t, cfg.AnySandbox())
	assert.Equal(t, "1h0m0s", cfg.Sources[0].Lookback.String())
	assert.True(t, cfg.Identity.Threshold.Auto(), "the match threshold is chosen from the model by default")
}

func TestLoad_IdentityThreshold(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		yaml, env string
		want      identity.Threshold
	}{
		{"identity:\n  threshold: 0.9\n", "", 0.9},
		{"identity:\n  threshold: auto\n", "", identity.ThresholdAuto},
		{"identity:\n  threshold: 0.9\n", "CDPFLOW_IDENTITY__THRESHOLD=auto", identity.ThresholdAuto},
		{"identity:\n  threshold: auto\n", "CDPFLOW_IDENTITY__THRESHOLD=0.8", 0.8},
	} {
		env := []string{}
		if tc.env != "" {
			env = append(env, tc.env)
		}
		cfg, err := Load(LoadOptions{File: writeYAML(t, tc.yaml), Environ: env})
		require.NoError(t, err, tc.yaml)
		assert.Equal(t, tc.want, cfg.Identity.Threshold, "%s %s", tc.yaml, tc.env)
	}
	_, err := Load(LoadOptions{File: writeYAML(t, "identity:\n  threshold: high\n"), Environ: []string{}})
	require.Error(t, err)
	assert.ErrorContains(t, err, "threshold")
	assert.ErrorContains(t, err, "auto")
}

func TestLoad_Layers(t *testing.T) {
	t.Chdir(t.TempDir())
	file := writeYAML(t, "temporal:\n  address: file:7233\n  namespace: from-file\nstore:\n  driver: postgres\n  dsn: postgres://x\n")
	cfg, err := Load(LoadOptions{File: file,
		Environ: []string{"CDPFLOW_TEMPORAL__NAMESPACE=from-env", "CDPFLOW_TEMPORAL__ADDRESS=env:7233", "CDPFLOW_TEST_POSTGRES_DSN=ignored"},
		Flags:   map[string]string{"temporal.address": "flag:7233"}})
	require.NoError(t, err)
	assert.Equal(t, "flag:7233", cfg.Temporal.Address, "flags beat the environment")
	assert.Equal(t, "from-env", cfg.Temporal.Namespace, "the environment beats the file")
	assert.Equal(t, "postgres", cfg.Store.Driver, "the file beats the defaults")
	assert.Equal(t, "cdpflow", cfg.Temporal.TaskQueue, "defaults fill the rest")
}

func TestLoad_ReadsCdpflowYAMLFromTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, DefaultFile), []byte("log:\n  level: debug\n"), 0o644))
	cfg, err := Load(LoadOptions{Environ: []string{}})
	require.NoError(t, err)
	assert.Equal(t, "debug", cfg.Log.Level)
	assert.Equal(t, DefaultFile, cfg.File)
}

func TestLoad_Errors(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "temporal:\n  adress: x:1\n", []string{"adress"}},
		{"unknown source type", "sources:\n  - {name: a, type: hubspott, base_url: sandbox}\n",
			[]string{"sources[0].type", `unknown source type "hubspott"`, "hubspot, salesforce"}},
		{"duplicate names", "sources:\n  - {name: a, type: hubspot, base_url: sandbox}\n  - {name: a, type: shopify, base_url: sandbox}\n",
			[]string{"sources[1].name", `duplicate source name "a"`}},
		{"destination naming an unknown segment", "destinations:\n  - {name: d, type: meta, base_url: sandbox, audience_id: '1', segments: [nope]}\n",
			[]string{"destinations[0].segments[0]", `unknown segment "nope"`}},
		{"campaign naming an unknown segment and destination", "campaigns:\n  - {name: c, segments: [nope], destinations: [ghost]}\n",
			[]string{"campaigns[0].segments[0]", "campaigns[0].destinations[0]"}},
		{"missing secret for a real connector", "sources:\n  - {name: a, type: hubspot, base_url: 'https://api.hubapi.com', token_env: CDPFLOW_TEST_UNSET_TOKEN}\n",
			[]string{"sources[0].token_env", "CDPFLOW_TEST_UNSET_TOKEN", "not set", "base_url: sandbox"}},
		{"invalid cron", "schedules:\n  - {name: s, cron: '61 * * * *', workflow: refresh}\n", []string{"schedules[0].cron", "61 * * * *"}},
		{"bad time zone", "schedules:\n  - {name: s, cron: '@daily', timezone: Mars/Base, workflow: refresh}\n", []string{"schedules[0].timezone"}},
		{"sync schedule for an unknown source", "schedules:\n  - {name: s, cron: '@hourly', workflow: sync, source: nope}\n", []string{"schedules[0].source"}},
		{"bad segment rule", "segments:\n  - {name: s, rule: 'orders.cnt > 1'}\n", []string{"segments[0].rule", "cnt"}},
		{"bad identity field", "identity:\n  compare: [first_name, shoe_size]\n", []string{"identity.compare[1]", "shoe_size"}},
		{"bad threshold", "identity:\n  threshold: 2\n", []string{"identity.threshold"}},
		{"bad min birth year", "cleanse:\n  min_birth_year: -5\n", []string{"cleanse.min_birth_year", "use e.g. 1900"}},
		{"negative partition rows", "cleanse:\n  partition_rows: -1\n", []string{"cleanse.partition_rows", "use 0 (no parts)"}},
		{"one-to-one link naming an unknown source", "identity:\n  link: {one_to_one: [ghost], threshold: 0}\n", []string{"identity.link.one_to_one[0]", `unknown source "ghost"`}},
		{"unknown store driver", "store:\n  driver: mysql\n", []string{"store.driver", "sqlite or postgres"}},
		{"negative lookback", "sources:\n  - {name: a, type: hubspot, base_url: sandbox, lookback: -5h}\n", []string{"sources[0].lookback", "negative"}},
		{"negative sandbox size", "sandbox:\n  people: -5\n", []string{"sandbox.people", "negative"}},
		{"port out of range", "sandbox:\n  port_base: 99999\n", []string{"sandbox.port_base"}},
		{"unknown log level", "log:\n  level: verbose\n", []string{"log.level", "debug, info, warn or error"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(LoadOptions{File: writeYAML(t, c.yaml), Environ: []string{}, Secrets: true})
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestLoad_ExampleFileIsValid(t *testing.T) {
	setSecrets(t)
	example := mustAbs(t, "cdpflow.example.yaml")
	t.Chdir(t.TempDir())
	cfg, err := Load(LoadOptions{File: example, Environ: []string{}})
	require.NoError(t, err)
	assert.Len(t, cfg.Sources, 6)
	assert.Len(t, cfg.Schedules, 2)
	assert.False(t, cfg.AnySandbox())
}

func TestLoad_ExampleFileKeepsTheContractKeys(t *testing.T) {
	// Every key of the reference contract must exist in the example (extend, never rename).
	ref, err := os.ReadFile("../../shared/reference/config.example.yaml")
	if err != nil {
		t.Skip("shared/reference not beside the checkout")
	}
	ours, err := os.ReadFile("cdpflow.example.yaml")
	require.NoError(t, err)
	for _, k := range yamlKeys(t, ref) {
		assert.Contains(t, yamlKeys(t, ours), k)
	}
}

func yamlKeys(t *testing.T, data []byte) []string {
	var n yaml.Node
	require.NoError(t, yaml.Unmarshal(data, &n))
	var keys []string
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		switch n.Kind {
		case yaml.DocumentNode:
			walk(prefix, n.Content[0])
		case yaml.MappingNode:
			for i := 0; i < len(n.Content); i += 2 {
				k := prefix + n.Content[i].Value
				keys = append(keys, k)
				walk(k+".", n.Content[i+1])
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(prefix, c)
			}
		}
	}
	walk("", &n)
	return keys
}

func mustAbs(t *testing.T, rel string) string {
	p, err := filepath.Abs(rel)
	require.NoError(t, err)
	return p
}

// TestDockerCompose_MatchesTheConfigKeys parses docker-compose.yml and loads the worker's
// CDPFLOW_ environment through Load: the compose file cannot run here, but it must stay valid.
func TestDockerCompose_MatchesTheConfigKeys(t *testing.T) {
	data, err := os.ReadFile("../docker-compose.yml")
	require.NoError(t, err)
	var compose struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Ports       []string          `yaml:"ports"`
			EnvFile     []string          `yaml:"env_file"`
			Networks    []string          `yaml:"networks"`
		} `yaml:"services"`
		Networks map[string]struct {
			Internal bool `yaml:"internal"`
		} `yaml:"networks"`
	}
	require.NoError(t, yaml.Unmarshal(data, &compose))
	for _, svc := range []string{"postgresql", "temporal", "temporal-ui", "store", "worker", "codec-server", "console", "prometheus"} {
		require.Contains(t, compose.Services, svc)
	}
	t.Run("nothing is published beyond this host, Temporal's gRPC and the databases not at all", func(t *testing.T) {
		for name, svc := range compose.Services {
			for _, p := range svc.Ports {
				assert.True(t, strings.HasPrefix(p, "127.0.0.1:"), "%s publishes %s beyond loopback", name, p)
			}
		}
		for _, name := range []string{"temporal", "postgresql", "store"} {
			assert.Empty(t, compose.Services[name].Ports, name)
			assert.Equal(t, []string{"backend"}, compose.Services[name].Networks, name)
		}
		assert.True(t, compose.Networks["backend"].Internal)
	})
	t.Run("no default passwords; secrets come from .env", func(t *testing.T) {
		assert.NotRegexp(t, `PASSWORD:-`, string(data))
		assert.NotContains(t, string(data), "sslmode=disable")
		assert.Equal(t, []string{".env"}, compose.Services["worker"].EnvFile)
		assert.Equal(t, []string{".env"}, compose.Services["console"].EnvFile)
		assert.Equal(t, "0.0.0.0:9464", compose.Services["worker"].Environment["CDPFLOW_METRICS__LISTEN"], "workers serve /metrics to prometheus")
		example, err := os.ReadFile("../.env.example")
		require.NoError(t, err)
		for _, s := range append(secrets, "CDPFLOW_CODEC_KEYS", "CDPFLOW_CODEC_TOKEN", "CDPFLOW_DB_PASSWORD", "TEMPORAL_DB_PASSWORD") {
			assert.Regexp(t, "(?m)^"+s+"=", string(example), ".env.example names %s", s)
		}
	})
	vars := regexp.MustCompile(`\$\{[A-Z_]+:([-?])([^}]*)\}`)
	var environ []string
	for k, v := range compose.Services["worker"].Environment {
		if strings.HasPrefix(k, EnvPrefix) {
			environ = append(environ, k+"="+vars.ReplaceAllStringFunc(v, func(m string) string {
				if sub := vars.FindStringSubmatch(m); sub[1] == "-" {
					return sub[2]
				}
				return "secret" // a required variable
			}))
		}
	}
	require.NotEmpty(t, environ)
	setSecrets(t)
	example := mustAbs(t, "cdpflow.example.yaml")
	t.Chdir(t.TempDir())
	cfg, err := Load(LoadOptions{File: example, Environ: environ})
	require.NoError(t, err)
	assert.Equal(t, "temporal:7233", cfg.Temporal.Address)
	assert.Equal(t, "postgres", cfg.Store.Driver)
}

func TestConfig_DestinationSegments(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg, err := Load(LoadOptions{Environ: []string{}})
	require.NoError(t, err)
	assert.Equal(t, []string{"rfm.champions", "at_risk_high_value"}, cfg.DestinationSegments("meta_lookalike"),
		"spring-winback targets meta_lookalike with at_risk_high_value")
	assert.Equal(t, []string{"rfm.champions", "at_risk_high_value"}, cfg.DestinationSegments("newsletter"))
	assert.Equal(t, []string{"rfm.champions"}, cfg.DestinationSegments("google_ads"))
}

func TestLoad_AFileWithItsOwnSetupStartsFromEmptyLists(t *testing.T) {
	t.Chdir(t.TempDir())
	file := writeYAML(t, `
sources:
  - {name: crm, type: hubspot, base_url: sandbox}
segments:
  - {name: vip, rule: 'orders.count > 3'}
destinations:
  - {name: news, type: mailchimp, base_url: sandbox, list_id: L1, segments: [vip]}
`)
	cfg, err := Load(LoadOptions{File: file, Environ: []string{}})
	require.NoError(t, err, "the built-in demo campaign must not be inherited")
	assert.Empty(t, cfg.Campaigns)
	assert.Len(t, cfg.Sources, 1)
	assert.Len(t, cfg.Segments, 1)
	assert.Len(t, cfg.Destinations, 1)
	assert.Equal(t, "hubspot", cfg.Sources[0].Spec.Type)
	assert.Equal(t, connectors.RoleEmail, cfg.Destinations[0].Spec.Role)
}

func TestLoad_VendorKeysBelongToTheirSpec(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Run("a vendor's defaults come from its package", func(t *testing.T) {
		cfg, err := Load(LoadOptions{Environ: []string{}})
		require.NoError(t, err)
		s, _ := cfg.Source("shop")
		assert.Equal(t, "shopify", s.Spec.Type)
		assert.NotEmpty(t, settingsKeys(s.Settings))
	})
	cases := []struct{ name, yaml, want string }{
		{"a key of another vendor", "sources:\n  - {name: a, type: hubspot, base_url: sandbox, list_id: x}\n",
			"sources[0].list_id: unknown key for a hubspot source; its keys are api_version, base_url"},
		{"a vendor's own rule", "sources:\n  - {name: a, type: square, base_url: sandbox, location_ids: []}\n",
			"sources[0].location_ids: list the Square location ids"},
		{"a secret pasted into token_env is not echoed", "sources:\n  - {name: a, type: hubspot, base_url: 'https://api.hubapi.com', token_env: 'pat-na1-abc/def'}\n",
			"sources[0].token_env: is not an environment variable name"},
		{"a password in base_url is not echoed", "sources:\n  - {name: a, type: hubspot, base_url: 'https://u:hunter2@api.hubapi.com'}\n",
			"sources[0].base_url: carries credentials"},
		{"a URL without a host", "destinations:\n  - {name: d, type: meta, base_url: 'http://', audience_id: '1', segments: [rfm.champions]}\n",
			"destinations[0].base_url: is neither sandbox nor an absolute http(s) URL with a host"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(LoadOptions{File: writeYAML(t, c.yaml), Environ: []string{}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "hunter2")
			assert.NotContains(t, err.Error(), "pat-na1-abc")
		})
	}
}
