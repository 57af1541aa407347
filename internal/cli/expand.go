package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/internal/safeio"
)

// StdinName is how standard input ('-') is shown without --stdin-filename.
const StdinName = "<stdin>"

// composeNameRe matches the names Compose and stack files have by
// convention: docker-compose.yml, compose.yaml, compose.prod.yml,
// docker-stack.yml, stack.yml, stack-prod.yaml, ... It does not match a
// name that only contains "stack" or "compose" (localstack.yml,
// vpc-stack.yaml, stackstorm-config.yml).
var composeNameRe = lazyre.New(`(?i)^(docker-)?(compose|stack)([._-][^/]*)?\.ya?ml$`)

// IsComposeName reports whether a file's base name is a Compose or stack
// file name by convention.
func IsComposeName(name string) bool {
	return composeNameRe().MatchString(filepath.Base(name))
}

// skipDirs are directories a directory argument never descends into:
// version control and vendored dependencies.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "vendor": true, "node_modules": true}

// sniff tells a Compose file from other YAML by content.
var sniff = analyzer.LooksLikeCompose

// sniffLimit bounds how much of a YAML file a directory walk reads to tell
// whether it is a Compose file.
const sniffLimit = 1 << 20

// expandArgs turns the positional arguments into files: a directory is
// searched recursively for Compose and stack files (skipping .git, vendored
// and git-ignored paths), '-' is standard input (held in overlay under
// stdinName or StdinName), and a glob the shell did not expand (quoted, or
// with ** that the shell does not know) is expanded here; a glob that
// matches nothing is an error naming it. Other arguments are kept as they
// are (a missing file is reported when it is read). links lists the
// symbolic links named like YAML files that a directory search passed over.
func expandArgs(args []string, stdin io.Reader, stdinName string) (files []string, overlay map[string][]byte, links []string, err error) {
	for _, a := range args {
		switch {
		case a == "-":
			if overlay != nil {
				return nil, nil, nil, errors.New("'-' (standard input) given twice")
			}
			name := StdinName
			if stdinName != "" {
				name = filepath.Clean(stdinName)
			}
			if stdin == nil {
				stdin = strings.NewReader("")
			}
			data, err := io.ReadAll(io.LimitReader(stdin, analyzer.MaxStackFileSize+1))
			if err != nil {
				return nil, nil, nil, fmt.Errorf("reading standard input: %w", err)
			}
			if len(data) > analyzer.MaxStackFileSize {
				return nil, nil, nil, fmt.Errorf("standard input is larger than %d MiB", analyzer.MaxStackFileSize>>20)
			}
			overlay = map[string][]byte{name: data}
			files = append(files, name)
		case exists(a):
			if isDir(a) {
				found, skipped, err := walkDir(a)
				if err != nil {
					return nil, nil, nil, err
				}
				links = append(links, skipped...)
				if len(found) == 0 {
					return nil, nil, nil, fmt.Errorf("%s: no Compose or stack file in this directory (looked for docker-compose*.yml, compose*.yaml, docker-stack*.yml, stack*.yml and YAML files with services:)", a)
				}
				files = append(files, found...)
			} else {
				files = append(files, a)
			}
		case hasGlobMeta(a):
			found, skipped, err := expandGlob(a)
			if err != nil {
				return nil, nil, nil, err
			}
			links = append(links, skipped...)
			if len(found) == 0 {
				return nil, nil, nil, fmt.Errorf("%s: the pattern matches no file", a)
			}
			files = append(files, found...)
		default:
			files = append(files, a)
		}
	}
	if stdinName != "" && overlay == nil {
		return nil, nil, nil, errors.New("--stdin-filename names standard input, which is read only when '-' is an argument")
	}
	return files, overlay, links, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func hasGlobMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// expandGlob expands a shell pattern in which ** matches any number of
// directories (as bash's globstar does); directories the pattern matches
// are searched like directory arguments. The result is sorted.
func expandGlob(pattern string) (files, links []string, err error) {
	pattern = filepath.ToSlash(pattern)
	if _, err := path.Match(strings.ReplaceAll(pattern, "**", "*"), ""); err != nil {
		return nil, nil, fmt.Errorf("%s: bad pattern: %v", pattern, err)
	}
	segs := strings.Split(pattern, "/")
	// the literal directories in front of the first pattern segment
	root, rest := "", segs
	for len(rest) > 1 && !hasGlobMeta(rest[0]) {
		if root == "" && rest[0] == "" {
			root = "/"
		} else {
			root = path.Join(root, rest[0])
		}
		rest = rest[1:]
	}
	start := root
	if start == "" {
		start = "."
	}
	var out []string
	err = filepath.WalkDir(filepath.FromSlash(start), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == filepath.FromSlash(start) {
				return fs.SkipAll // the literal part does not exist: no match
			}
			return nil
		}
		rel, _ := filepath.Rel(filepath.FromSlash(start), p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.IsDir() && d.Name() == ".git" {
			return fs.SkipDir
		}
		if !matchSegments(rest, strings.Split(rel, "/")) {
			return nil
		}
		name := p
		if root == "" {
			name = rel
		}
		if d.IsDir() {
			found, skipped, err := walkDir(name)
			if err != nil {
				return err
			}
			out = append(out, found...)
			links = append(links, skipped...)
			return fs.SkipDir
		}
		out = append(out, name)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(out)
	sort.Strings(links)
	return slices.Compact(out), slices.Compact(links), nil
}

// matchSegments matches path segments against pattern segments, where a
// "**" segment matches zero or more segments.
func matchSegments(pat, segs []string) bool {
	if len(pat) == 0 {
		return len(segs) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(segs); i++ {
			if matchSegments(pat[1:], segs[i:]) {
				return true
			}
		}
		return false
	}
	if len(segs) == 0 {
		return false
	}
	if ok, _ := path.Match(pat[0], segs[0]); !ok {
		return false
	}
	return matchSegments(pat[1:], segs[1:])
}

// walkDir finds the Compose and stack files below dir, sorted: files named
// like one (IsComposeName), and other .yml/.yaml files whose content is
// one (analyzer.LooksLikeCompose). It skips .git, vendor and
// node_modules directories, symbolic links, and what .gitignore files (of
// the directory, its subdirectories and its parents up to the repository
// root) and .git/info/exclude ignore. links lists the symbolic links named
// like YAML files that it passed over, for the caller to say so.
func walkDir(dir string) (files, links []string, err error) {
	ig := newIgnorer(dir)
	var out []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // unreadable below: skipped like git would
		}
		if d.IsDir() {
			if p != dir && (skipDirs[d.Name()] || ig.ignored(p, true)) {
				return fs.SkipDir
			}
			ig.load(p)
			return nil
		}
		name := d.Name()
		lower := strings.ToLower(name)
		if !strings.HasSuffix(lower, ".yml") && !strings.HasSuffix(lower, ".yaml") || ig.ignored(p, false) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			links = append(links, p)
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if IsComposeName(name) || (sniff != nil && sniffFile(p)) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(out)
	sort.Strings(links)
	return out, links, nil
}

// sniffFile reads the head of a YAML file and tells whether it is a
// Compose file.
func sniffFile(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, sniffLimit))
	return err == nil && sniff(data)
}

// ignorer applies .gitignore rules the way git does for the paths a walk
// visits: a later rule wins over an earlier one, a rule of a deeper
// .gitignore over a shallower one, and an ignored directory is not entered.
type ignorer struct {
	rules []ignoreRule
}

type ignoreRule struct {
	base     string   // directory of the .gitignore, slash-separated, absolute
	pattern  []string // segments
	negate   bool
	dirOnly  bool
	anchored bool // contains a slash: relative to base, else any depth
}

// newIgnorer reads .git/info/exclude and the .gitignore files of dir's
// parents up to the repository root (the directory holding .git); dir's own
// and deeper ones are read as the walk enters them.
func newIgnorer(dir string) *ignorer {
	ig := &ignorer{}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ig
	}
	var parents []string
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		parents = append(parents, d)
		if exists(filepath.Join(d, ".git")) || filepath.Dir(d) == d {
			break
		}
	}
	root := parents[len(parents)-1]
	if exists(filepath.Join(abs, ".git")) {
		root, parents = abs, nil
	}
	if exists(filepath.Join(root, ".git")) {
		ig.read(filepath.Join(root, ".git", "info", "exclude"), root)
	} else {
		parents = nil // not in a repository: only the walked tree's own files
	}
	for i := len(parents) - 1; i >= 0; i-- {
		ig.read(filepath.Join(parents[i], ".gitignore"), parents[i])
	}
	return ig
}

// load reads a directory's .gitignore as the walk enters it.
func (ig *ignorer) load(dir string) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		ig.read(filepath.Join(abs, ".gitignore"), abs)
	}
}

func (ig *ignorer) read(file, base string) {
	// through safeio: a committed .gitignore can be a link to a FIFO, on
	// whose open a plain os.Open blocks for ever
	data, err := safeio.ReadFile(file, 1<<20)
	if err != nil {
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimRight(line, " "); !strings.HasSuffix(line, "\\ ") {
			line = t
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{base: filepath.ToSlash(base)}
		if strings.HasPrefix(line, "!") {
			r.negate, line = true, line[1:]
		} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly, line = true, strings.TrimSuffix(line, "/")
		}
		r.anchored = strings.Contains(line, "/")
		line = strings.TrimPrefix(line, "/")
		if line == "" {
			continue
		}
		r.pattern = strings.Split(line, "/")
		ig.rules = append(ig.rules, r)
	}
}

// ignored reports whether the last matching rule ignores p.
func (ig *ignorer) ignored(p string, isDir bool) bool {
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	abs = filepath.ToSlash(abs)
	out := false
	for _, r := range ig.rules {
		if r.dirOnly && !isDir {
			continue
		}
		rel, ok := strings.CutPrefix(abs, strings.TrimSuffix(r.base, "/")+"/")
		if !ok {
			continue
		}
		segs := strings.Split(rel, "/")
		var match bool
		if r.anchored {
			match = matchSegments(r.pattern, segs)
		} else {
			match = matchSegments(r.pattern, segs[len(segs)-1:])
		}
		if match {
			out = !r.negate
		}
	}
	return out
}

// sameFile reports whether two names are one file (for de-duplicating
// arguments): the same cleaned absolute path, or os.SameFile.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := filepath.Abs(a)
	y, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && x == y {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// fileKey is the key under which a file is looked up among the configured
// ones: its cleaned absolute path.
func fileKey(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}
