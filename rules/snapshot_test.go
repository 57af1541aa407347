package rules

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestSnapshotUpToDate regenerates the compiled-policy snapshot and
// compares bytes with the embedded one: a policy edited without
// `go generate ./rules`, or an OPA upgrade, fails here (the binary would
// still be right, only slower: it falls back to a full compile).
func TestSnapshotUpToDate(t *testing.T) {
	var b bytes.Buffer
	if err := BuildSnapshot(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), compiledPolicies) {
		t.Fatalf("rules/%s is out of date (%d bytes, regenerated %d): run go run ./internal/docgen/gen (or go generate ./rules)", SnapshotFile, len(compiledPolicies), b.Len())
	}
	var again bytes.Buffer
	if err := BuildSnapshot(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Fatal("two builds of the snapshot differ: the encoding is not deterministic")
	}
}

// withoutAnnotations is m without what the snapshot leaves out: METADATA
// annotations and comments (the catalog is stored on its own).
func withoutAnnotations(m *ast.Module) *ast.Module {
	c := m.Copy()
	c.Annotations, c.Comments = nil, nil
	for _, r := range c.Rules {
		for x := r; x != nil; x = x.Else {
			x.Annotations = nil
		}
	}
	return c
}

// TestSnapshotEqualsCompile checks that the built-in policies decoded
// from the snapshot and run through the runtime stages are the modules a
// full compile makes, locations included, with the same catalog, renamed
// variables, rule tree and indices.
func TestSnapshotEqualsCompile(t *testing.T) {
	srcs, err := builtinRuleSources()
	if err != nil {
		t.Fatal(err)
	}
	full, err := compileFull(srcs, false)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := fromSnapshot(compiledPolicies, srcs)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.comp.Modules) != len(full.comp.Modules) {
		t.Fatalf("snapshot has %d modules, compile %d", len(snap.comp.Modules), len(full.comp.Modules))
	}
	sources := sourceMap(srcs)
	for file, want := range full.comp.Modules {
		got := snap.comp.Modules[file]
		if got == nil {
			t.Errorf("%s: missing from the snapshot", file)
			continue
		}
		want = withoutAnnotations(want)
		if !got.Equal(want) {
			t.Errorf("%s: decoded module differs from the compiled one:\n%s\n---\n%s", file, got, want)
			continue
		}
		if got.String() != want.String() {
			t.Errorf("%s: decoded module prints differently", file)
		}
		// The encoding holds every location (file, row, column, offset,
		// text, tabs), nil and empty slices and expression indices.
		a, errA := encodeModules(map[string]*ast.Module{file: got}, nil, sources)
		b, errB := encodeModules(map[string]*ast.Module{file: want}, nil, sources)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: locations or node details differ between the snapshot and the compile", file)
		}
		for _, r := range got.Rules {
			if r.Module != got {
				t.Errorf("%s: rule %v does not point at its module", file, r.Head.Ref())
			}
		}
	}
	if !reflect.DeepEqual(snap.comp.RewrittenVars, full.comp.RewrittenVars) {
		t.Error("renamed variables differ")
	}
	if !reflect.DeepEqual(snap.catalog, full.catalog) {
		t.Error("catalogs differ")
	}
	for pkg, r := range full.byPkg {
		if !reflect.DeepEqual(snap.byPkg[pkg], r) {
			t.Errorf("catalog entry of %s differs", pkg)
		}
	}
	// The rule tree and the rule indices that evaluation walks.
	type node struct {
		rules   int
		indexed bool
	}
	tree := func(c *ast.Compiler) map[string]node {
		out := map[string]node{}
		var walk func(path string, n *ast.TreeNode)
		walk = func(path string, n *ast.TreeNode) {
			out[path] = node{len(n.Values), n.Index != nil}
			for _, k := range n.Sorted {
				walk(path+"/"+k.String(), n.Children[k])
			}
		}
		walk("", c.RuleTree)
		return out
	}
	if got, want := tree(snap.comp), tree(full.comp); !reflect.DeepEqual(got, want) {
		t.Errorf("rule trees differ:\n%v\n%v", got, want)
	}
}

// TestSnapshotUsed: the engine of a run without custom policies or
// --debug comes from the snapshot (so the fixture, corpus and oracle
// suites, which build that engine, run with it); custom policies, --debug
// and FullCompile compile.
func TestSnapshotUsed(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opts Options
		want bool
	}{
		{"default", Options{}, true},
		{"params", Options{Params: map[string]any{"node_count": 5}}, true},
		{"debug", Options{Debug: true}, false},
		{"full", Options{FullCompile: true}, false},
		{"custom", Options{Custom: []Module{{File: "acme.rego", Source: []byte("package acme.lib\n\nx := 1\n")}}}, false},
	} {
		e, err := New(ctx, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if e.FromSnapshot() != c.want {
			t.Errorf("%s: FromSnapshot() = %v, want %v", c.name, e.FromSnapshot(), c.want)
		}
		if len(e.Catalog()) < 50 {
			t.Errorf("%s: %d rules", c.name, len(e.Catalog()))
		}
	}
}

// TestSnapshotStale: a source that differs from the one the snapshot was
// built from, or a damaged snapshot, is refused (New then compiles).
func TestSnapshotStale(t *testing.T) {
	srcs, err := builtinRuleSources()
	if err != nil {
		t.Fatal(err)
	}
	edited := append([]Module{}, srcs...)
	edited[3].Source = append(append([]byte{}, edited[3].Source...), "\n# edited\n"...)
	if _, err := fromSnapshot(compiledPolicies, edited); !errors.Is(err, errSnapshotStale) {
		t.Errorf("edited source: err = %v, want stale", err)
	}
	if _, err := fromSnapshot(compiledPolicies, srcs[1:]); !errors.Is(err, errSnapshotStale) {
		t.Errorf("missing source: err = %v, want stale", err)
	}
	if _, err := fromSnapshot([]byte("swarmlint compiled policies 0\nx\n"), srcs); !errors.Is(err, errSnapshotStale) {
		t.Errorf("old format: err = %v, want stale", err)
	}
	for _, cut := range []int{0, 100, len(compiledPolicies) / 2, len(compiledPolicies) - 1} {
		if _, err := fromSnapshot(compiledPolicies[:cut], srcs); err == nil {
			t.Errorf("snapshot cut at %d bytes accepted", cut)
		}
	}
	damaged := append([]byte{}, compiledPolicies...)
	for i := len(damaged) / 3; i < len(damaged); i += len(damaged) / 7 {
		damaged[i] ^= 0x5a
	}
	_, _ = fromSnapshot(damaged, srcs) // no panic; an error or, rarely, still valid
}
