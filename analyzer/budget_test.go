package analyzer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadErr loads one stack file and returns the error that stopped it
// (a tool error of the stack).
func loadErr(t *testing.T, src string, env map[string]string) error {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stack.yml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(context.Background(), Options{Env: env, Stacks: []StackInput{{Name: "s", Files: []string{p}}}})
	if err == nil && len(a.Errors) > 0 {
		err = a.Errors[0]
	}
	return err
}

// TestPortBudget: a port range stands for each of its ports; more than
// MaxPorts in a run are refused before the loader expands them (issue #19:
// a 3 KB file of a hundred "1-65535" items ran for minutes), at the item
// that crosses the limit, also through an alias and a variable.
func TestPortBudget(t *testing.T) {
	for _, c := range []struct {
		name, src string
		env       map[string]string
		at        string // file:line:col of the error, "" for none
	}{
		{"one full range loads", "services:\n  web:\n    image: nginx\n    ports: [\"1-65535:1-65535\"]\n", nil, ""},
		{"a second range", "services:\n  web:\n    image: nginx\n    ports:\n      - \"1-65535:1-65535\"\n      - \"1-2/udp\"\n", nil, ":6:9"},
		{"a hundred ranges", "services:\n  web:\n    image: nginx\n    ports:\n" + strings.Repeat("      - \"1-65535:1-65535/udp\"\n", 100), nil, ":6:9"},
		{"an alias used by two services", "x-p: &p [\"10.0.0.1:40000-65535:40000-65535\"]\nservices:\n  a: {image: nginx, ports: *p}\n  b: {image: nginx, ports: *p}\n  c: {image: nginx, ports: *p}\n", nil, ":1:10"},
		{"a variable", "services:\n  web:\n    image: nginx\n    ports: [\"1-65535:1-65535\", \"${R}\"]\n", map[string]string{"R": "1000-2000"}, ":4:32"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := loadErr(t, c.src, c.env)
			var ie *InputError
			switch {
			case c.at == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.at != "" && (!errors.As(err, &ie) || !strings.Contains(err.Error(), "stack.yml"+c.at+": the inputs publish more than 65536 ports")):
				t.Fatalf("got %v, want the port budget at %s", err, c.at)
			}
			if d := time.Since(start); c.at != "" && d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	for _, c := range []struct {
		in   string
		want int
	}{{"80", 1}, {"8080:80", 1}, {"1-100:1-100", 100}, {"8000-8009:80", 10}, {"127.0.0.1:5000-5010:5000-5010/udp", 11}, {"[::1]:80-81:80-81", 2}, {"9-1:9-1", 1}, {"x-y", 1}, {"1-99999999999:80", 1}, {"0-65535", 65536}} {
		if got := portRangeSize(c.in); got != c.want {
			t.Errorf("portRangeSize(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestAttachmentBudget: services × networks past MaxAttachments are
// refused before the loader (issue #19: 4,000 services on 100 networks
// each, a 1 MB stack, took half a minute and a gigabyte).
func TestAttachmentBudget(t *testing.T) {
	stack := func(services, nets int) string {
		var b strings.Builder
		b.WriteString("networks:\n")
		for n := 0; n < nets; n++ {
			fmt.Fprintf(&b, "  n%d: {}\n", n)
		}
		b.WriteString("services:\n")
		names := make([]string, nets)
		for n := range names {
			names[n] = fmt.Sprintf("n%d", n)
		}
		for s := 0; s < services; s++ {
			fmt.Fprintf(&b, "  s%d:\n    image: nginx\n    networks: [%s]\n", s, strings.Join(names, ", "))
		}
		return b.String()
	}
	start := time.Now()
	err := loadErr(t, stack(MaxAttachments/100+1, 100), nil)
	if err == nil || !strings.Contains(err.Error(), "attach to networks more than 50000 times") {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("stack.yml:%d:5:", 100+3+3*(MaxAttachments/100)+2)) {
		t.Errorf("not at the last service's networks: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	if err := loadErr(t, stack(20, 100), nil); err != nil {
		t.Fatalf("2,000 attachments refused: %v", err)
	}
}

// TestFixCheckBudget: fixes checked by parsing the fixed file stop being
// offered once a run has parsed MaxFixCheckBytes for them.
func TestFixCheckBudget(t *testing.T) {
	src := "services:\n  web: {image: nginx, expose: [\"80\"], hostname: w}\n"
	a := loadFiles(t, map[string]string{}, [2]string{"stack.yml", src})
	req := []EditRequest{{Op: "remove", Ref: Ref{Src: "stack:ledger", Path: []any{"services", "web", "expose"}}}}
	if _, err := a.Edits(req); err != nil {
		t.Fatalf("first fix: %v", err)
	}
	a.fixChecked = MaxFixCheckBytes - 10
	if _, err := a.Edits(req); err == nil || !strings.Contains(err.Error(), "would parse more than 16 MiB") {
		t.Fatalf("past the budget: %v", err)
	}
}
