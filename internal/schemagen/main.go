// Command schemagen writes docs/input.schema.json and the field reference
// in docs/model.md from the Go types of the network model (analyzer.Model),
// by reflection, with descriptions from the types' doc comments. The model
// is the Rego input and a public contract: a test fails when the files
// drift from the types.
//
// Run it from the repository root after changing analyzer/model.go:
//
//	go run ./internal/schemagen
//
// or, equivalently, go generate ./internal/schemagen.
package main

//go:generate go run .

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// Output files, relative to the repository root.
const (
	SchemaFile = "docs/input.schema.json"
	ModelDoc   = "docs/model.md"
)

func main() {
	root := flag.String("root", "", "repository root (default: the nearest directory upwards with a go.mod)")
	check := flag.Bool("check", false, "only report whether the files are up to date (exit 1 when not)")
	flag.Parse()
	if err := run(*root, *check); err != nil {
		fmt.Fprintf(os.Stderr, "schemagen: %v\n", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	if root == "" {
		r, err := findRoot()
		if err != nil {
			return err
		}
		root = r
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return fmt.Errorf("%s is not the repository root (no go.mod); pass -root", root)
	}
	files, err := Generate(root)
	if err != nil {
		return err
	}
	stale := false
	for _, name := range []string{SchemaFile, ModelDoc} {
		p := filepath.Join(root, name)
		old, _ := os.ReadFile(p)
		if bytes.Equal(old, files[name]) {
			continue
		}
		if check {
			fmt.Fprintf(os.Stderr, "schemagen: %s is out of date\n", name)
			stale = true
			continue
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
		fmt.Printf("wrote %s\n", name)
	}
	if stale {
		return fmt.Errorf("run: go run ./internal/schemagen")
	}
	return nil
}

// findRoot returns the nearest directory upwards from the working
// directory that has a go.mod.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod found upwards from the working directory; pass -root")
		}
		dir = parent
	}
}

// Generate returns the contents of SchemaFile and ModelDoc for the
// repository at root (ModelDoc keeps its hand-written text around the
// generated section).
func Generate(root string) (map[string][]byte, error) {
	s, err := buildSchema(root)
	if err != nil {
		return nil, err
	}
	schema, err := s.JSON()
	if err != nil {
		return nil, err
	}
	old, err := os.ReadFile(filepath.Join(root, ModelDoc))
	if err != nil {
		return nil, fmt.Errorf("reading %s (it holds the hand-written part around the generated section): %w", ModelDoc, err)
	}
	doc, err := spliceGenerated(old, s.Markdown())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ModelDoc, err)
	}
	return map[string][]byte{SchemaFile: schema, ModelDoc: doc}, nil
}
