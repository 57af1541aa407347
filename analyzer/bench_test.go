package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/swarmlint/swarmlint/internal/stackgen"
)

// benchSizes are the stack sizes of the performance targets
// (docs/performance.md); select one with -bench 'Load/services=1000$'.
var benchSizes = []int{30, 1000, 10000}

func benchFile(b *testing.B, n int) (string, []byte) {
	b.Helper()
	src := stackgen.Generate(stackgen.Options{Services: n, Seed: 1})
	file := filepath.Join(b.TempDir(), "stack.yml")
	if err := os.WriteFile(file, src, 0o644); err != nil {
		b.Fatal(err)
	}
	return file, src
}

func benchSizesRun(b *testing.B, f func(b *testing.B, file string, src []byte)) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			file, src := benchFile(b, n)
			b.SetBytes(int64(len(src)))
			f(b, file, src)
		})
	}
}

// BenchmarkLoad is the whole analyzer: read, parse, compose-go, model, facts.
func BenchmarkLoad(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, file string, _ []byte) {
		opts := Options{Stacks: []StackInput{{Name: "bench", Files: []string{file}}}, Env: map[string]string{}}
		for b.Loop() {
			if _, err := Load(context.Background(), opts); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParseYAML is the position-keeping parse into yaml.Node trees.
func BenchmarkParseYAML(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, file string, src []byte) {
		for b.Loop() {
			if _, err := ParseYAML(file, src); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCompose is compose-go's load (and the stack-deploy merge).
func BenchmarkCompose(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, file string, src []byte) {
		cfs := []types.ConfigFile{{Filename: file, Content: src}}
		for b.Loop() {
			if _, err := loadProject(context.Background(), StackDeployMerger{}, cfs, map[string]string{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkModel builds the model and its facts from an already loaded stack.
func BenchmarkModel(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, file string, _ []byte) {
		opts := Options{Stacks: []StackInput{{Name: "bench", Files: []string{file}}}, Env: map[string]string{}}
		a := &Analysis{Docs: map[string][]*Doc{}, Files: map[string][]byte{}, Model: newModel()}
		sd, err := a.loadStack(context.Background(), opts.Stacks[0], "bench", StackDeployMerger{}, opts.Env, nil)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			bd := &builder{m: newModel(), settings: Settings{}.Defaults(), env: opts.Env}
			bd.m.Stacks[sd.name] = a.Model.Stacks[sd.name]
			bd.swarm()
			bd.stack(sd)
			bd.facts()
		}
	})
}

// BenchmarkLocate resolves the path of every service's first port, the
// commonest kind of finding position.
func BenchmarkLocate(b *testing.B) {
	benchSizesRun(b, func(b *testing.B, file string, src []byte) {
		node, err := ParseYAML(file, src)
		if err != nil {
			b.Fatal(err)
		}
		docs := []*Doc{NewDoc(file, src, node)}
		var paths [][]any
		svcs := deref(node).Content[5] // version, services
		for i := 0; i+1 < len(svcs.Content); i += 2 {
			paths = append(paths, []any{"services", svcs.Content[i].Value, "ports", 0})
		}
		b.ReportMetric(float64(len(paths)), "paths")
		for b.Loop() {
			for _, p := range paths {
				Locate(docs, p)
			}
		}
	})
}
