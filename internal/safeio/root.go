package safeio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Root is the trust boundary of a run: the repository being linted. Paths
// that come from files (the configuration's stacks, scripts, policies, ...)
// and files found inside directories must resolve inside it, symbolic links
// included; a path typed on the command line may point anywhere, but a
// symbolic link inside the repository may not lead out of it.
type Root struct {
	// Dir is the root as an absolute path, Real the same with symbolic
	// links resolved.
	Dir, Real string
}

// NewRoot returns the Root of dir itself.
func NewRoot(dir string) Root {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = filepath.Clean(dir)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	return Root{Dir: abs, Real: real}
}

// RepoRoot returns the repository that holds dir: the nearest directory
// from dir upwards that holds .git (a directory, or a file in a worktree),
// not looking past a directory owned by another user (as git's
// safe.directory check). Without one it returns dir itself.
func RepoRoot(dir string) Root {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return NewRoot(dir)
	}
	for d := abs; ; {
		if !OwnedByUser(d) {
			break
		}
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return NewRoot(d)
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return NewRoot(abs)
}

// Contains reports whether the absolute, clean path p is r's directory or
// below it (lexically, or once r's own links are resolved).
func (r Root) Contains(p string) bool {
	return within(p, r.Dir) || within(p, r.Real)
}

func within(p, dir string) bool {
	if dir == "" {
		return false
	}
	if p == dir {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// OutsideError says a path leads outside the repository.
type OutsideError struct {
	Path   string // as given
	Target string // where it leads (symbolic links resolved)
	Root   string
	Link   bool // a symbolic link inside the repository leads out
}

func (e *OutsideError) Error() string {
	if e.Link {
		return fmt.Sprintf("%q is a symbolic link to %s, outside the repository %s; swarmlint follows links only inside it (name the target itself on the command line to lint it)", e.Path, e.Target, e.Root)
	}
	return fmt.Sprintf("%q is outside the repository %s; paths in files must stay inside it (name the file on the command line to lint it)", e.Path, e.Root)
}

// Allow checks path against the boundary: explicit says the user typed it
// on the command line. A path that does not exist passes (reading it will
// say so). The error is an *OutsideError.
func (r Root) Allow(path string, explicit bool) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		real = abs
	}
	if within(real, r.Real) || within(real, r.Dir) {
		return nil
	}
	lexicalInside := r.Contains(abs)
	if explicit && !lexicalInside {
		return nil // named outside the repository on purpose
	}
	return &OutsideError{Path: path, Target: real, Root: r.Dir, Link: lexicalInside && real != abs}
}
