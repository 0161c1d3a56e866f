package console

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestOpenAPI_ListsEveryEndpoint keeps docs/openapi.yaml in step with the router.
func TestOpenAPI_ListsEveryEndpoint(t *testing.T) {
	data, err := os.ReadFile("../docs/openapi.yaml")
	require.NoError(t, err)
	var spec struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(data, &spec))
	cfg := loadServeConfig(t, []string{"T_OP=0123456789abcdef", "T_VIEW=fedcba9876543210"})
	s, err := New(Options{Config: cfg})
	require.NoError(t, err)
	routes := 0
	err = chi.Walk(s.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(route, "/api/") && route != "/healthz" {
			return nil
		}
		routes++
		ops, ok := spec.Paths[route]
		if assert.True(t, ok, "docs/openapi.yaml lacks %s", route) {
			assert.Contains(t, ops, strings.ToLower(method), "docs/openapi.yaml lacks %s %s", method, route)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, routes, 10)
}
