package rules

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swarmlint/swarmlint/internal/safeio"
)

// LoadDir reads every .rego file below dir (tests included; the engine
// skips *_test.rego when linting), within the repository of the working
// directory (see LoadDirIn).
func LoadDir(dir string) ([]Module, error) {
	return LoadDirIn(dir, safeio.RepoRoot("."))
}

// LoadDirIn reads every .rego file below dir. Each must be a regular file
// of at most safeio.MaxPolicySize bytes; a symbolic link inside root that
// leads outside it is refused (a directory named outside root is fine).
func LoadDirIn(dir string, root safeio.Root) ([]Module, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--policy %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--policy %s: not a directory", dir)
	}
	var mods []Module
	err = walkRego(dir, root, func(p string, b []byte) {
		mods = append(mods, Module{File: filepath.ToSlash(p), Source: b, Custom: true})
	})
	if err != nil {
		return nil, fmt.Errorf("--policy %s: %w", dir, err)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].File < mods[j].File })
	return mods, nil
}

// walkRego calls fn with the path and content of every .rego file below dir.
func walkRego(dir string, root safeio.Root, fn func(path string, src []byte)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		if err := root.Allow(p, true); err != nil {
			return err
		}
		b, err := safeio.ReadFile(p, safeio.MaxPolicySize)
		if err != nil {
			return fmt.Errorf("%s: %s", p, safeio.Reason(err))
		}
		fn(p, b)
		return nil
	})
}
