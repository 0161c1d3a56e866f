// This file holds how commands create the files they export to: mode 0600 (exports hold personal
// data), never through a symbolic link, and never over an existing file unless --force says so.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// createOutput creates path for writing an export.
func createOutput(flag, path string, force bool) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil {
		if st.Mode()&os.ModeSymlink != 0 {
			return nil, usageError("%s %s is a symbolic link; write to a real path (exports never follow links)", flag, path)
		}
		if !force {
			return nil, usageError("%s %s already exists; choose another path or add --force to overwrite it", flag, path)
		}
		if !st.Mode().IsRegular() {
			return nil, usageError("%s %s is not a regular file", flag, path)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	mode := os.O_WRONLY | os.O_CREATE | syscall.O_NOFOLLOW
	if force {
		mode |= os.O_TRUNC
	} else {
		mode |= os.O_EXCL
	}
	f, err := os.OpenFile(path, mode, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	if err := f.Chmod(0o600); err != nil { // an overwritten file keeps no looser mode
		f.Close()
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return f, nil
}
