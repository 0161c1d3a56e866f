package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEdit: the edited copy changes about the asked fraction of rows and leaves every other row
// byte-identical (what the incremental benchmark relies on), and generation is repeatable.
func TestEdit(t *testing.T) {
	dir := t.TempDir()
	src, mapping := filepath.Join(dir, "c.csv"), filepath.Join(dir, "m.yaml")
	if err := GenerateFile(src, mapping, 5000, 1); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := Generate(&again, 5000, 1); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(src)
	if !bytes.Equal(before, again.Bytes()) {
		t.Fatal("the same seed must generate the same file")
	}
	dst := filepath.Join(dir, "edited.csv")
	n, err := Edit(src, dst, 0.01, 2)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(dst)
	a, b := strings.Split(string(before), "\n"), strings.Split(string(after), "\n")
	if len(a) != len(b) || a[0] != strings.Join(Header, ",") {
		t.Fatalf("rows %d vs %d, header %q", len(a), len(b), a[0])
	}
	diff := 0
	for i := range a {
		if a[i] != b[i] {
			diff++
			if strings.Split(a[i], ",")[0] != strings.Split(b[i], ",")[0] {
				t.Fatalf("row %d changed its id", i)
			}
		}
	}
	if diff != n || n < 20 || n > 80 {
		t.Fatalf("edited %d rows, %d differ; want about 50 of 5000", n, diff)
	}
}
