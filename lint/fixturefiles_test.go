package lint

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
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
