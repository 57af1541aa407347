package analyzer

import (
	"encoding/json"
	"fmt"
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
	return r
}

// Locate turns a model reference (plus an optional sub-path below it) into
// the region of the offending token; when the exact token is not in the
// file it returns the nearest existing parent. ok is false when the source
// is unknown (no position can be given honestly).
func (a *Analysis) Locate(ref Ref, sub []any) (Region, bool) {
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
