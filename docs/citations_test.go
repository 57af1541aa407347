package docs

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// outsideDocs matches references to documents a reader of the repository
// cannot open: ids and files of notes kept outside it. Cite
// docs/swarm-behaviour.md (by anchor) or public sources instead.
var outsideDocs = regexp.MustCompile(`GT[0-9]{3}|docker-ground-truth|engineering-notes\.md|rules-catalog\.md|\.\./shared/docs|sarif\.md`)

// allowed lists the only places that may name an outside document: this
// file, and the catalog test that compares the rules with the catalog next
// to the repository when there is one (it skips, saying why, when not).
var allowed = map[string]*regexp.Regexp{
	"docs/citations_test.go":         regexp.MustCompile(`.`),
	"internal/docgen/docgen_test.go": regexp.MustCompile(`^(rules-catalog\.md|\.\./shared/docs)$`),
}

// TestNoCitationOfOutsideDocuments fails when a file of the repository cites
// a document that is not in it.
func TestNoCitationOfOutsideDocuments(t *testing.T) {
	files := repoFiles(t, "..")
	if len(files) < 100 {
		t.Fatalf("found only %d files in the repository", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			continue // removed in the work tree, or binary
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range outsideDocs.FindAllString(line, -1) {
				if re := allowed[f]; re != nil && re.MatchString(m) {
					continue
				}
				t.Errorf("%s:%d cites %q, a document outside the repository; cite docs/swarm-behaviour.md or a public source", f, i+1, m)
			}
		}
	}
}

// repoFiles lists the tracked files (git ls-files), or, without git, every
// file under root except .git.
func repoFiles(t *testing.T, root string) []string {
	if out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output(); err == nil && len(out) > 0 {
		return strings.Split(strings.TrimRight(string(out), "\x00"), "\x00")
	}
	t.Log("git ls-files failed: walking the tree instead")
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files
}

// TestSwarmBehaviourAnchorsExist fails when a file cites a section of
// docs/swarm-behaviour.md that does not exist: anchors are stable ids.
func TestSwarmBehaviourAnchorsExist(t *testing.T) {
	page, err := os.ReadFile("swarm-behaviour.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a id="([a-z0-9-]+)"></a>`).FindAllStringSubmatch(string(page), -1) {
		if anchors[m[1]] {
			t.Errorf("swarm-behaviour.md: anchor %q defined twice", m[1])
		}
		anchors[m[1]] = true
	}
	cite := regexp.MustCompile(`swarm-behaviour\.md#([a-z0-9-]+)`)
	n := 0
	for _, f := range repoFiles(t, "..") {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range cite.FindAllStringSubmatch(line, -1) {
				n++
				if !anchors[m[1]] {
					t.Errorf("%s:%d cites swarm-behaviour.md#%s, which has no such anchor", f, i+1, m[1])
				}
			}
		}
	}
	if n == 0 {
		t.Error("no file cites docs/swarm-behaviour.md")
	}
}
