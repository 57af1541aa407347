package analyzer

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// maxRangeExpansion bounds how many index entries one host-port range adds.
const maxRangeExpansion = 4096

var portRangeRe = lazyre.New(`^([0-9]+)-([0-9]+)$`)

// expandPublishedRanges lists a short-syntax host-port range with a single
// target ("8000-8010:80") under every port of the range in
// indexes.published_ports: compose-go keeps the range as one port with
// published 0, but docker stack deploy publishes each port of it (GT
// free note 3, code-derived).
func (b *builder) expandPublishedRanges() {
	ix := &b.m.Indexes
	if ix.PublishedPorts == nil {
		ix.PublishedPorts = map[string][]PortUse{}
	}
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		for i, p := range s.Ports {
			if p.Syntax != "short" || p.Published != 0 {
				continue
			}
			m := portRangeRe().FindStringSubmatch(p.PublishedRaw)
			if m == nil {
				continue
			}
			lo, err1 := strconv.Atoi(m[1])
			hi, err2 := strconv.Atoi(m[2])
			if err1 != nil || err2 != nil || lo < 1 || hi > 65535 || lo > hi {
				continue
			}
			for n := lo; n <= hi && n-lo < maxRangeExpansion; n++ {
				k := fmt.Sprintf("%d/%s", n, p.Protocol)
				ix.PublishedPorts[k] = append(ix.PublishedPorts[k], PortUse{Service: id, Port: i, Mode: p.Mode})
			}
		}
	}
}

// duplicatePorts finds, per file, `ports` items that repeat an earlier item
// (docs/swarm-behaviour.md#identical-port-entries: the stack schema has uniqueItems) or publish the same
// (published, protocol) as an earlier item (docs/swarm-behaviour.md#duplicate-published-port). It reads the raw YAML:
// compose-go silently keeps one of two identical items, and docker stack
// deploy validates each file before merging them (a later file's port with
// the same published port replaces the earlier one, so clashes across files
// are not duplicates).
func (b *builder) duplicatePorts() {
	for _, id := range sortedKeys(b.m.Services) {
		if b.m.Services[id].DuplicatePorts == nil {
			b.m.Services[id].DuplicatePorts = []DuplicatePort{}
		}
	}
	lookup := template.Mapping(func(k string) (string, bool) { v, ok := b.env[k]; return v, ok })
	for _, sd := range b.stacks {
		if sd == nil || sd.project == nil {
			continue
		}
		for _, key := range sortedKeys(sd.project.Services) {
			s := b.m.Services[sd.name+"_"+key]
			if s == nil {
				continue
			}
			for _, d := range sd.docs {
				seq := d.sequenceAt([]any{"services", key, "ports"})
				if seq == nil {
					continue
				}
				items := make([]portItem, len(seq.Content))
				for i, node := range seq.Content {
					items[i] = readPortItem(deref(node), lookup)
				}
				for i := range items {
					if dp, ok := clash(items, i); ok {
						dp.Ref = Ref{Src: sd.src, File: d.File, Path: []any{"services", key, "ports", i}}
						s.DuplicatePorts = append(s.DuplicatePorts, dp)
					}
				}
			}
		}
	}
}

// portItem is one raw `ports` item: its canonical YAML value and the
// (published, protocol) pairs Docker publishes for it.
type portItem struct {
	canon string
	text  string
	pubs  []string // "<published>/<protocol>", published > 0
}

// clash returns the first earlier item that item i repeats.
func clash(items []portItem, i int) (DuplicatePort, bool) {
	it := items[i]
	if it.canon == "" {
		return DuplicatePort{}, false
	}
	for j := 0; j < i; j++ {
		e := items[j]
		dp := DuplicatePort{Index: i, First: j, Text: it.text, FirstText: e.text}
		if e.canon == it.canon {
			dp.Identical = true
		}
		for _, p := range it.pubs {
			if slices.Contains(e.pubs, p) {
				pub, proto, _ := strings.Cut(p, "/")
				dp.Published, _ = strconv.Atoi(pub)
				dp.Protocol = proto
				return dp, true
			}
		}
		if dp.Identical {
			return dp, true
		}
	}
	return DuplicatePort{}, false
}

// dockerProtocol is the protocol Docker uses: it maps unknown strings to
// tcp (docs/swarm-behaviour.md#port-protocol-mode-values).
func dockerProtocol(p string) string {
	p = strings.ToLower(p)
	switch p {
	case "tcp", "udp", "sctp":
		return p
	}
	return "tcp"
}

// readPortItem reads one ports item after interpolation: its canonical form
// as the schema's uniqueItems compares it (type and value), the item as
// written, and what it publishes. Items it cannot read have canon "".
func readPortItem(n *yaml.Node, lookup template.Mapping) portItem {
	subst := func(v *yaml.Node) string {
		if v.ShortTag() != "!!str" {
			return v.Value
		}
		out, err := template.Substitute(v.Value, lookup)
		if err != nil {
			return v.Value
		}
		return out
	}
	var it portItem
	switch {
	case n == nil:
	case n.Kind == yaml.ScalarNode:
		val := subst(n)
		it.canon, it.text = n.ShortTag()+":"+val, n.Value
		pcs, err := types.ParsePortConfig(val)
		if err != nil {
			return portItem{} // an item that does not parse is SWL106's (Service.InvalidPorts)
		}
		for _, pc := range pcs {
			lo, hi, ok := publishedRange(pc.Published)
			for p := lo; ok && p <= hi && p-lo < maxRangeExpansion; p++ {
				it.pubs = append(it.pubs, fmt.Sprintf("%d/%s", p, dockerProtocol(pc.Protocol)))
			}
		}
	case n.Kind == yaml.MappingNode:
		var parts, shown []string
		pub, proto := "", "tcp"
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, v := n.Content[j], deref(n.Content[j+1])
			if v == nil || v.Kind != yaml.ScalarNode {
				return portItem{}
			}
			tag, val := v.ShortTag(), subst(v)
			if _, err := strconv.Atoi(val); err == nil && (k.Value == "target" || k.Value == "published") {
				tag = "!!int" // docker/cli casts these after interpolation
			}
			parts = append(parts, k.Value+"="+tag+":"+val)
			shown = append(shown, k.Value+": "+v.Value)
			switch k.Value {
			case "published":
				pub = val
			case "protocol":
				proto = val
			}
		}
		sort.Strings(parts)
		it.canon, it.text = "{"+strings.Join(parts, ",")+"}", strings.Join(shown, ", ")
		if p, err := strconv.Atoi(pub); err == nil && p > 0 {
			it.pubs = append(it.pubs, fmt.Sprintf("%d/%s", p, dockerProtocol(proto)))
		}
	}
	return it
}

// publishedRange reads a published port or host-port range ("8000-8010").
func publishedRange(s string) (lo, hi int, ok bool) {
	if m := portRangeRe().FindStringSubmatch(s); m != nil {
		lo, _ = strconv.Atoi(m[1])
		hi, _ = strconv.Atoi(m[2])
		return lo, hi, lo >= 1 && hi <= 65535 && lo <= hi
	}
	p, err := strconv.Atoi(s)
	return p, p, err == nil && p >= 1 && p <= 65535
}
