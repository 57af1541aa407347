package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Limits every hostile input must stay within, in-process.
const (
	hostileTimeout = 10 * time.Second
	hostileHeap    = 512 << 20 // peak live heap objects, bytes
)

// hostileCase is one hostile input: files written to a fresh directory, the
// arguments (with FILE:name replaced by the path of a written file), and
// what must come out.
type hostileCase struct {
	name  string
	files map[string]func() []byte
	args  []string
	code  int    // ExitError (one clear line on stderr), ExitFindings or ExitOK (a file skipped)
	want  string // regexp over stderr (exit 0 and 2) or stdout (exit 1)
}

func text(s string) func() []byte { return func() []byte { return []byte(s) } }

// billionLaughs nests lists of aliases: 9^depth "lol"s once expanded.
func billionLaughs(depth int) []byte {
	var b strings.Builder
	b.WriteString(`x-a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "x-a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 9), ","))
	}
	fmt.Fprintf(&b, "services:\n  web:\n    image: nginx\n    command: *a%d\n", depth)
	return []byte(b.String())
}

// mergeBomb nests mappings merged with `<<` and aliases.
func mergeBomb(depth int) []byte {
	var b strings.Builder
	b.WriteString("x-m0: &m0 {a: 1, b: 2}\n")
	for i := 1; i <= depth; i++ {
		var kv []string
		for j := 0; j < 9; j++ {
			kv = append(kv, fmt.Sprintf("k%d: *m%d", j, i-1))
		}
		fmt.Fprintf(&b, "x-m%d: &m%d {%s}\n", i, i, strings.Join(kv, ", "))
	}
	fmt.Fprintf(&b, "services:\n  web:\n    image: nginx\n    labels:\n      <<: *m%d\n", depth)
	return []byte(b.String())
}

func randomBytes(n int, withNUL bool) func() []byte {
	return func() []byte {
		r := rand.New(rand.NewPCG(uint64(n), 7))
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.IntN(256))
			if !withNUL && b[i] == 0 {
				b[i] = 'x'
			}
		}
		return b
	}
}

func stack(body string) func() []byte {
	return text("services:\n  web:\n    image: nginx\n" + body)
}

var okStack = stack("")

func hostileCases() []hostileCase {
	deepFlow := func(open, close string, n int) func() []byte {
		return func() []byte {
			return []byte("services: " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n")
		}
	}
	return []hostileCase{
		// YAML bombs and malformed text
		{"billion laughs", map[string]func() []byte{"s.yml": func() []byte { return billionLaughs(9) }}, []string{"FILE:s.yml"},
			ExitError, `s\.yml:1:1: stack file expands to more than 32 MiB once its aliases are resolved`},
		{"merge-key bomb", map[string]func() []byte{"s.yml": func() []byte { return mergeBomb(11) }}, []string{"FILE:s.yml"},
			ExitError, `s\.yml:1:1: stack file expands to more than 32 MiB once its aliases are resolved`},
		{"alias cycle through a merge key", map[string]func() []byte{"s.yml": text("x-a: &a\n  <<: *a\nservices:\n  web:\n    image: nginx\n")},
			[]string{"FILE:s.yml"}, ExitFindings, `s\.yml:2:7: error SWL000 invalid YAML: alias \*a is inside the value of its own anchor &a \(a cycle\)`},
		{"alias cycle in a list", map[string]func() []byte{"s.yml": text("x-a: &a [*a]\nservices:\n  web:\n    image: nginx\n")},
			[]string{"FILE:s.yml"}, ExitFindings, `s\.yml:1:10: error SWL000 invalid YAML: alias \*a is inside`},
		{"60,000 uses of one anchor", map[string]func() []byte{"s.yml": func() []byte {
			return []byte("x-a: &a nginx\nservices:\n  web:\n    image: nginx\n    command:\n" + strings.Repeat("      - *a\n", 60000))
		}}, []string{"FILE:s.yml"}, ExitFindings, `s\.yml:1:6: error SWL000 anchor &a is used 10001 times or more`},
		{"random bytes", map[string]func() []byte{"s.yml": randomBytes(1<<16, false)}, []string{"FILE:s.yml"},
			ExitOK, `s\.yml: skipped: not a Compose file`},
		{"random bytes with NUL", map[string]func() []byte{"s.yml": randomBytes(1<<16, true)}, []string{"FILE:s.yml"},
			ExitOK, `s\.yml: skipped: not a Compose file`},
		{"NUL in a value", map[string]func() []byte{"s.yml": text("services:\n  web:\n    image: \"ng\x00inx\"\n")}, []string{"FILE:s.yml"},
			ExitOK, `s\.yml: skipped: not a Compose file`},
		{"20,000 nested flow lists", map[string]func() []byte{"s.yml": deepFlow("[", "]", 20000)}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:1:\d+: error SWL000 invalid YAML: exceeded max depth`},
		{"20,000 nested flow mappings", map[string]func() []byte{"s.yml": deepFlow("{a: ", "}", 20000)}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:1:\d+: error SWL000 invalid YAML: exceeded max depth`},
		{"20,000 nested block lists", map[string]func() []byte{"s.yml": stack("    command:\n      " + strings.Repeat("- ", 20000) + "x\n")}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:5:\d+: error SWL000 invalid YAML: exceeded max depth`},
		{"5,000 nested mappings", map[string]func() []byte{"s.yml": deepFlow("{a: ", "}", 5000)}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:1:\d+: error SWL000 nesting deeper than 200 levels`},
		{"50 MB file", map[string]func() []byte{"s.yml": func() []byte {
			return append([]byte("services:\n  web:\n    image: nginx\nx-blob: \""), append(bytes.Repeat([]byte("a"), 50<<20), "\"\n"...)...)
		}}, []string{"FILE:s.yml"}, ExitError, `s\.yml: stack file is larger than 8 MiB`},
		{"empty file", map[string]func() []byte{"s.yml": text("")}, []string{"FILE:s.yml"}, ExitOK, `s\.yml: skipped: not a Compose file`},
		{"list at top level", map[string]func() []byte{"s.yml": text("- services\n- web\n")}, []string{"FILE:s.yml"}, ExitOK, `s\.yml: skipped: not a Compose file`},

		// numbers
		{"replicas beyond int64", map[string]func() []byte{"s.yml": stack("    deploy:\n      replicas: 99999999999999999999999\n")}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:5:17: error SWL000 integer 99999999999999999999999 does not fit in 64 bits`},
		{"parallelism beyond uint64", map[string]func() []byte{"s.yml": stack("    deploy:\n      update_config:\n        parallelism: 18446744073709551616\n")}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:6:22: error SWL000 integer 18446744073709551616 does not fit in 64 bits`},
		{"target beyond int64", map[string]func() []byte{"s.yml": stack("    ports:\n      - target: 99999999999999999999\n")}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:5:17: error SWL000 integer 99999999999999999999 does not fit`},
		{"infinity in a label", map[string]func() []byte{"s.yml": stack("    labels:\n      weight: .inf\n")}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:5:15: error SWL000 \.inf is not a number JSON can hold`},
		{"negative and huge ports", map[string]func() []byte{"s.yml": stack("    ports:\n      - \"-1:80\"\n      - \"70000:80\"\n      - \"80:-5\"\n      - \"1-99999999999:80\"\n      - \"99999999999999999999:80\"\n      - target: 80\n        published: 99999999\n")},
			[]string{"--format", "text", "FILE:s.yml"}, ExitFindings, `(?s)s\.yml:5:9: error SWL106 .*invalid hostPort: -1.*s\.yml:6:9: error SWL106.*s\.yml:7:9: error SWL106 .*invalid containerPort: -5.*s\.yml:11:9: error SWL106 .*publishes port 99999999`},
		{"negative target", map[string]func() []byte{"s.yml": stack("    ports:\n      - target: -5\n")}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:5:\d+: error SWL000 "target" in ports\.0 of service "web": -5 is not a number that fits \(it must be 0 or more\)`},
		{"zero port", map[string]func() []byte{"s.yml": stack("    ports:\n      - \"0:0\"\n")}, []string{"FILE:s.yml"},
			ExitFindings, `s\.yml:5:9: error SWL000 service ports services\.web\.ports\.\[0\] is missing a target port`},

		// bad CIDRs wherever a CIDR goes
		{"bad subnet", map[string]func() []byte{"s.yml": stack("    networks: [a]\nnetworks:\n  a:\n    ipam:\n      config:\n        - subnet: 10.0.0.0/33\n")},
			[]string{"FILE:s.yml"}, ExitFindings, `s\.yml:9:11: error SWL003 `},
		{"subnet of the wrong type", map[string]func() []byte{"s.yml": stack("    networks: [a]\nnetworks:\n  a:\n    ipam:\n      config:\n        - subnet: [1, 2]\n")},
			[]string{"FILE:s.yml"}, ExitFindings, `s\.yml:9:11: error SWL000 "subnet" in ipam\.config\.0 of network "a" must be a string`},
		{"bad --default-addr-pool", map[string]func() []byte{"s.yml": okStack}, []string{"--default-addr-pool", "300.1.1.1/8", "FILE:s.yml"},
			ExitError, `--default-addr-pool: "300\.1\.1\.1/8" is not a CIDR`},
		{"bad --host-network", map[string]func() []byte{"s.yml": okStack}, []string{"--host-network", "10.0.0.0/99", "FILE:s.yml"},
			ExitError, `--host-network: "10\.0\.0\.0/99" is not a CIDR`},
		{"bad pool in the configuration", map[string]func() []byte{"s.yml": okStack, "c.yaml": text("swarm:\n  default_addr_pools: [10.0.0.0/8, nope]\n")},
			[]string{"--config", "FILE:c.yaml", "FILE:s.yml"}, ExitError, `c\.yaml:2:36: invalid configuration: default_addr_pools: "nope" is not a CIDR`},
		{"bad host network in the configuration", map[string]func() []byte{"s.yml": okStack, "c.yaml": text("cluster:\n  host_networks:\n    - 192.168.1.0/24\n    - 192.168.1.0/\n")},
			[]string{"--config", "FILE:c.yaml", "FILE:s.yml"}, ExitError, `c\.yaml:4:7: invalid configuration: host_networks: "192\.168\.1\.0/" is not a CIDR`},
		{"bad subnet in the inventory", map[string]func() []byte{"s.yml": okStack, "inv.json": text(`[{"Name": "x", "Driver": "overlay", "Scope": "swarm", "IPAM": {"Config": [{"Subnet": "10.0.0.0/99"}]}}]`)},
			[]string{"--cluster", "FILE:inv.json", "FILE:s.yml"}, ExitError, `inv\.json:1:\d+: network "x": subnet "10\.0\.0\.0/99" is not a CIDR`},
		{"20,000 nested JSON arrays in the inventory", map[string]func() []byte{"s.yml": okStack, "inv.json": text(strings.Repeat("[", 20000) + strings.Repeat("]", 20000))},
			[]string{"--cluster", "FILE:inv.json", "FILE:s.yml"}, ExitError, `inv\.json:1:\d+: not docker inspect output`},
		{"bad subnet in a script", map[string]func() []byte{"b.sh": text("#!/bin/sh\ndocker network create -d overlay --subnet 10.0.0.0/99 x\n")},
			[]string{"FILE:b.sh"}, ExitFindings, `b\.sh:2:43: error SWL003 `},

		// broken scripts
		{"unterminated quote", map[string]func() []byte{"b.sh": text("#!/bin/sh\ndocker swarm init\necho \"open\n")}, []string{"FILE:b.sh"},
			ExitError, `b\.sh:3:6: reached EOF without closing quote`},
		{"binary script", map[string]func() []byte{"b.sh": func() []byte { return append([]byte("#!/bin/bash\n"), randomBytes(5000, true)()...) }},
			[]string{"FILE:b.sh"}, ExitError, `b\.sh:\d+:\d+: `},
		{"broken --swarm-init", map[string]func() []byte{"s.yml": okStack}, []string{"--swarm-init", "docker swarm init --advertise-addr 'x", "FILE:s.yml"},
			ExitError, `--swarm-init:1:\d+: `},

		// amplification within the size limits (docs/security.md budgets)
		{"1 MiB-class anchored scalar used 130 times", map[string]func() []byte{"s.yml": func() []byte {
			return []byte("x-a: &a \"" + strings.Repeat("a", 256<<10) + "\"\nservices:\n  web:\n    image: nginx\n    labels:\n" + strings.Repeat("      - *a\n", 130))
		}}, []string{"FILE:s.yml"}, ExitError, `s\.yml:1:1: stack file expands to more than 32 MiB once its aliases are resolved`},
		{"${…} nested 20,000 levels", map[string]func() []byte{"s.yml": stack("    command: \"" + strings.Repeat("${V:-", 20000) + "x" + strings.Repeat("}", 20000) + "\"\n")},
			[]string{"FILE:s.yml"}, ExitError, `s\.yml:4:14: \$\{…\} nested more than 16 levels deep`},
		{"$( … ) nested 20,000 levels in a script", map[string]func() []byte{"b.sh": text("#!/bin/sh\necho " + strings.Repeat("$(echo ", 20000) + "x" + strings.Repeat(")", 20000) + "\n")},
			[]string{"FILE:b.sh"}, ExitError, `b\.sh:2:455: \$\( … \), \( … \) or \$\{ … \} nested more than 64 levels deep`},
		{"5,001 docker network create lines", map[string]func() []byte{"b.sh": func() []byte {
			var b strings.Builder
			b.WriteString("#!/bin/sh\n")
			for i := 0; i <= 5000; i++ {
				fmt.Fprintf(&b, "docker network create -d overlay n%d\n", i)
			}
			return []byte(b.String())
		}}, []string{"FILE:b.sh"}, ExitError, `the inputs \(.*b\.sh\) define 50\d\d networks; swarmlint checks at most 5000 networks in one run`},
		{"10,001 services", map[string]func() []byte{"s.yml": func() []byte {
			var b strings.Builder
			b.WriteString("services:\n")
			for i := 0; i <= 10000; i++ {
				fmt.Fprintf(&b, "  s%d: {image: nginx}\n", i)
			}
			return []byte(b.String())
		}}, []string{"FILE:s.yml"}, ExitError, `s\.yml:1:1: 10001 services in one file; swarmlint checks at most 10000 services`},
		{"script over 1 MiB", map[string]func() []byte{"b.sh": func() []byte { return []byte("#!/bin/sh\n" + strings.Repeat("# padding\n", 110_000)) }},
			[]string{"FILE:b.sh"}, ExitError, `b\.sh: file is larger than 1 MiB`},
		{"configuration over 1 MiB", map[string]func() []byte{"s.yml": okStack, "c.yaml": func() []byte { return []byte("rules: {}\nx: \"" + strings.Repeat("a", 2<<20) + "\"\n") }},
			[]string{"--config", "FILE:c.yaml", "FILE:s.yml"}, ExitError, `c\.yaml: file is larger than 1 MiB`},
		{"not a stack file: content never shown", map[string]func() []byte{"s.yml": text("root:$6$s3cr3t$HASH:19000:0:99999:7:::\n")}, []string{"FILE:s.yml"},
			ExitOK, `^swarmlint: \S*s\.yml: skipped: not a Compose file\n$`},

		// files that are not files
		{"directory", map[string]func() []byte{"notes.txt": okStack}, []string{"DIR"}, ExitError, `no Compose or stack file in this directory`},
		{"missing file", nil, []string{"DIR/nope.yml"}, ExitError, `nope\.yml: no such file`},
	}
}

// peakHeap samples the live heap while f runs.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

// TestHostileInput: alias bombs, random bytes, absurd nesting, huge files
// and numbers, bad CIDRs, broken scripts and non-files end within seconds
// with one clear line and exit 2, or with the proper finding and exit 1;
// never a panic, never unbounded memory.
func TestHostileInput(t *testing.T) {
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range c.files {
				if err := os.WriteFile(filepath.Join(dir, name), content(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var args []string
			for _, a := range c.args {
				a = strings.Replace(a, "FILE:", dir+string(filepath.Separator), 1)
				args = append(args, strings.Replace(a, "DIR", dir, 1))
			}
			runtime.GC()
			var out, errb bytes.Buffer
			code := -1
			start := time.Now()
			peak := peakHeap(func() {
				code = Main(append([]string{"--no-color"}, args...), strings.NewReader(""), &out, &errb)
			})
			elapsed := time.Since(start)
			if elapsed > hostileTimeout {
				t.Errorf("took %v", elapsed)
			}
			if peak > hostileHeap {
				t.Errorf("peak heap %d MiB", peak>>20)
			}
			stderr := errb.String()
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "internal error") {
				t.Fatalf("crash: %s", stderr)
			}
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %.2000s\nstderr: %.2000s", code, c.code, out.String(), stderr)
			}
			got := stderr
			switch {
			case c.code == ExitFindings:
				got = out.String()
			case c.code == ExitError && stderr == "":
				got = out.String() // a tool notification in the text report
			default:
				if n := strings.Count(strings.TrimRight(stderr, "\n"), "\n"); n > 0 {
					t.Errorf("want one line on stderr, got %d: %q", n+1, stderr)
				}
			}
			if !regexp.MustCompile(c.want).MatchString(got) {
				t.Errorf("output does not match %q:\n%.3000s", c.want, got)
			}
			t.Logf("exit %d in %v, peak heap %d MiB", code, elapsed.Round(time.Millisecond), peak>>20)
		})
	}
	t.Run("unreadable file", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		p := filepath.Join(t.TempDir(), "s.yml")
		if err := os.WriteFile(p, []byte("services: {}\n"), 0); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := Main([]string{p}, strings.NewReader(""), &out, &errb); code != ExitError || !strings.Contains(out.String(), "s.yml") {
			t.Fatalf("exit %d, stderr %q", code, errb.String())
		}
	})
}
