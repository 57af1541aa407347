//go:build unix

package lsp

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFilesOnDiskAreReadSafely: a file not open in the editor is read with
// the stack file cap and only when it is a regular file; a workspace from
// a pull request can hold a FIFO or a link to /dev/zero, which a plain read
// would block on or never finish (issue #19).
func TestFilesOnDiskAreReadSafely(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "f.yml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "z.yml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	s := &Server{}
	for _, p := range []string{fifo, zero} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			if _, ok := s.textOf(p); ok {
				t.Errorf("textOf(%s) read it", p)
			}
			r := &result{files: map[string]*fileResult{}}
			if fr := s.fileResult(r, p, nil, nil); fr.text != "" {
				t.Errorf("fileResult(%s) read %d bytes", p, len(fr.text))
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("reading %s still blocked after 5 s", p)
		}
	}
}
