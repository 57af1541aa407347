package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
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

		// terminal injection: control characters of a YAML key reach stderr
		// only as U+FFFD
		{name: "ESC and CR in a key", setup: func(t *testing.T, dir string) {
			put(t, filepath.Join(dir, "s.yml"), "services:\n  web:\n    image: nginx\n    \"\\r\\e[2K\\r::error file=x::forged\": 1\n")
		}, args: []string{"DIR/s.yml"}, code: ExitError, want: `s\.yml:\d+:\d+: .*services\.web\.\x{FFFD}\x{FFFD}\[2K\x{FFFD}::error file=x::forged`},

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
	if runtime.GOOS == "windows" {
		t.Skip("FIFOs and /dev/zero are Unix")
	}
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
