package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/stackgen"
	"github.com/swarmlint/swarmlint/rules"
)

// benchSizes are the stack sizes of the performance targets
// (docs/performance.md). Pick one with -bench 'Eval/services=1000'.
var benchSizes = []int{30, 1000, 10000}

// benchStack writes a generated stack of n services and returns its config.
func benchStack(b *testing.B, n int) Config {
	b.Helper()
	file := filepath.Join(b.TempDir(), "stack.yml")
	if err := os.WriteFile(file, stackgen.Generate(stackgen.Options{Services: n, Seed: 1}), 0o644); err != nil {
		b.Fatal(err)
	}
	return Config{Stacks: []analyzer.StackInput{{Name: "bench", Files: []string{file}}}, Env: map[string]string{}}
}

func benchEngine(b *testing.B) *rules.Engine {
	b.Helper()
	eng, err := rules.New(context.Background(), rules.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return eng
}

// BenchmarkCompile is rules.New, paid once per process: decode the
// compiled-policy snapshot ("snapshot") or parse and compile every
// built-in policy ("full", as with custom policies or --debug), then
// prepare one query per rule.
func BenchmarkCompile(b *testing.B) {
	for _, full := range []bool{false, true} {
		name := "snapshot"
		if full {
			name = "full"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				eng, err := rules.New(context.Background(), rules.Options{FullCompile: full})
				if err != nil || eng.FromSnapshot() == full {
					b.Fatal(err, eng.FromSnapshot())
				}
			}
		})
	}
}

// BenchmarkModelToValue is the one conversion of the model into a Rego value.
func BenchmarkModelToValue(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			a, err := analyzer.Load(context.Background(), benchStack(b, n).LoadOptions())
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := rules.InputValue(a.Model); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEval evaluates every default rule on a converted model.
func BenchmarkEval(b *testing.B) {
	eng := benchEngine(b)
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			a, err := analyzer.Load(context.Background(), benchStack(b, n).LoadOptions())
			if err != nil {
				b.Fatal(err)
			}
			input, err := rules.InputValue(a.Model)
			if err != nil {
				b.Fatal(err)
			}
			sel, err := NewSelection(eng.Catalog(), nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, _, err := eng.Eval(context.Background(), input, sel.Enabled); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvalRule evaluates each rule alone, to find the slow ones:
// go test -run XXX -bench 'EvalRule/services=1000/' ./lint/
func BenchmarkEvalRule(b *testing.B) {
	eng := benchEngine(b)
	for _, n := range benchSizes[1:] {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			a, err := analyzer.Load(context.Background(), benchStack(b, n).LoadOptions())
			if err != nil {
				b.Fatal(err)
			}
			input, err := rules.InputValue(a.Model)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range eng.Catalog() {
				b.Run(r.ID, func(b *testing.B) {
					only := func(x *rules.Rule) bool { return x.ID == r.ID }
					for b.Loop() {
						if _, _, err := eng.Eval(context.Background(), input, only); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkLocateFindings turns every finding of a run into a source region.
func BenchmarkLocateFindings(b *testing.B) {
	eng := benchEngine(b)
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			a, err := analyzer.Load(context.Background(), benchStack(b, n).LoadOptions())
			if err != nil {
				b.Fatal(err)
			}
			input, err := rules.InputValue(a.Model)
			if err != nil {
				b.Fatal(err)
			}
			raw, _, err := eng.Eval(context.Background(), input, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(raw)), "findings")
			for b.Loop() {
				for _, rf := range raw {
					a.Locate(analyzer.RefFromMap(rf.Ref), rf.Sub)
				}
			}
		})
	}
}

// BenchmarkRun is the whole in-process pipeline after compilation: load,
// model, conversion, eval, locate, suppression (no writer).
func BenchmarkRun(b *testing.B) {
	eng := benchEngine(b)
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			cfg := benchStack(b, n)
			for b.Loop() {
				if _, _, err := RunWith(context.Background(), eng, cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
