// Package arch holds the architecture test: the import rules that keep the layers apart, checked
// over `go list` of the whole module on every `go test ./...`.
package arch

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cdpflow/cdpflow"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = ".."
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(out)
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("go list: %v", err)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func local(imports []string) []string {
	var out []string
	for _, i := range imports {
		if rel, ok := strings.CutPrefix(i, module+"/"); ok {
			out = append(out, rel)
		}
	}
	return out
}

// vendorPackage reports whether a package is a connector implementation (a vendor or the HTTP
// transport), as opposed to the connector contract and its registry.
func vendorPackage(p string) bool {
	rest, ok := strings.CutPrefix(p, "connectors/")
	return ok && rest != "connectortest" && rest != "all"
}

func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	above := []string{"activities", "workflows", "engine", "worker", "starter", "e2e"}
	for name, p := range pkgs {
		imports := local(p.Imports)
		if slices.Contains(imports, "activities") && !slices.Contains(above, name) {
			t.Errorf("%s imports activities: only %v may (activities sit on top of the domain packages)", name, above)
		}
		if name == "activities" || name == "workflows" {
			for _, i := range imports {
				if vendorPackage(i) {
					t.Errorf("%s imports %s: it must reach connectors only through the registry and the connectors contracts", name, i)
				}
			}
		}
		if name == "workflows" && slices.Contains(imports, "store") {
			t.Errorf("workflows imports the store: workflow code only orchestrates activities")
		}
		if strings.HasPrefix(name, "connectors") || slices.Contains([]string{"record", "cleansing", "identity", "segments", "delivery", "profiles", "store"}, name) {
			for _, d := range p.Deps {
				if strings.HasPrefix(d, "go.temporal.io/") {
					t.Errorf("%s depends on %s: domain packages and connectors never see Temporal", name, d)
					break
				}
			}
		}
	}
}

func TestImportRules_CatchAViolation(t *testing.T) {
	// The rules above must be able to fail: a vendor import is recognised, the contract is not.
	if !vendorPackage("connectors/httpx") || !vendorPackage("connectors/hubspot") || vendorPackage("connectors") || vendorPackage("connectors/all") {
		t.Fatal("vendorPackage misclassifies")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
}
