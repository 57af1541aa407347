package safeio

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile replaces path with data atomically: the bytes go to a temporary
// file in the same directory, which is then renamed over path. A failure or
// a kill at any point leaves the old file as it was. When path is a
// symbolic link, the link itself is replaced by the new file; whatever it
// pointed at is never written. An existing file keeps its permission bits;
// a new one gets 0644.
func WriteFile(path string, data []byte) error {
	if st, err := os.Lstat(path); err == nil {
		if st.IsDir() {
			return fmt.Errorf("%s: is a directory", path)
		}
	}
	mode := os.FileMode(0o644)
	if st, err := os.Lstat(path); err == nil && st.Mode().IsRegular() {
		mode = st.Mode().Perm()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		done = true
		return err
	}
	done = true
	return nil
}

// WriteFile is WriteFile after checking that path's directory does not
// reach outside r through a symbolic link inside r (a committed
// `out -> /etc` must not turn `-o out/report.sarif` into a write outside
// the repository). A directory named outside r on the command line is fine.
func (r Root) WriteFile(path string, data []byte) error {
	if err := r.Allow(filepath.Dir(filepath.Clean(path)), true); err != nil {
		return fmt.Errorf("not writing %s: %w", path, err)
	}
	return WriteFile(path, data)
}
