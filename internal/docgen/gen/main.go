// Command gen regenerates docs/rules from the rule catalog and the
// compiled-policy snapshot of the built-in policies
// (rules/compiled_policies.bin, as `go generate ./rules` does), everything
// derived from the policies; run it from the repository root after
// changing a policy: go run ./internal/docgen/gen
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swarmlint/swarmlint/internal/docgen"
	"github.com/swarmlint/swarmlint/rules"
)

func main() {
	eng, err := rules.New(context.Background(), rules.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	files := docgen.Files(eng.Catalog(), "fixtures")
	// remove stale pages
	old, _ := filepath.Glob("docs/rules/*.md")
	for _, o := range old {
		if _, keep := files[filepath.ToSlash(o)]; !keep {
			os.Remove(o)
		}
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.MkdirAll(filepath.Dir(n), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := os.WriteFile(n, []byte(files[n]), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	var snap bytes.Buffer
	if err := rules.BuildSnapshot(&snap); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	snapFile := filepath.Join("rules", rules.SnapshotFile)
	if err := os.WriteFile(snapFile, snap.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Printf("wrote %d files (%s) and %s\n", len(names), strings.Join(names[:min(3, len(names))], ", "), snapFile)
}
