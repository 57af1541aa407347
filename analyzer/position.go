package analyzer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// RefFromMap reads a Ref as it comes back from Rego.
func RefFromMap(m map[string]any) Ref {
	var r Ref
	if m == nil {
		return r
	}
	r.Src, _ = m["src"].(string)
	r.File, _ = m["file"].(string)
	if p, ok := m["path"].([]any); ok {
		r.Path = normalizePath(p)
	}
	r.Line, r.Col = refInt(m["line"]), refInt(m["col"])
	r.EndLine, r.EndCol = refInt(m["end_line"]), refInt(m["end_col"])
	return r
}

// refInt reads a number of a Ref coming back from Rego (json.Number there).
func refInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	case interface{ String() string }:
		i, _ := strconv.Atoi(n.String())
		return i
	}
	return 0
}

// Locate turns a model reference (plus an optional sub-path below it) into
// the region of the offending token; when the exact token is not in the
// file it returns the nearest existing parent. ok is false when the source
// is unknown (no position can be given honestly).
func (a *Analysis) Locate(ref Ref, sub []any) (Region, bool) {
	if ref.Line > 0 {
		// An exact region (scripts, --swarm-init): nothing to resolve, but a
		// sub-path may name a flag of the command (the deepest one known).
		s := normalizePath(sub)
		for n := len(s); n > 0; n-- {
			if r, ok := a.SubRegions[ref.Identity(s[:n])]; ok {
				return r, true
			}
		}
		return Region{File: ref.File, StartLine: ref.Line, StartCol: ref.Col, EndLine: ref.EndLine, EndCol: ref.EndCol}, ref.File != ""
	}
	docs := a.Docs[ref.Src]
	if ref.File != "" {
		var pinned []*Doc
		for _, d := range docs {
			if d.File == ref.File {
				pinned = append(pinned, d)
			}
		}
		if len(pinned) > 0 {
			docs = pinned
		}
	}
	if len(docs) == 0 {
		return Region{}, false
	}
	path := append(append([]any{}, ref.Path...), normalizePath(sub)...)
	r, _ := Locate(docs, path)
	return r, r.File != ""
}

// Identity is a stable identity of a located element: source, file and the
// model path, independent of line numbers.
func (ref Ref) Identity(sub []any) string {
	parts := []string{ref.Src}
	for _, p := range append(append([]any{}, ref.Path...), sub...) {
		parts = append(parts, fmt.Sprint(p))
	}
	return strings.Join(parts, "/")
}

// JSON returns the model as the exact JSON Rego sees.
func (m *Model) JSON() ([]byte, error) {
	return json.MarshalIndent(m, "", "  ")
}

// Fallback is where a finding goes when its element has no position of its
// own (Locate fails): the ingress network swarm creates at init, or a ref a
// rule built that names nothing. It returns the most relevant place the
// inputs have and says what it is:
//
//   - for the swarm's own objects (src "swarm"): the `docker swarm init`
//     in effect (in a script or .swarmlint.yaml), else the first --cluster
//     inventory file, else the first port published through the ingress
//     routing mesh (it routes through the ingress network);
//   - for a ref into a known source: that source's first file;
//   - otherwise the first input file.
//
// ok is false only when the run read no file at all.
func (a *Analysis) Fallback(ref Ref) (r Region, why string, ok bool) {
	m := a.Model
	if ref.Src == "swarm" {
		if m.Swarm.Init.Present {
			if r, ok := a.Locate(m.Swarm.Init.Ref, nil); ok {
				return r, "the docker swarm init that creates it", true
			}
		}
		for _, src := range sortedKeys(m.Sources) {
			if s := m.Sources[src]; s.Kind == "inventory" && len(s.Files) > 0 {
				return a.fileStart(s.Files[0]), "the cluster inventory", true
			}
		}
		for _, key := range sortedKeys(m.Indexes.PublishedPorts) {
			for _, use := range m.Indexes.PublishedPorts[key] {
				s := m.Services[use.Service]
				if use.Mode != "ingress" || s == nil || use.Port < 0 || use.Port >= len(s.Ports) {
					continue
				}
				if r, ok := a.Locate(s.Ports[use.Port].Ref, nil); ok {
					return r, "a port published through the ingress routing mesh", true
				}
			}
		}
	}
	if s, known := m.Sources[ref.Src]; known && len(s.Files) > 0 {
		if _, read := a.Files[s.Files[0]]; read {
			return a.fileStart(s.Files[0]), "the start of its source", true
		}
	}
	if len(a.Inputs) > 0 {
		return a.fileStart(a.Inputs[0]), "the first input file", true
	}
	return Region{}, "", false
}

// fileStart is the first line of a file, as a region.
func (a *Analysis) fileStart(file string) Region {
	first, _, _ := strings.Cut(string(a.Files[file]), "\n")
	end := utf8.RuneCountInString(strings.TrimRight(first, "\r")) + 1
	return Region{File: file, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: end}
}
