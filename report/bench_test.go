package report_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/stackgen"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/report"
)

// BenchmarkWriters writes the result of linting a generated stack in every
// format (docs/performance.md): go test -run '^$' -bench Writers ./report/
func BenchmarkWriters(b *testing.B) {
	for _, n := range []int{30, 1000, 10000} {
		file := filepath.Join(b.TempDir(), "stack.yml")
		if err := os.WriteFile(file, stackgen.Generate(stackgen.Options{Services: n, Seed: 1}), 0o644); err != nil {
			b.Fatal(err)
		}
		res, _, err := lint.Run(context.Background(), lint.Config{
			Stacks: []analyzer.StackInput{{Name: "bench", Files: []string{file}}}, Env: map[string]string{}})
		if err != nil {
			b.Fatal(err)
		}
		for _, format := range report.FormatNames() {
			w, err := report.Lookup(format)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("services=%d/%s", n, format), func(b *testing.B) {
				var buf bytes.Buffer
				if err := w.Write(&buf, res); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(buf.Len()))
				b.ReportMetric(float64(len(res.Findings)), "findings")
				for b.Loop() {
					if err := w.Write(io.Discard, res); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
