package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateOutput(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "export.csv")
	f, err := createOutput("--output", p, false)
	require.NoError(t, err)
	f.Close()
	st, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	_, err = createOutput("--output", p, false)
	require.Error(t, err, "an existing file is not overwritten without --force")
	assert.Contains(t, err.Error(), "--force")
	f, err = createOutput("--output", p, true)
	require.NoError(t, err)
	f.Close()

	target := filepath.Join(dir, "elsewhere")
	require.NoError(t, os.WriteFile(target, []byte("keep"), 0o644))
	link := filepath.Join(dir, "link.csv")
	require.NoError(t, os.Symlink(target, link))
	_, err = createOutput("--output", link, true)
	require.Error(t, err, "a symbolic link is never followed, even with --force")
	b, _ := os.ReadFile(target)
	assert.Equal(t, "keep", string(b))
}
