package safeio

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// streamDirs hold the system's device and process files: a path below them
// (-o /dev/null, /dev/stdout, /proc/self/fd/1) is written through, never
// replaced. A variable so that tests can point it at a directory of their own.
var streamDirs = []string{"/dev/", "/proc/"}

// writeThrough writes data to path without replacing it when path is a
// device, a pipe or a socket, or lies below streamDirs (where a link such
// as /dev/stdout leads to the process's own output). It reports whether it
// handled path. A block device is refused. Renaming a temporary file over
// /dev/null, as root, would replace the system's null device with a
// regular file.
func writeThrough(path string, data []byte) (bool, error) {
	lst, err := os.Lstat(path)
	if err != nil {
		return false, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false, nil
	}
	system := false
	for _, d := range streamDirs {
		system = system || strings.HasPrefix(abs, d)
	}
	st := lst
	if lst.Mode()&fs.ModeSymlink != 0 {
		if !system {
			return false, nil // a link elsewhere is replaced, never written through
		}
		if st, err = os.Stat(path); err != nil {
			return true, err
		}
	}
	m := st.Mode()
	switch {
	case m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0:
		return true, fmt.Errorf("%s: is a block device", path)
	case m&(fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) == 0 && !system:
		return false, nil
	case m.IsDir():
		return true, fmt.Errorf("%s: is a directory", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return true, err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return true, err
}

// WriteFile replaces path with data atomically: the bytes go to a temporary
// file in the same directory, which is then renamed over path. A failure or
// a kill at any point leaves the old file as it was. When path is a
// symbolic link, the link itself is replaced by the new file; whatever it
// pointed at is never written. An existing file keeps its permission bits;
// a new one gets 0644. A device, pipe or socket, and a path below /dev or
// /proc (-o /dev/null, -o /dev/stdout), is written through instead (see
// writeThrough); a block device is refused.
func WriteFile(path string, data []byte) error {
	if handled, err := writeThrough(path, data); handled {
		return err
	}
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
