//go:build unix

package safeio

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

// TestReadFileRefusesNonRegular: a link to /dev/zero, a FIFO and a
// directory are refused at once with the kind named; nothing blocks.
func TestReadFileRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "stack.yml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, kind string }{{zero, "a device"}, {fifo, "a named pipe (FIFO)"}, {dir, "a directory"}} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(c.path, 1<<20); done <- err }()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || nr.Kind != c.kind {
				t.Errorf("%s: %v, want %s", c.path, err, c.kind)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: ReadFile blocked", c.path)
		}
		if h := ReadHead(c.path, 256); h != nil {
			t.Errorf("ReadHead(%s) = %q, want nil", c.path, h)
		}
	}
	if !errors.Is(func() error { _, err := ReadFile(dir, 10); return err }(), ErrIsDir) {
		t.Error("a directory is not ErrIsDir")
	}
}

// TestReadFileCap: the cap holds at its exact size and one byte over.
func TestReadFileCap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte(strings.Repeat("a", 100)), 0o644)
	if b, err := ReadFile(p, 100); err != nil || len(b) != 100 {
		t.Fatalf("%d bytes, %v", len(b), err)
	}
	_, err := ReadFile(p, 99)
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != "file is larger than 99 bytes" {
		t.Fatalf("%v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "nope"), 10); Reason(err) != "no such file" {
		t.Fatalf("%v", err)
	}
}

// TestAllow: the boundary for explicit and configured paths.
func TestAllow(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	os.MkdirAll(filepath.Join(repo, "sub"), 0o755)
	outside := filepath.Join(base, "secret.yml")
	os.WriteFile(outside, []byte("x"), 0o644)
	os.WriteFile(filepath.Join(repo, "in.yml"), []byte("x"), 0o644)
	os.Symlink(outside, filepath.Join(repo, "out-link.yml"))
	os.Symlink("in.yml", filepath.Join(repo, "in-link.yml"))
	os.Symlink(base, filepath.Join(repo, "up"))
	r := RepoRoot(filepath.Join(repo, "sub"))
	if r.Dir != repo {
		t.Fatalf("root %s, want %s", r.Dir, repo)
	}
	for _, c := range []struct {
		path     string
		explicit bool
		want     string // "" allowed, else a substring of the error
	}{
		{filepath.Join(repo, "in.yml"), false, ""},
		{filepath.Join(repo, "in-link.yml"), false, ""},
		{filepath.Join(repo, "missing.yml"), false, ""},
		{outside, true, ""},
		{outside, false, "is outside the repository"},
		{filepath.Join(repo, "..", "secret.yml"), false, "is outside the repository"},
		{filepath.Join(repo, "out-link.yml"), false, "is a symbolic link to"},
		{filepath.Join(repo, "out-link.yml"), true, "is a symbolic link to"},
		{filepath.Join(repo, "up", "secret.yml"), true, "is a symbolic link to"},
	} {
		err := r.Allow(c.path, c.explicit)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Allow(%s, %v) = %v, want %q", c.path, c.explicit, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "x\n") {
			t.Errorf("error shows content: %v", err)
		}
	}
	// without .git the directory itself is the root
	if r := RepoRoot(base); r.Dir != base && !strings.HasPrefix(base, r.Dir) {
		t.Errorf("root %s for %s", r.Dir, base)
	}
}

// TestWriteFileReplacesLinkNotTarget: -o through a symbolic link replaces
// the link; the victim keeps its content; the mode of an existing file is
// kept; no temporary file is left behind.
func TestWriteFileReplacesLinkNotTarget(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	os.WriteFile(victim, []byte("precious"), 0o600)
	link := filepath.Join(dir, "report.txt")
	os.Symlink(victim, link)
	if err := WriteFile(link, []byte("report")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatalf("victim now %q", b)
	}
	st, err := os.Lstat(link)
	if err != nil || !st.Mode().IsRegular() {
		t.Fatalf("report.txt is %v, %v", st.Mode(), err)
	}
	if b, _ := os.ReadFile(link); string(b) != "report" {
		t.Fatalf("report %q", b)
	}
	os.Chmod(link, 0o600)
	if err := WriteFile(link, []byte("again")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(link); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("left behind: %v", ents)
	}
	if err := WriteFile(dir, []byte("x")); err == nil {
		t.Error("wrote over a directory")
	}
}

// TestWriteFileFailureKeepsOld: a write that cannot complete (the directory
// is read-only) leaves the old file whole.
func TestWriteFileFailureKeepsOld(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "base.json")
	os.WriteFile(p, []byte("old"), 0o644)
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	if err := WriteFile(p, []byte("new")); err == nil {
		t.Fatal("no error")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old file now %q", b)
	}
}

// TestRootWriteFileRefusesDirectoryLinkOut: a directory link inside the
// repository that leads out is not written through.
func TestRootWriteFileRefusesDirectoryLinkOut(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	victimDir := filepath.Join(base, "victim")
	os.Mkdir(victimDir, 0o755)
	os.Symlink(victimDir, filepath.Join(repo, "out"))
	r := RepoRoot(repo)
	err := r.WriteFile(filepath.Join(repo, "out", "r.sarif"), []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("%v", err)
	}
	if ents, _ := os.ReadDir(victimDir); len(ents) != 0 {
		t.Fatalf("wrote %v", ents)
	}
	if err := r.WriteFile(filepath.Join(repo, "r.sarif"), []byte("x")); err != nil {
		t.Fatal(err)
	}
}

func TestPrintableAndShorten(t *testing.T) {
	if got := Printable("a\r\x1b[2K\u202eb\tc\u0085"); got != "a\ufffd\ufffd[2K\ufffdb\tc\ufffd" {
		t.Errorf("Printable: %q", got)
	}
	if got := PrintableLines("a\nb\r"); got != "a\nb\ufffd" {
		t.Errorf("PrintableLines: %q", got)
	}
	long := strings.Repeat("x", 120_000)
	got := Shorten(`service "web" image "` + long + `" is bad`)
	if len(got) > MaxWord+40 || !strings.Contains(got, "…") || !strings.HasPrefix(got, `service "web" image "xxx`) || !strings.HasSuffix(got, `xx" is bad`) {
		t.Errorf("Shorten: %d bytes: %.300q", len(got), got)
	}
	if got := Shorten(strings.Repeat("ab ", 10_000)); len(got) > MaxMessage+len("…") {
		t.Errorf("Shorten kept %d bytes", len(got))
	}
	if s := "short message"; Shorten(s) != s {
		t.Error("short message changed")
	}
	if got := Shorten(strings.Repeat("é", 300)); !strings.Contains(got, "…") || strings.ContainsRune(got, '\ufffd') {
		t.Errorf("Shorten split a rune: %q", got)
	}
}

func TestExpandedSize(t *testing.T) {
	big := strings.Repeat("a", 1000)
	src := "x: &a " + big + "\nl: [" + strings.TrimSuffix(strings.Repeat("*a, ", 100), ", ") + "]\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	if n := ExpandedSize(&doc, 1<<30); n < 101*1000 || n > 101*1000+2000 {
		t.Errorf("expanded %d", n)
	}
	if n := ExpandedSize(&doc, 50_000); n != 50_001 {
		t.Errorf("limited: %d", n)
	}
	var cyc yaml.Node
	yaml.Unmarshal([]byte("x: &a [*a]\n"), &cyc)
	if n := ExpandedSize(&cyc, 100); n != 101 {
		t.Errorf("cycle: %d", n)
	}
	var inf yaml.Node
	yaml.Unmarshal([]byte("a: {b: [1, '.inf', -.Inf]}\n"), &inf)
	if n := NonFinite(&inf); n == nil || n.Line != 1 || n.Column != 20 {
		t.Errorf("NonFinite: %+v", n)
	}
}

// TestWriteFileThroughPipesAndDevices: a FIFO (or a device) is written
// through, never replaced by a regular file: renaming a temporary file over
// -o /dev/null, as root, replaced the system's null device. Below the
// system's stream directories (/dev, /proc) a link is followed and written
// through (-o /dev/stdout), while a link elsewhere is still replaced.
func TestWriteFileThroughPipesAndDevices(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	if err := WriteFile(fifo, []byte("report\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "report\n" {
			t.Errorf("the reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing reached the FIFO's reader")
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", st.Mode(), err)
	}

	// A stand-in for /dev: its link to the process's output is written
	// through (appended), and stays a link.
	sys := t.TempDir()
	old := streamDirs
	streamDirs = []string{sys + string(filepath.Separator)}
	t.Cleanup(func() { streamDirs = old })
	target := filepath.Join(dir, "stdout.txt")
	if err := os.WriteFile(target, []byte("before\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(sys, "stdout")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("report\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "before\nreport\n" {
		t.Errorf("target holds %q, want the report appended", b)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link below the stream directory was replaced: %v", err)
	}
	// The same link outside the stream directories is replaced.
	other := filepath.Join(dir, "report.txt")
	if err := os.Symlink(target, other); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(other, []byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(other); err != nil || !st.Mode().IsRegular() {
		t.Errorf("a link outside the stream directories was not replaced")
	}
	if b, _ := os.ReadFile(target); string(b) != "before\nreport\n" {
		t.Errorf("the link's target was written: %q", b)
	}
}
