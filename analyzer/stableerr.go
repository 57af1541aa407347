package analyzer

import (
	"context"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	yaml "go.yaml.in/yaml/v4"
)

// entrySections are the top-level sections compose-go holds as Go maps. It
// validates, interpolates and decodes their entries in map order, so when
// several entries are wrong, which one its error names changes from run to
// run.
var entrySections = map[string]bool{"services": true, "networks": true, "volumes": true, "secrets": true, "configs": true}

// stableLoadError makes a load error the same on every run: when err is
// about an entry of a section with several entries, it loads the stack again
// with only the first k entries of that section (in the order the files
// list them), for the smallest k that still fails, found by bisection, and
// returns that load's error. The error then names the first wrong entry, as
// a reader going down the file would find it. It costs about log2(entries)
// extra loads, on failing input only. Whatever goes wrong on the way leaves
// err as it was.
func stableLoadError(ctx context.Context, merger Merger, cfs []types.ConfigFile, env map[string]string, err error) error {
	path, _, _ := loadErrorPath(err)
	section, _, _ := strings.Cut(path, ".")
	if !entrySections[section] {
		return err
	}
	roots := make([]*yaml.Node, len(cfs))
	var names []string
	seen := map[string]bool{}
	for i, cf := range cfs {
		var doc yaml.Node
		if yaml.Unmarshal(cf.Content, &doc) != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
			return err
		}
		roots[i] = &doc
		if _, sec, _ := mapLookup(doc.Content[0], section); sec != nil && sec.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(sec.Content); j += 2 {
				if n := sec.Content[j].Value; !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		}
	}
	if len(names) < 2 {
		return err
	}
	// load the stack with the first k entries of the section.
	load := func(k int) (error, bool) {
		keep := make(map[string]bool, k)
		for _, n := range names[:k] {
			keep[n] = true
		}
		reduced := make([]types.ConfigFile, len(cfs))
		for i, cf := range cfs {
			b, ok := withEntries(roots[i], section, keep)
			if !ok {
				return nil, false
			}
			reduced[i] = types.ConfigFile{Filename: cf.Filename, Content: b}
		}
		_, lerr := loadProject(ctx, merger, reduced, env)
		if lerr != nil {
			// An error of another kind (say, an alias whose anchor went
			// with a dropped entry) says nothing about the entries.
			if p, _, _ := loadErrorPath(lerr); !strings.HasPrefix(p, section+".") {
				return nil, false
			}
		}
		return lerr, true
	}
	// Invariant: the first hi entries fail with best; the first lo load.
	lo, hi, best := 0, len(names), err
	for lo+1 < hi {
		mid := (lo + hi) / 2
		e, ok := load(mid)
		if !ok {
			return err
		}
		if e != nil {
			hi, best = mid, e
		} else {
			lo = mid
		}
	}
	return best
}

// withEntries encodes a copy of the document that keeps only the entries of
// section named in keep. Anchors stay valid: the entries kept are the first
// ones, and an alias can only refer back.
func withEntries(doc *yaml.Node, section string, keep map[string]bool) ([]byte, bool) {
	root := *doc.Content[0]
	root.Content = append([]*yaml.Node(nil), root.Content...)
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != section || root.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		sec := *root.Content[i+1]
		sec.Content = nil
		for j := 0; j+1 < len(root.Content[i+1].Content); j += 2 {
			if k := root.Content[i+1].Content[j]; keep[k.Value] {
				sec.Content = append(sec.Content, k, root.Content[i+1].Content[j+1])
			}
		}
		root.Content[i+1] = &sec
	}
	out := *doc
	out.Content = []*yaml.Node{&root}
	b, err := yaml.Marshal(&out)
	return b, err == nil
}
