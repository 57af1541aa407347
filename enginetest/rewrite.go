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

// RemoveLines returns the compose file src without the entries that start on
// the given lines: a mapping key on such a line is removed with its value, a
// sequence item that starts there is removed. Top-level service keys are
// kept (removing a service does not isolate anything). A removed top-level
// network is also removed from every service's `networks:`, and a mapping or
// sequence left empty by a removal is removed from its parent, so that the
// rest of the file still deploys as before. It is used to deploy one
// offending entry of a fixture at a time: Docker stops at the first error.
func RemoveLines(src []byte, lines []int) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return src, nil
	}
	drop := map[int]bool{}
	for _, l := range lines {
		drop[l] = true
	}
	root := doc.Content[0]
	var removedNets []string
	var prune func(n *yaml.Node, path []string) bool // reports whether n became empty
	prune = func(n *yaml.Node, path []string) bool {
		switch n.Kind {
		case yaml.MappingNode:
			var keep []*yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				isService := len(path) == 1 && path[0] == "services"
				if drop[k.Line] && !isService {
					if len(path) == 1 && path[0] == "networks" {
						removedNets = append(removedNets, k.Value)
					}
					continue
				}
				if (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) && len(v.Content) > 0 {
					if prune(v, append(append([]string{}, path...), k.Value)) {
						if len(path) != 1 || (path[0] != "networks" && path[0] != "services") {
							continue
						}
						// A network or service left empty stays, with defaults.
						v.Style |= yaml.FlowStyle
					}
				}
				keep = append(keep, k, v)
			}
			emptied := len(n.Content) > 0 && len(keep) == 0
			n.Content = keep
			return emptied
		case yaml.SequenceNode:
			var keep []*yaml.Node
			for _, it := range n.Content {
				if drop[it.Line] {
					continue
				}
				if (it.Kind == yaml.MappingNode || it.Kind == yaml.SequenceNode) && len(it.Content) > 0 {
					if prune(it, append(append([]string{}, path...), "[]")) {
						continue
					}
				}
				keep = append(keep, it)
			}
			emptied := len(n.Content) > 0 && len(keep) == 0
			n.Content = keep
			return emptied
		}
		return false
	}
	prune(root, nil)
	if len(removedNets) > 0 {
		removeNetworkRefs(root, removedNets)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// removeNetworkRefs removes the networks from every service's networks.
func removeNetworkRefs(root *yaml.Node, nets []string) {
	gone := map[string]bool{}
	for _, n := range nets {
		gone[n] = true
	}
	services := mapValue(root, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return
	}
	for i := 1; i < len(services.Content); i += 2 {
		svc := services.Content[i]
		if svc.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(svc.Content); j += 2 {
			if svc.Content[j].Value != "networks" {
				continue
			}
			v := svc.Content[j+1]
			var keep []*yaml.Node
			switch v.Kind {
			case yaml.SequenceNode:
				for _, it := range v.Content {
					if !gone[it.Value] {
						keep = append(keep, it)
					}
				}
			case yaml.MappingNode:
				for k := 0; k+1 < len(v.Content); k += 2 {
					if !gone[v.Content[k].Value] {
						keep = append(keep, v.Content[k], v.Content[k+1])
					}
				}
			}
			v.Content = keep
			if len(keep) == 0 {
				svc.Content = append(svc.Content[:j:j], svc.Content[j+2:]...)
			}
			break
		}
	}
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
