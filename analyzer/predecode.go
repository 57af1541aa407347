package analyzer

import (
	"bytes"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// predecode hands compose-go a stack file already decoded from the YAML
// nodes swarmlint parsed for positions (types.ConfigFile.Config), instead
// of the bytes it would parse a second time. Besides the second parse, this
// avoids the YAML library's duplicate-key check when it decodes the nodes:
// it compares every pair of keys of a mapping, 5·10⁷ comparisons and half a
// second for a 10,000-service `services:` (docs/performance.md). The check is
// done here in linear time instead.
//
// It applies only where compose-go's own reading would give the same map: a
// single document without duplicate keys (compose-go reports those), without
// the !reset and !override tags compose-go gives a meaning to, and without a
// `<<` merge of an aliased list (which compose-go resolves itself). Otherwise
// the file goes to compose-go as bytes, as before.
func predecode(d *Doc) (map[string]any, bool) {
	if bytes.Contains(d.Src, []byte("\n---")) || bytes.Contains(d.Src, []byte("\n...")) {
		return nil, false // possibly several documents: compose-go merges them all
	}
	if !plainNodes(d.Root) {
		return nil, false
	}
	var raw any
	if err := d.Root.Load(&raw, yaml.WithUniqueKeys(false)); err != nil {
		return nil, false // let compose-go report it
	}
	m, ok := raw.(map[string]any)
	return m, ok
}

// plainNodes reports whether the document has none of what predecode leaves
// to compose-go.
func plainNodes(n *yaml.Node) bool {
	if n.Tag == "!reset" || n.Tag == "!override" {
		return false
	}
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				return false
			}
			seen[k.Value] = true
			if isMergeKey(k) && v.Kind == yaml.AliasNode && (v.Alias == nil || v.Alias.Kind != yaml.MappingNode) {
				return false
			}
		}
	}
	for _, c := range n.Content {
		if !plainNodes(c) {
			return false
		}
	}
	return true
}

// withoutConfig returns files with the predecoded maps dropped: compose-go
// changes a map it loads, so a second load must parse the bytes again.
func withoutConfig(files []types.ConfigFile) []types.ConfigFile {
	out := make([]types.ConfigFile, len(files))
	for i, f := range files {
		f.Config = nil
		out[i] = f
	}
	return out
}
