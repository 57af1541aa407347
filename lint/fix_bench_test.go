package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/rules"
)

// BenchmarkFixes lints a 30-service stack in which every service has five
// findings with a fix (container_name, expose, links, a host IP, a static
// address: 150 fixes), with a compiled engine, as the editor does after
// each change; Fixes/without is the same lint with the fixes not built
// (noFixes). docs/performance.md has the figures.
func BenchmarkFixes(b *testing.B) {
	ctx := context.Background()
	eng, err := rules.New(ctx, rules.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("version: \"3.8\"\nservices:\n")
	for i := range 30 {
		fmt.Fprintf(&sb, "  svc%d:\n    image: nginx:1.27\n", i)
		fmt.Fprintf(&sb, "    container_name: c%d\n    expose: [\"80\"]\n    links: [db]\n    ports:\n      - \"127.0.0.1:%d:80\"\n", i, 8000+i)
		fmt.Fprintf(&sb, "    networks:\n      back:\n        ipv4_address: 10.5.0.%d\n", 10+i)
	}
	sb.WriteString("networks:\n  back:\n    driver: overlay\n    ipam:\n      config:\n        - subnet: 10.5.0.0/24\n")
	file := filepath.Join(b.TempDir(), "stack.yml")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg := Config{Env: map[string]string{}, Stacks: []analyzer.StackInput{{Name: "bench", Files: []string{file}}}}
	for _, without := range []bool{false, true} {
		b.Run(map[bool]string{false: "with", true: "without"}[without], func(b *testing.B) {
			noFixes = without
			defer func() { noFixes = false }()
			fixes := 0
			for b.Loop() {
				res, _, err := RunWith(ctx, eng, cfg)
				if err != nil {
					b.Fatal(err)
				}
				fixes = 0
				for _, f := range res.Findings {
					fixes += len(f.Fixes)
				}
			}
			b.ReportMetric(float64(fixes), "fixes")
		})
	}
}
