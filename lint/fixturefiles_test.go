package lint

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// FixtureFiles lists the stack files of a fixture folder, sorted. (The
// fixture runner is lint/linttest; the package's own tests, which cannot
// import it, only need this listing.)
func FixtureFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".yaml")) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

// allFixtureFiles lists the stack files of every fixture folder
// (../fixtures/*/), folder by folder.
func allFixtureFiles(t *testing.T) []string {
	t.Helper()
	dirs, err := os.ReadDir("../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, d := range dirs {
		if d.IsDir() {
			fs, err := FixtureFiles(filepath.Join("../fixtures", d.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, fs...)
		}
	}
	return files
}
