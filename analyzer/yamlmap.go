package analyzer

import "go.yaml.in/yaml/v4"

// Mappings as YAML's merge key (`<<`) makes them: the one lookup and the one
// entry walk every reader of the raw YAML uses.

// keyIndex maps each explicit key of a mapping to the index of its first
// occurrence in Content; merges is true when the mapping has `<<` keys.
type keyIndex struct {
	at     map[string]int
	merges bool
}

// indexMin is the mapping size (entries) from which lookups use an index.
const indexMin = 16

// Deref follows aliases and unwraps a document node.
func Deref(n *yaml.Node) *yaml.Node { return deref(n) }

// deref follows aliases and unwraps a document node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return deref(n.Content[0])
	}
	return n
}

// isMergeKey reports whether a mapping key is YAML's merge key `<<`.
func isMergeKey(kn *yaml.Node) bool {
	return kn.Tag == "!!merge" || (kn.Kind == yaml.ScalarNode && kn.Value == "<<" && kn.Style == 0)
}

// maxMergeDepth bounds how deep `<<` merge keys are followed into merged
// mappings that have merge keys themselves.
const maxMergeDepth = 32

// eachEntry calls fn for each key and value of the mapping m as YAML's
// merge key makes them: m's own keys in order, then, for each `<<` key in
// order, the entries of the mappings it brings in (mergeSources), whose own
// `<<` keys are followed the same way. A merged key that an explicit key or
// an earlier merged entry already gave is skipped (explicit keys win, then
// the first merged mapping). via is the `<<` key of m a merged entry came
// through, nil for m's own keys. fn returns false to stop. This is the one
// place that reads merge keys: mapLookup, Doc.lookup, entries and the key
// scan all go through it.
func eachEntry(m *yaml.Node, fn func(k, v, via *yaml.Node) bool) {
	eachEntryAt(m, 0, map[string]bool{}, nil, fn)
}

// eachEntryAt is eachEntry at a merge depth; seen holds the keys given so far
// (nil: every entry is given, for lookups, where the first match is the same).
func eachEntryAt(m *yaml.Node, depth int, seen map[string]bool, via *yaml.Node, fn func(k, v, via *yaml.Node) bool) bool {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > maxMergeDepth {
		return true
	}
	merges := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMergeKey(k) {
			merges = true
			continue
		}
		if seen != nil {
			if depth > 0 && seen[k.Value] {
				continue
			}
			seen[k.Value] = true
		}
		if !fn(k, m.Content[i+1], via) {
			return false
		}
	}
	if !merges {
		return true
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		through := via
		if through == nil {
			through = m.Content[i]
		}
		for _, c := range mergeSources(m.Content[i+1]) {
			if !eachEntryAt(c, depth+1, seen, through, fn) {
				return false
			}
		}
	}
	return true
}

// mapLookup finds key in a mapping, honouring `<<` merge keys (eachEntry's
// order: explicit keys win; merged mappings in order, first wins). via is
// the merge key the entry came through.
func mapLookup(m *yaml.Node, key string) (k, v, via *yaml.Node) {
	eachEntryAt(m, 0, nil, nil, func(kn, vn, vi *yaml.Node) bool {
		if kn.Value != key {
			return true
		}
		k, v, via = kn, vn, vi
		return false
	})
	return k, v, via
}

// lookup is mapLookup through the document's key index (large mappings).
func (d *Doc) lookup(m *yaml.Node, key string) (k, v, via *yaml.Node) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || len(m.Content) < 2*indexMin {
		return mapLookup(m, key)
	}
	ix := d.keys[m]
	if ix == nil {
		ix = &keyIndex{at: make(map[string]int, len(m.Content)/2)}
		for i := 0; i+1 < len(m.Content); i += 2 {
			kn := m.Content[i]
			if isMergeKey(kn) {
				ix.merges = true
			} else if _, dup := ix.at[kn.Value]; !dup {
				ix.at[kn.Value] = i
			}
		}
		if d.keys == nil {
			d.keys = map[*yaml.Node]*keyIndex{}
		}
		d.keys[m] = ix
	}
	if i, ok := ix.at[key]; ok {
		return m.Content[i], m.Content[i+1], nil // explicit keys win over merged ones
	}
	if !ix.merges {
		return nil, nil, nil
	}
	return mapLookup(m, key)
}

// mergeSources returns the mappings a `<<` merge key's value brings in, in
// order: the aliased mapping, or each mapping of a sequence of them.
func mergeSources(v *yaml.Node) []*yaml.Node {
	v = deref(v)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		return v.Content
	}
	return []*yaml.Node{v}
}

// entries lists a mapping's key/value pairs in eachEntry's order.
func entries(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	eachEntry(n, func(k, v, _ *yaml.Node) bool {
		out = append(out, [2]*yaml.Node{k, v})
		return true
	})
	return out
}

// lookup is the value of key in a mapping (mapLookup), or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	_, v, _ := mapLookup(n, key)
	return v
}
