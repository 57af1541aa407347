package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/rules"
)

const root = "../.."

// TestDocsUpToDate is the drift test: docs/input.schema.json and the
// generated part of docs/model.md must match the Go model types.
func TestDocsUpToDate(t *testing.T) {
	files, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{SchemaFile, ModelDoc} {
		old, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, files[name]) {
			t.Errorf("%s does not match the Go model types (analyzer.Model); run: go run ./internal/schemagen", name)
		}
	}
}

// TestEveryFieldDocumented: the model is a public contract, so every field
// has a description, from its Go doc comment or fielddocs.go.
func TestEveryFieldDocumented(t *testing.T) {
	s, err := buildSchema(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range s.Undocumented() {
		t.Errorf("analyzer field %s has no description: add a doc comment to it in the Go source", f)
	}
	fields := s.Fields()
	for key := range fallbackDocs {
		if !slices.Contains(fields, key) {
			t.Errorf("fielddocs.go describes %s, which is not in the model any more; delete the entry", key)
		}
	}
}

// TestSchemaIsValid compiles the schema against its meta-schema.
func TestSchemaIsValid(t *testing.T) {
	compileSchema(t)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, SchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatalf("%s does not compile: %v", SchemaFile, err)
	}
	return sch
}

// TestFixtureModelsMatchSchema builds the model of every fixture the way
// the golden test lints it (each file its own stack, empty environment)
// and validates its JSON, exactly as `swarmlint inspect` prints it and
// Rego receives it, against docs/input.schema.json.
func TestFixtureModelsMatchSchema(t *testing.T) {
	sch := compileSchema(t)
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = filepath.WalkDir(filepath.Join(root, "fixtures"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures found")
	}
	for _, file := range files {
		rel, _ := filepath.Rel(filepath.Join(root, "fixtures"), file)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			cfg := lint.Config{Stacks: []analyzer.StackInput{{Files: []string{file}}}, Env: map[string]string{}}
			_, a, err := lint.RunWith(ctx, eng, cfg)
			if err != nil {
				t.Fatalf("lint failed: %v", err)
			}
			b, err := a.Model.JSON()
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("the model does not match %s:\n%v", SchemaFile, err)
			}
		})
	}
}

// TestSchemaRejectsDrift makes sure the validation has teeth: a valid
// model with an unknown field, a null array or a wrong type is refused.
func TestSchemaRejectsDrift(t *testing.T) {
	sch := compileSchema(t)
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "fixtures", "SWL101-dnsrr-with-ingress-port", "bad.yml")
	_, a, err := lint.RunWith(ctx, eng, lint.Config{Stacks: []analyzer.StackInput{{Files: []string{file}}}, Env: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(a.Model)
	if err != nil {
		t.Fatal(err)
	}
	validate := func(doc string) error {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		return sch.Validate(inst)
	}
	if err := validate(string(b)); err != nil {
		t.Fatalf("the base model is invalid: %v", err)
	}
	for name, edit := range map[string]func(m map[string]any){
		"unknown field": func(m map[string]any) { m["surprise"] = 1 },
		"wrong version": func(m map[string]any) { m["schema_version"] = 99 },
		"null object":   func(m map[string]any) { m["services"] = nil },
		"string as int": func(m map[string]any) { m["swarm"].(map[string]any)["node_count"] = "3" },
		"missing field": func(m map[string]any) { delete(m, "networks") },
	} {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		bad, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if validate(string(bad)) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
