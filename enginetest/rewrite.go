package enginetest

import (
	"bytes"
	"errors"
	"io"

	yaml "go.yaml.in/yaml/v4"
)

// RewriteImages returns the compose file src with the value of every
// `image:` key replaced by image, wherever the key appears (services,
// extension fields, anchored fragments merged with <<). Everything else
// (order, comments, anchors, aliases, quoting style of other scalars) is
// kept; the indentation is normalised to two spaces. Aliases to a rewritten
// anchor pick up the new value. A file that does not parse as YAML is returned
// unchanged, so that docker reports its own parse error.
func RewriteImages(src []byte, image string) []byte {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return src
		}
		docs = append(docs, &doc)
	}
	if len(docs) == 0 {
		return src
	}
	for _, d := range docs {
		rewriteImageNodes(d, image, map[*yaml.Node]bool{})
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return src
		}
	}
	if err := enc.Close(); err != nil {
		return src
	}
	return out.Bytes()
}

// rewriteImageNodes walks n; seen guards against alias cycles.
func rewriteImageNodes(n *yaml.Node, image string, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "image" && v.Kind == yaml.ScalarNode {
				v.Value = image
				v.Tag = "!!str"
				// A plain scalar is safe for an image ID or reference; keep
				// quotes if the author used them.
				v.Style &= yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle
				continue
			}
			rewriteImageNodes(v, image, seen)
		}
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			rewriteImageNodes(c, image, seen)
		}
	case yaml.AliasNode:
		rewriteImageNodes(n.Alias, image, seen)
	}
}
