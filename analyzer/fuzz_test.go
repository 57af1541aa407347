package analyzer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// Fuzz targets of the analyzer (run by .ci/run for a few seconds each):
//
//	go test -run '^$' -fuzz '^FuzzLoad$' -fuzztime 5m ./analyzer/
//
// Seeds are the fixtures and, when it is next to the repository, the shared
// corpus (read at test time, never copied into the repository).

// seedFiles lists the stack files of fixtures/ and ../shared/corpus.
func seedFiles(tb testing.TB) []string {
	var files []string
	add := func(root string) {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
				files = append(files, p)
			}
			return nil
		})
	}
	add("../fixtures")
	dir, _ := filepath.Abs(".")
	for i := 0; i < 8; i++ {
		if st, err := os.Stat(filepath.Join(dir, "shared", "corpus")); err == nil && st.IsDir() {
			add(filepath.Join(dir, "shared", "corpus"))
			break
		}
		dir = filepath.Dir(dir)
	}
	if len(files) == 0 {
		tb.Fatal("no seed files found in ../fixtures")
	}
	return files
}

func addSeedFiles(f *testing.F) {
	for _, p := range seedFiles(f) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// lineBreaks counts line breaks the way the YAML parser does: CRLF, LF and
// a lone CR each end a line.
func lineBreaks(src []byte) int {
	n := 0
	for i, c := range src {
		if c == '\n' || (c == '\r' && (i+1 == len(src) || src[i+1] != '\n')) {
			n++
		}
	}
	return n
}

// checkInputError insists that a load error is an *InputError naming a file
// (or, for --swarm-init, the flag) with a sane position.
func checkInputError(t *testing.T, err error, src []byte) {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("load error is not an input error: %T %v", err, err)
	}
	if ie.File == "" || ie.Msg == "" {
		t.Fatalf("input error without file or message: %#v", ie)
	}
	if ie.Line < 0 || ie.Col < 0 || ie.Line > lineBreaks(src)+2 {
		t.Fatalf("input error position %d:%d outside the input: %v", ie.Line, ie.Col, err)
	}
}

// FuzzLoad loads arbitrary bytes as a stack file: no panic, no hang, an
// *InputError with a position on bad input, and every model element that
// points into the file can be located.
func FuzzLoad(f *testing.F) {
	addSeedFiles(f)
	f.Add([]byte("services:\n  web:\n    image: nginx\n    ports: [\"80:80\", \"8000-8010:80/udp\"]\n"))
	f.Add([]byte("x-a: &a {image: nginx}\nservices:\n  web:\n    <<: *a\n    deploy: {replicas: 99999999999999999999}\n"))
	f.Add([]byte("services: {web: {image: x, networks: [n]}}\nnetworks: {n: {ipam: {config: [{subnet: 10.0.0.0/33}]}}}\n"))
	f.Add([]byte("x-a: &a\n  <<: *a\nservices:\n  web:\n    image: nginx\n"))
	f.Add([]byte("x-a: &a nginx\nservices:\n  web: {image: *a, command: [*a, *a, *a]}\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		file := filepath.Join(dir, fmt.Sprintf("stack-%d.yml", os.Getpid()))
		if err := os.WriteFile(file, src, 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "fuzz", Files: []string{file}}}, Env: map[string]string{}})
		if err != nil {
			checkInputError(t, err, src)
			return
		}
		refs := []Ref{}
		for _, s := range a.Model.Services {
			refs = append(refs, s.Ref)
			for _, p := range s.Ports {
				refs = append(refs, p.Ref)
			}
			for _, sn := range s.Networks {
				refs = append(refs, sn.Ref)
			}
		}
		for _, n := range a.Model.Networks {
			refs = append(refs, n.Ref)
			for _, sn := range n.Subnets {
				refs = append(refs, sn.Ref)
			}
		}
		lines := lineBreaks(src) + 1
		for _, ref := range refs {
			if ref.Src != "stack:fuzz" {
				continue
			}
			r, ok := a.Locate(ref, nil)
			if !ok {
				continue
			}
			if r.File != file || r.StartLine < 1 || r.StartCol < 1 || r.StartLine > lines || r.EndLine < r.StartLine {
				t.Fatalf("ref %v located at %+v", ref, r)
			}
		}
	})
}

// FuzzLocate resolves arbitrary paths in arbitrary documents: regions stay
// inside the file and never go backwards.
func FuzzLocate(f *testing.F) {
	for _, p := range seedFiles(f)[:min(20, len(seedFiles(f)))] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, "services.web.ports.0")
		}
	}
	f.Add([]byte("x: &a {b: [1, 2]}\ny:\n  <<: *a\n  c: *a\n"), "y.b.1")
	f.Add([]byte("services:\n  web:\n    environment:\n      - A=1\n      - B\n"), "services.web.environment.B")
	f.Add([]byte("a: 'it''s'\nb: \"q\\\"x\"\nc: |\n  text\n"), "b")
	f.Fuzz(func(t *testing.T, src []byte, path string) {
		node, err := ParseYAML("fuzz.yml", src)
		if err != nil {
			return
		}
		var segs []any
		for _, s := range strings.Split(path, ".") {
			if n, err := strconv.Atoi(s); err == nil {
				segs = append(segs, n)
			} else {
				segs = append(segs, s)
			}
		}
		doc := NewDoc("fuzz.yml", src, node)
		r, _ := Locate([]*Doc{doc, doc}, segs)
		lines := len(SplitLines(string(src)))
		if r.File != "fuzz.yml" || r.StartLine < 1 || r.StartCol < 1 || r.StartLine > lines || r.EndLine > lines ||
			r.EndLine < r.StartLine || r.EndLine == r.StartLine && r.EndCol <= r.StartCol {
			t.Fatalf("path %v located at %+v", segs, r)
		}
	})
}

// FuzzSwarmInit reads arbitrary --swarm-init command lines: the shell
// parser (script.ParseCommandLine), the flag table and the analyzer's
// reading of pools, mask length, ports and addresses.
func FuzzSwarmInit(f *testing.F) {
	for _, s := range []string{
		"docker swarm init",
		"docker swarm init --default-addr-pool 10.20.0.0/16 --default-addr-pool-mask-length 26",
		"docker swarm init --default-addr-pool=10.0.0.0/8 --default-addr-pool 10.0.0.0/33 --data-path-port 4789",
		"docker swarm init --advertise-addr eth0:2377 --data-path-addr 192.168.1.10 --listen-addr 0.0.0.0:99999",
		"docker swarm init --default-addr-pool-mask-length -1 --data-path-port abc",
		"docker swarm init --default-addr-pool \"$POOL\" --force-new-cluster --autolock",
		"docker --host tcp://x:2376 swarm init --default-addr-pool fd00::/8",
		"sudo docker swarm init --advertise-addr [::1]:2377 --availability drain",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		_, err := Load(context.Background(), Options{SwarmInit: line, Env: map[string]string{}})
		if err != nil {
			checkInputError(t, err, []byte(line))
		}
	})
}

// FuzzPoolAllocation checks the pool allocator against a brute-force first
// fit, and the overlap sweep against a comparison of every pair, for
// arbitrary pools, mask lengths and subnets already taken.
func FuzzPoolAllocation(f *testing.F) {
	f.Add([]byte{24, 10, 0, 0, 0, 8, 10, 0, 0, 0, 16, 10, 0, 1, 0, 24})
	f.Add([]byte{28, 10, 60, 0, 0, 16, 172, 16, 0, 0, 12, 10, 60, 0, 16, 28, 10, 60, 0, 0, 24})
	f.Add([]byte{30, 192, 168, 0, 0, 24, 192, 168, 0, 0, 24, 192, 168, 0, 4, 30, 192, 168, 0, 0, 26})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		mask := int(data[0]) % 34
		data = data[1:]
		prefix := func(b []byte) netip.Prefix {
			return netip.PrefixFrom(netip.AddrFrom4([4]byte(b[:4])), int(b[4])%33).Masked()
		}
		var pools []Pool
		for i := 0; i < 3 && len(data) >= 5; i++ {
			p := prefix(data)
			pools = append(pools, Pool{CIDR: p.String(), Prefix: p.String(), Valid: true})
			data = data[5:]
		}
		var taken []netip.Prefix
		for len(data) >= 5 && len(taken) < 64 {
			taken = append(taken, prefix(data))
			data = data[5:]
		}
		// overlapping pairs: sweep against every pair
		got := overlappingPairs(len(taken), func(i int) netip.Prefix { return taken[i] })
		var want [][2]int
		for i := range taken {
			for j := i + 1; j < len(taken); j++ {
				if taken[i].Overlaps(taken[j]) {
					want = append(want, [2]int{i, j})
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("overlappingPairs(%v) = %v, want %v", taken, got, want)
		}
		// allocation: the cursor against a brute-force first fit
		eff := effectivePools(pools)
		total := uint64(0)
		for _, p := range eff {
			if mask >= p.Bits() && mask <= 32 {
				total += 1 << (mask - p.Bits())
			}
		}
		cur := &slotCursor{pools: eff, mask: mask}
		for k := 0; k < 8; k++ {
			slot, ok := cur.next(taken)
			if total <= 1<<14 {
				want, wantOK := bruteFirstFit(eff, mask, taken)
				if ok != wantOK || slot != want {
					t.Fatalf("pools %v mask %d taken %v: next = %v %v, first fit = %v %v", eff, mask, taken, slot, ok, want, wantOK)
				}
				if free := freeSlots(eff, mask, taken); free != bruteFree(eff, mask, taken) {
					t.Fatalf("pools %v mask %d taken %v: freeSlots = %d, want %d", eff, mask, taken, free, bruteFree(eff, mask, taken))
				}
			}
			if !ok {
				break
			}
			if slot.Bits() != mask || !inAny(eff, slot) || overlapsAny(taken, slot) {
				t.Fatalf("pools %v mask %d taken %v: next gave %v", eff, mask, taken, slot)
			}
			taken = append(taken, slot)
		}
	})
}

func inAny(pools []netip.Prefix, p netip.Prefix) bool {
	for _, q := range pools {
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func overlapsAny(taken []netip.Prefix, p netip.Prefix) bool {
	for _, t := range taken {
		if t.Overlaps(p) {
			return true
		}
	}
	return false
}

// bruteFirstFit is the first mask-sized slot of the pools, in order, that
// overlaps nothing taken.
func bruteFirstFit(pools []netip.Prefix, mask int, taken []netip.Prefix) (netip.Prefix, bool) {
	for _, p := range pools {
		if mask < p.Bits() || mask > 32 {
			continue
		}
		size := uint64(1) << (32 - mask)
		for a := v4num(p.Addr()); a <= v4num(lastAddr(p)); a += size {
			if slot := netip.PrefixFrom(v4addr(a), mask); !overlapsAny(taken, slot) {
				return slot, true
			}
		}
	}
	return netip.Prefix{}, false
}

func bruteFree(pools []netip.Prefix, mask int, taken []netip.Prefix) int {
	n := 0
	for _, p := range pools {
		if mask < p.Bits() || mask > 32 {
			continue
		}
		size := uint64(1) << (32 - mask)
		for a := v4num(p.Addr()); a <= v4num(lastAddr(p)); a += size {
			if !overlapsAny(taken, netip.PrefixFrom(v4addr(a), mask)) {
				n++
			}
		}
	}
	return n
}

// listForm reports whether path names a list item by its text (the list
// form of a map, [K=V] or [name]): setting it renames it.
func listForm(n *yaml.Node, path []any) bool {
	cur := n
	if cur.Kind == yaml.DocumentNode && len(cur.Content) > 0 {
		cur = cur.Content[0]
	}
	for _, seg := range path {
		cur = deref(cur)
		if cur == nil {
			return false
		}
		switch s := seg.(type) {
		case string:
			if cur.Kind == yaml.SequenceNode {
				return true
			}
			_, v, _ := mapLookup(cur, s)
			cur = v
		case int:
			if cur.Kind != yaml.SequenceNode || s >= len(cur.Content) {
				return false
			}
			cur = cur.Content[s]
		}
	}
	return false
}

// hasDuplicateKeys reports whether a mapping below n has a key twice.
func hasDuplicateKeys(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if seen[n.Content[i].Value] {
				return true
			}
			seen[n.Content[i].Value] = true
		}
	}
	for _, c := range n.Content {
		if hasDuplicateKeys(c) {
			return true
		}
	}
	return false
}

// FuzzEdits makes the edits fixes are made of (set, remove, comment) at
// every node of arbitrary YAML: no panic, edits in the file's bounds, and
// whenever Edits returns edits, the edited file is still YAML, also where
// it skips the parse check (block style, valid by construction).
func FuzzEdits(f *testing.F) {
	for _, p := range seedFiles(f)[:min(40, len(seedFiles(f)))] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint16(7), uint8(0))
		}
	}
	f.Add([]byte("services:\n  web:\n    image: nginx\n    expose: [\"80\"]   # x\n\n    ports:\n    - \"80:80\"\n"), uint16(3), uint8(1))
	f.Add([]byte("a: {b: [1, {c: d}], e: f}\r\nx:\r\n  - |\r\n    text\r\n  - y: z\r\n"), uint16(2), uint8(2))
	f.Fuzz(func(t *testing.T, src []byte, pick uint16, op uint8) {
		node, err := ParseYAML("fuzz.yml", src)
		if err != nil {
			return
		}
		doc := NewDoc("fuzz.yml", src, node)
		var paths [][]any
		var collect func(n *yaml.Node, p []any, depth int)
		collect = func(n *yaml.Node, p []any, depth int) {
			if n == nil || depth > 12 || len(paths) > 2000 {
				return
			}
			switch n.Kind {
			case yaml.DocumentNode:
				for _, c := range n.Content {
					collect(c, p, depth)
				}
			case yaml.MappingNode:
				for i := 0; i+1 < len(n.Content); i += 2 {
					q := append(slices.Clone(p), n.Content[i].Value)
					paths = append(paths, q)
					collect(n.Content[i+1], q, depth+1)
				}
			case yaml.SequenceNode:
				for i, c := range n.Content {
					q := append(slices.Clone(p), i)
					paths = append(paths, q)
					collect(c, q, depth+1)
				}
			}
		}
		collect(node, nil, 0)
		if len(paths) == 0 {
			return
		}
		path := paths[int(pick)%len(paths)]
		a := &Analysis{Docs: map[string][]*Doc{"stack:f": {doc}}}
		values := []any{"x", "80:80", map[string]any{"target": json.Number("80"), "mode": "host"}, nil, []any{"a", "b"}}
		var req EditRequest
		switch op % 4 {
		case 0:
			req = EditRequest{Op: "remove"}
		case 1:
			req = EditRequest{Op: "set", Value: values[int(op/4)%len(values)]}
		case 2:
			req = EditRequest{Op: "comment", Text: "fixed"}
		case 3: // a key that may be missing: added to the mapping
			req = EditRequest{Op: "set", Value: values[int(op/4)%len(values)]}
			path = append(slices.Clone(path), "added_key")
		}
		req.Ref = Ref{Src: "stack:f", Path: path}
		edits, err := a.Edits([]EditRequest{req})
		if err != nil {
			return
		}
		out, at := []byte{}, 0
		for _, e := range edits {
			if e.Start < at || e.End < e.Start || e.End > len(src) {
				t.Fatalf("edit %+v out of order or bounds (file %d bytes)", e, len(src))
			}
			out = append(append(out, src[at:e.Start]...), e.NewText...)
			at = e.End
		}
		out = append(out, src[at:]...)
		var check yaml.Node
		if err := yaml.Unmarshal(out, &check); err != nil {
			t.Fatalf("%s %v: the edited file does not parse: %v\n--- before\n%s\n--- after\n%s", req.Op, path, err, src, out)
		}
		// A string set reads back as that string.
		if str, isString := req.Value.(string); req.Op == "set" && isString && !hasDuplicateKeys(node) && !listForm(node, path) {
			after, err := ParseYAML("fuzz.yml", out)
			if err != nil {
				t.Fatalf("set %v: %v", path, err)
			}
			w := NewDoc("fuzz.yml", out, after).walk(path)
			if !w.complete || w.node.Kind != yaml.ScalarNode || w.node.Value != str {
				t.Fatalf("set %v to %q: reads back as %+v\n--- before\n%s\n--- after\n%s", path, str, w.node, src, out)
			}
		}
		// A removed mapping key is gone (a sequence item's index now names
		// the next item, so only keys are checked).
		if _, isKey := path[len(path)-1].(string); req.Op == "remove" && isKey && len(out) > 0 {
			if after, err := ParseYAML("fuzz.yml", out); err == nil && NewDoc("fuzz.yml", out, after).walk(path).complete && !hasDuplicateKeys(node) {
				t.Fatalf("remove %v: the key is still there\n--- before\n%s\n--- after\n%s", path, src, out)
			}
		}
	})
}
