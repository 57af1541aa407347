package analyzer

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
