package rules

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadDir reads every .rego file below dir (tests included; the engine
// skips *_test.rego when linting).
func LoadDir(dir string) ([]Module, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--policy %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--policy %s: not a directory", dir)
	}
	var mods []Module
	err = walkRego(dir, func(p string, b []byte) {
		mods = append(mods, Module{File: filepath.ToSlash(p), Source: b, Custom: true})
	})
	if err != nil {
		return nil, fmt.Errorf("--policy %s: %w", dir, err)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].File < mods[j].File })
	return mods, nil
}

// walkRego calls fn with the path and content of every .rego file below dir.
func walkRego(dir string, fn func(path string, src []byte)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fn(p, b)
		return nil
	})
}
