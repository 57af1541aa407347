//go:build unix

package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// untrustedCase is a reproduction from a pull request an attacker wrote:
// setup builds the files (links, FIFOs) in dir, args name them (DIR is
// replaced by dir), and the run must end within seconds with exit code
// code and want matching standard error (exit 2) or standard output.
type untrustedCase struct {
	name  string
	setup func(t *testing.T, dir string)
	args  []string
	code  int
	want  string
	// check runs after the run, on dir (files left as they were)
	check func(t *testing.T, dir string)
}

func put(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, p string) {
	t.Helper()
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
}

const cleanStack = "services:\n  web:\n    image: nginx\n"

func untrustedCases() []untrustedCase {
	zero := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), cleanStack)
			symlink(t, "/dev/zero", filepath.Join(dir, name))
		}
	}
	fifo := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), cleanStack)
			mkfifo(t, filepath.Join(dir, name))
		}
	}
	return []untrustedCase{
		// endless reads: links to /dev/zero and FIFOs, wherever a file goes
		{name: "stack -> /dev/zero", setup: zero("z.yml"), args: []string{"DIR/z.yml"}, code: ExitError, want: `z\.yml: is a device, not a regular file`},
		{name: "script -> /dev/zero", setup: zero("z.sh"), args: []string{"DIR/z.sh"}, code: ExitError, want: `z\.sh: is a device, not a regular file`},
		{name: "--data -> /dev/zero", setup: zero("d.yml"), args: []string{"--data", "DIR/d.yml", "DIR/s.yml"}, code: ExitError, want: `--data .*d\.yml: is a device`},
		{name: "--baseline -> /dev/zero", setup: zero("b.json"), args: []string{"--baseline", "DIR/b.json", "DIR/s.yml"}, code: ExitError, want: `baseline .*b\.json: is a device`},
		{name: "--cluster -> /dev/zero", setup: zero("c.json"), args: []string{"--cluster", "DIR/c.json", "DIR/s.yml"}, code: ExitError, want: `c\.json: is a device`},
		{name: "--env-file -> /dev/zero", setup: zero(".env"), args: []string{"--env-file", "DIR/.env", "DIR/s.yml"}, code: ExitError, want: `\.env: is a device`},
		{name: "--config -> /dev/zero", setup: zero("cfg.yaml"), args: []string{"--config", "DIR/cfg.yaml", "DIR/s.yml"}, code: ExitError, want: `cfg\.yaml: is a device`},
		{name: "policy -> /dev/zero", setup: func(t *testing.T, dir string) {
			zero("s2.yml")(t, dir)
			os.Mkdir(filepath.Join(dir, "pol"), 0o755)
			symlink(t, "/dev/zero", filepath.Join(dir, "pol", "x.rego"))
		}, args: []string{"--policy", "DIR/pol", "DIR/s.yml"}, code: ExitError, want: `x\.rego: is a device`},
		{name: "stack FIFO (no shebang sniffing hang)", setup: fifo("f.yml"), args: []string{"DIR/f.yml"}, code: ExitError, want: `f\.yml: is a named pipe \(FIFO\), not a regular file`},
		{name: "script FIFO", setup: fifo("f.sh"), args: []string{"DIR/f.sh"}, code: ExitError, want: `f\.sh: is a named pipe \(FIFO\)`},
		{name: "config FIFO", setup: fifo("c.yaml"), args: []string{"--config", "DIR/c.yaml", "DIR/s.yml"}, code: ExitError, want: `c\.yaml: is a named pipe`},
		{name: ".gitignore that is a link to a FIFO, in a directory argument", setup: func(t *testing.T, dir string) {
			fifo("p")(t, dir)
			symlink(t, "p", filepath.Join(dir, ".gitignore"))
			os.Mkdir(filepath.Join(dir, "sub"), 0o755)
			symlink(t, "../p", filepath.Join(dir, "sub", ".gitignore"))
		}, args: []string{"DIR"}, code: ExitOK, want: `^$`},

		// terminal injection: control characters of a YAML key reach stderr
		// only as U+FFFD
		{name: "ESC and CR in a key", setup: func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), "services:\n  web:\n    image: nginx\n    \"\\r\\e[2K\\r::error file=x::forged\": 1\n")
		}, args: []string{"DIR/s.yml"}, code: ExitFindings, want: `s\.yml:\d+:\d+: error SWL000 .*services\.web\.\x{FFFD}\x{FFFD}\[2K\x{FFFD}::error file=x::forged`},
		{name: "ESC and CR in a configuration key, on standard error", setup: func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), cleanStack)
			put(t, filepath.Join(dir, "c.yaml"), "\"\\r\\e[2K\\r::error file=x::forged\": 1\n")
		}, args: []string{"--config", "DIR/c.yaml", "DIR/s.yml"}, code: ExitError, want: `c\.yaml:1:1: invalid configuration: .*\x{FFFD}\[2K\x{FFFD}::error file=x::forged`},
		{name: "ESC and CR in a key, --format github", setup: func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), "services:\n  web:\n    image: nginx\n    \"\\r\\e[2K\\r::error file=x::forged\": 1\n")
		}, args: []string{"--format", "github", "DIR/s.yml"}, code: ExitFindings, want: `(?m)\A::error file=[^\r\n\x1b]*::[^\r\n\x1b]*%0D\x{FFFD}\[2K%0D::error file=x::forged[^\r\n\x1b]*\n\z`},

		// writes: -o and --write-baseline through a link replace the link
		{name: "-o through a symbolic link", setup: func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), cleanStack)
			put(t, filepath.Join(dir, "victim.txt"), "precious")
			symlink(t, "victim.txt", filepath.Join(dir, "report.txt"))
		}, args: []string{"-o", "DIR/report.txt", "DIR/s.yml"}, code: ExitOK, want: `^$`, check: func(t *testing.T, dir string) {
			if b, _ := os.ReadFile(filepath.Join(dir, "victim.txt")); string(b) != "precious" {
				t.Errorf("victim overwritten: %q", b)
			}
			if st, err := os.Lstat(filepath.Join(dir, "report.txt")); err != nil || !st.Mode().IsRegular() {
				t.Errorf("report.txt is not a regular file now: %v", err)
			}
		}},
		{name: "--write-baseline through a symbolic link", setup: func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), cleanStack)
			put(t, filepath.Join(dir, "victim.txt"), "precious")
			symlink(t, "victim.txt", filepath.Join(dir, "base.json"))
		}, args: []string{"--write-baseline", "DIR/base.json", "DIR/s.yml"}, code: ExitOK, want: `wrote 0 findings to the baseline`, check: func(t *testing.T, dir string) {
			if b, _ := os.ReadFile(filepath.Join(dir, "victim.txt")); string(b) != "precious" {
				t.Errorf("victim overwritten: %q", b)
			}
		}},
	}
}

// TestUntrustedRepository runs the reproductions of a hostile pull request
// (links to devices, FIFOs, control characters, writes through links):
// each ends within seconds with a clear message and bounded memory.
func TestUntrustedRepository(t *testing.T) {
	for _, c := range untrustedCases() {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.setup(t, dir)
			var args []string
			for _, a := range c.args {
				args = append(args, strings.Replace(a, "DIR", dir, 1))
			}
			var out, errb bytes.Buffer
			code := -1
			start := time.Now()
			done := make(chan struct{})
			var peak uint64
			go func() {
				defer close(done)
				peak = peakHeap(func() {
					code = Main(append([]string{"--no-color"}, args...), strings.NewReader(""), &out, &errb)
				})
			}()
			select {
			case <-done:
			case <-time.After(hostileTimeout):
				t.Fatalf("still running after %v", hostileTimeout)
			}
			if peak > hostileHeap {
				t.Errorf("peak heap %d MiB", peak>>20)
			}
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %.2000s\nstderr: %.2000s", code, c.code, out.String(), errb.String())
			}
			got := errb.String()
			if c.code == ExitFindings {
				got = out.String()
			}
			if !regexp.MustCompile(c.want).MatchString(got) {
				t.Errorf("output does not match %q:\n%.3000q", c.want, got)
			}
			if strings.ContainsAny(errb.String(), "\x1b\r\x07") {
				t.Errorf("control character on stderr: %q", errb.String())
			}
			if c.check != nil {
				c.check(t, dir)
			}
			t.Logf("exit %d in %v", code, time.Since(start).Round(time.Millisecond))
		})
	}
}

// dnsrrStack has one SWL101 finding (exit 1 with default settings).
const dnsrrStack = "services:\n  cache:\n    image: memcached\n    deploy: {endpoint_mode: dnsrr}\n    ports: [\"11211:11211\"]\n"

// shadow is content that must never be printed: a line of /etc/shadow.
const shadow = "root:$6$s3cr3tSalt$HASHHASHHASH:19000:0:99999:7:::\n"

func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code := Main(append([]string{"--no-color"}, args...), strings.NewReader(""), &out, &errb)
	if strings.Contains(out.String()+errb.String(), "s3cr3t") {
		t.Errorf("outside content printed:\n%s%s", out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}

// TestConfigTrust: a parent directory's configuration, one in a directory
// owned by another user, and a repository configuration that names files
// outside the repository change nothing and print no outside content.
func TestConfigTrust(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	put(t, filepath.Join(repo, ".git", "HEAD"), "ref: refs/heads/main\n")
	put(t, filepath.Join(repo, "s.yml"), dnsrrStack)
	put(t, filepath.Join(base, "shadow"), shadow)
	// a policy outside the repository that would report everything
	put(t, filepath.Join(base, "pol", "evil.rego"), "package evil\n")

	t.Run("parent directory's configuration is not read", func(t *testing.T) {
		put(t, filepath.Join(base, ".swarmlint.yaml"), "ignore:\n  - rule: \"SWL*\"\n    reason: silence everything\n")
		defer os.Remove(filepath.Join(base, ".swarmlint.yaml"))
		code, out, stderr := runIn(t, repo, "s.yml")
		if code != ExitFindings || !strings.Contains(out, "SWL101") {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
	})
	t.Run("without a repository, a parent directory's configuration is not read", func(t *testing.T) {
		plain := filepath.Join(base, "plain", "checkout")
		put(t, filepath.Join(plain, "s.yml"), dnsrrStack)
		put(t, filepath.Join(base, "plain", ".swarmlint.yaml"), "ignore:\n  - rule: \"SWL*\"\n    reason: silence everything\n")
		code, out, stderr := runIn(t, plain, "s.yml")
		if code != ExitFindings || !strings.Contains(out, "SWL101") {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
	})
	for _, c := range []struct{ name, cfg, want string }{
		{"policy outside", "policies: [../pol]\n", `\.swarmlint\.yaml:1:12: invalid configuration: policies: "\.\./pol" is outside the repository`},
		{"stack outside", "stacks:\n  - name: x\n    files: [../shadow]\n", `\.swarmlint\.yaml:3:13: invalid configuration: stacks: "\.\./shadow" is outside`},
		{"absolute stack", "stacks:\n  - name: x\n    files: [" + filepath.Join(base, "shadow") + "]\n", `invalid configuration: stacks: ".*shadow" is outside`},
		{"inventory outside", "cluster:\n  inventory: [../shadow]\n", `invalid configuration: inventory: "\.\./shadow" is outside`},
		{"link to outside", "stacks:\n  - name: x\n    files: [link.yml]\n", `invalid configuration: stacks: "link\.yml" is a symbolic link to .*shadow, outside the repository`},
	} {
		t.Run(c.name, func(t *testing.T) {
			put(t, filepath.Join(repo, ".swarmlint.yaml"), c.cfg)
			os.Symlink(filepath.Join(base, "shadow"), filepath.Join(repo, "link.yml"))
			defer os.Remove(filepath.Join(repo, "link.yml"))
			defer os.Remove(filepath.Join(repo, ".swarmlint.yaml"))
			code, out, stderr := runIn(t, repo, "s.yml")
			if code != ExitError || !regexp.MustCompile(c.want).MatchString(stderr) {
				t.Fatalf("exit %d, want 2 and %q\n%s%s", code, c.want, out, stderr)
			}
		})
	}
	t.Run("configuration that is a link to outside", func(t *testing.T) {
		put(t, filepath.Join(base, "evil.yaml"), "ignore:\n  - rule: \"SWL*\"\n    reason: x\n")
		symlink(t, filepath.Join(base, "evil.yaml"), filepath.Join(repo, ".swarmlint.yaml"))
		defer os.Remove(filepath.Join(repo, ".swarmlint.yaml"))
		code, out, stderr := runIn(t, repo, "s.yml")
		if code != ExitError || !strings.Contains(stderr, "is a symbolic link to") {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
	})
	t.Run("--config that is a link to outside", func(t *testing.T) {
		put(t, filepath.Join(base, "evil2.yaml"), "key_s3cr3t: 1\n") // an unknown key would be quoted
		symlink(t, filepath.Join(base, "evil2.yaml"), filepath.Join(repo, "cfg.yaml"))
		defer os.Remove(filepath.Join(repo, "cfg.yaml"))
		code, out, stderr := runIn(t, repo, "--config", "cfg.yaml", "s.yml")
		if code != ExitError || !strings.Contains(stderr, `--config: "cfg.yaml" is a symbolic link to`) {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
	})
	t.Run("stack argument that is a link to outside", func(t *testing.T) {
		symlink(t, filepath.Join(base, "shadow"), filepath.Join(repo, "stack.yml"))
		defer os.Remove(filepath.Join(repo, "stack.yml"))
		code, out, stderr := runIn(t, repo, "stack.yml")
		if code != ExitError || !strings.Contains(stderr, `"stack.yml" is a symbolic link to`) {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
		// naming the target itself is the user's explicit choice
		if code, _, stderr := runIn(t, repo, filepath.Join(base, "shadow")); code != ExitOK || !strings.Contains(stderr, "shadow: skipped: not a Compose file") || strings.Contains(stderr, "root:") {
			t.Fatalf("explicit outside path: exit %d %s", code, stderr)
		}
	})
	t.Run("directory owned by another user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to give a directory to another user")
		}
		shared := filepath.Join(base, "shared")
		put(t, filepath.Join(shared, ".swarmlint.yaml"), "ignore:\n  - rule: \"SWL*\"\n    reason: planted\n")
		put(t, filepath.Join(shared, "s.yml"), dnsrrStack)
		if err := os.Chown(shared, 65534, 65534); err != nil {
			t.Skip(err)
		}
		code, out, stderr := runIn(t, shared, "s.yml")
		if code != ExitFindings || !strings.Contains(out, "SWL101") || !strings.Contains(stderr, "it or its directory belongs to another user") {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
	})
	t.Run("configuration file owned by another user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to give a file to another user")
		}
		put(t, filepath.Join(repo, ".swarmlint.yaml"), "ignore:\n  - rule: \"SWL*\"\n    reason: planted\n")
		defer os.Remove(filepath.Join(repo, ".swarmlint.yaml"))
		if err := os.Chown(filepath.Join(repo, ".swarmlint.yaml"), 65534, 65534); err != nil {
			t.Skip(err)
		}
		code, out, stderr := runIn(t, repo, "s.yml")
		if code != ExitFindings || !strings.Contains(out, "SWL101") || !strings.Contains(stderr, "not reading") {
			t.Fatalf("exit %d\n%s%s", code, out, stderr)
		}
	})
	t.Run("settings out of range as flags", func(t *testing.T) {
		for _, c := range [][2]string{
			{"--default-addr-pool-mask-length=99", "--default-addr-pool-mask-length 99 is out of range"},
			{"--default-addr-pool-mask-length=-5", "--default-addr-pool-mask-length -5 is out of range"},
			{"--underlay-mtu=-1", "--underlay-mtu: -1 is not an MTU"},
			{"--underlay-mtu=0", "--underlay-mtu: 0 is not an MTU"},
			{"--node-count=0", "--node-count: 0 is not a number of nodes: want 1 to 100000"},
			{"lint --node-count=9223372036854775807", "--node-count: 9223372036854775807 is not a number of nodes"},
			{"--policy-timeout=0", "--policy-timeout 0s: want a positive duration"},
			{"--policy-timeout=-1s", "--policy-timeout -1s: want a positive duration"},
			{"--default-addr-pool-mask-length=12 --default-addr-pool=10.20.0.0/16", "--default-addr-pool-mask-length 12 is shorter than the pool 10.20.0.0/16"},
		} {
			code, _, stderr := runIn(t, repo, append(strings.Fields(c[0]), "s.yml")...)
			if code != ExitError || !strings.Contains(stderr, c[1]) {
				t.Errorf("%s: exit %d, %s", c[0], code, stderr)
			}
		}
	})
}

// TestInterpolationBudget: 1,000 ${X} with a 120 KB X (120 MB once
// interpolated, printed whole before) is refused at once naming the
// variable; 100 of them lint, and messages quoting the value are shortened.
func TestInterpolationBudget(t *testing.T) {
	t.Setenv("X", strings.Repeat("x", 120_000))
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("services:\n  web:\n    image: nginx\n    labels:\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "      l%d: \"${X}\"\n", i)
	}
	put(t, filepath.Join(dir, "s.yml"), b.String())
	var out, errb bytes.Buffer
	start := time.Now()
	code := Main([]string{filepath.Join(dir, "s.yml")}, strings.NewReader(""), &out, &errb)
	if code != ExitError || !strings.Contains(errb.String(), "once its aliases and variables are resolved (the largest value used is $X, 120000 bytes)") {
		t.Fatalf("exit %d: %.500s", code, errb.String())
	}
	if d := time.Since(start); d > hostileTimeout {
		t.Errorf("took %v", d)
	}
	// a value of 120 KB in a finding's message is cut around an ellipsis
	put(t, filepath.Join(dir, "p.yml"), "services:\n  web:\n    image: nginx\n    ports: [\"${X}:80\"]\n")
	out.Reset()
	errb.Reset()
	Main([]string{"--format", "json", filepath.Join(dir, "p.yml")}, strings.NewReader(""), &out, &errb)
	if out.Len()+errb.Len() > 20_000 {
		t.Errorf("%d bytes of output for one value", out.Len()+errb.Len())
	}
}

// TestTimeoutNamesTheInput: a built-in rule that runs out of the policy
// timeout is reported as a budget of the input (before: "fix the rule").
func TestTimeoutNamesTheInput(t *testing.T) {
	dir := t.TempDir()
	put(t, filepath.Join(dir, "s.yml"), cleanStack)
	var out, errb bytes.Buffer
	code := Main([]string{"--no-color", "--policy-timeout", "1ns", filepath.Join(dir, "s.yml")}, strings.NewReader(""), &out, &errb)
	if code != ExitError {
		t.Fatalf("exit %d", code)
	}
	got := out.String() + errb.String()
	if !regexp.MustCompile(`the inputs \(1 file: 1 service, \d+ networks?, 0 published ports\) are too large to check within the policy timeout of 1ns`).MatchString(got) || strings.Contains(got, "fix the rule") {
		t.Errorf("%.2000s", got)
	}
}

// TestCustomRuleFixtureLinkToDevice: `swarmlint test` on a pull request's
// policies, one of whose fixtures links to /dev/zero, fails that fixture at
// once instead of reading forever.
func TestCustomRuleFixtureLinkToDevice(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "pol")
	var out, errb bytes.Buffer
	if code := Main([]string{"new-rule", "--dir", pol, "my-rule"}, strings.NewReader(""), &out, &errb); code != ExitOK {
		t.Fatalf("new-rule: exit %d %s", code, errb.String())
	}
	symlink(t, "/dev/zero", filepath.Join(pol, "fixtures", "CUSTOM001-my-rule", "zero.yml"))
	out.Reset()
	errb.Reset()
	start := time.Now()
	code := Main([]string{"test", pol}, strings.NewReader(""), &out, &errb)
	if code != ExitFindings || !strings.Contains(out.String()+errb.String(), "zero.yml: is a device, not a regular file") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if d := time.Since(start); d > hostileTimeout {
		t.Errorf("took %v", d)
	}
}
