package analyzer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"go.yaml.in/yaml/v4"
)

// MaxStackFileSize bounds one stack file. Work and memory grow with the
// file: 10,000 services are about 3 MiB and take a few seconds and a few
// hundred MiB (docs/performance.md), so a larger file is refused at once
// rather than after minutes and gigabytes.
const MaxStackFileSize = 8 << 20

var decimalRe = lazyre.New(`^[-+]?[0-9][0-9_]*$`)

// checkNumbers refuses numbers no loader can read right:
//   - a plain integer that does not fit in 64 bits, outside x- extensions.
//     YAML turns it into a float, and compose-go and docker/cli then
//     silently wrap it into another number (replicas:
//     99999999999999999999999 becomes a negative count), so no check on the
//     value could be right;
//   - .inf and .nan anywhere: both loaders pass the whole file through JSON,
//     which has no such numbers, and fail with "json: unsupported value"
//     and no position.
func checkNumbers(d *Doc) error {
	var walk func(n *yaml.Node, ext bool) error
	walk = func(n *yaml.Node, ext bool) error {
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Style != 0 {
				return nil
			}
			if !ext && decimalRe().MatchString(n.Value) {
				_, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64)
				if errors.Is(err, strconv.ErrRange) {
					return &InputError{File: d.File, Line: n.Line, Col: n.Column,
						Msg: fmt.Sprintf("integer %s does not fit in 64 bits: Docker would read another number; write a smaller value, or quote it if it is text", n.Value)}
				}
			}
			var f float64
			if n.ShortTag() == "!!float" && n.Decode(&f) == nil && (math.IsInf(f, 0) || math.IsNaN(f)) {
				return &InputError{File: d.File, Line: n.Line, Col: n.Column,
					Msg: fmt.Sprintf("%s is not a number JSON can hold, and compose files go through JSON: docker stack deploy fails (json: unsupported value); quote it if it is text", n.Value)}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if err := walk(n.Content[i+1], ext || strings.HasPrefix(n.Content[i].Value, "x-")); err != nil {
					return err
				}
			}
		default:
			for _, c := range n.Content {
				if err := walk(c, ext); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(d.Root, false)
}

// maxAliasPairs bounds the pairs of uses of one anchor, summed over the
// anchors of a document. compose-go compares each use of an anchor with
// every earlier use of it (its cycle check), so an anchor used k times costs
// k²/2 comparisons: 10,000 uses (a `<<: *defaults` in each of 10,000
// services) take about two seconds, 60,000 over a minute.
const maxAliasPairs = 50_000_000

// checkAliases refuses a document whose aliases would make the loaders
// loop or crawl: an alias inside the node its anchor names (a cycle such as
// `x: &a {<<: *a}`, on which compose-go recurses until its node budget runs
// out), or anchors used so often that resolving them takes minutes.
func checkAliases(d *Doc) error {
	uses := map[*yaml.Node]int{}
	pairs := 0
	open := map[*yaml.Node]bool{} // the nodes being walked: the ancestors
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return nil
			}
			if open[n.Alias] {
				return &InputError{File: d.File, Line: n.Line, Col: n.Column,
					Msg: fmt.Sprintf("invalid YAML: alias *%s is inside the value of its own anchor &%s (a cycle)", n.Value, n.Alias.Anchor)}
			}
			pairs += uses[n.Alias]
			uses[n.Alias]++
			if pairs > maxAliasPairs {
				return &InputError{File: d.File, Line: n.Alias.Line, Col: n.Alias.Column,
					Msg: fmt.Sprintf("anchor &%s is used %d times or more: too many uses to resolve in reasonable time", n.Alias.Anchor, uses[n.Alias])}
			}
			return nil
		}
		open[n] = true
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		delete(open, n)
		return nil
	}
	return walk(d.Root)
}

// MaxStackExpansion bounds a stack file with its aliases expanded. The
// loaders decode a file into values, expanding every alias, and validate
// and copy those: a 1 MiB anchored scalar used 3,000 times is a 1 MiB file
// that stands for 3 GB, and exhausted 8 GB of memory inside compose-go's
// schema validation. Four times the largest stack file leaves room for
// anchors used as intended (`<<: *defaults` in every service).
const MaxStackExpansion = 4 * MaxStackFileSize

// checkExpansion refuses a document whose aliases expand past
// MaxStackExpansion, before any loader sees it.
func checkExpansion(d *Doc) error {
	if n := safeio.ExpandedSize(d.Root, MaxStackExpansion); n > MaxStackExpansion {
		return &InputError{File: d.File, Line: 1, Col: 1,
			Msg: fmt.Sprintf("stack file expands to more than %s once its aliases are resolved (the limit is 4 times the %s a stack file may have): use anchors for small shared blocks", safeio.Bytes(MaxStackExpansion), safeio.Bytes(MaxStackFileSize))}
	}
	return nil
}

// MaxVariableNesting bounds how deeply ${…} may nest in one value
// (${A:-${B:-x}} nests two deep). compose-go resolves nested defaults by
// recursion over the remaining text, so 20,000 levels in 140 KB took more
// than a minute; real files nest two or three deep.
const MaxVariableNesting = 16

// checkInterpolation refuses, before any loader interpolates the file,
// ${…} nested deeper than MaxVariableNesting, and a file that grows past
// MaxStackExpansion once its variables are replaced by their values from
// the environment (a 15 KB file with 1,000 ${X} and a 120 KB X is 120 MB).
func checkInterpolation(d *Doc, env map[string]string) error {
	var deep *yaml.Node
	biggest, biggestLen := "", 0
	size := func(n *yaml.Node) int64 {
		if !strings.Contains(n.Value, "$") {
			return int64(len(n.Value))
		}
		total := int64(len(n.Value))
		depth := scanVariables(n.Value, func(name string) {
			v := len(env[name])
			total += int64(v)
			if v > biggestLen {
				biggest, biggestLen = name, v
			}
		})
		if depth > MaxVariableNesting && deep == nil {
			deep = n
		}
		return total
	}
	n := safeio.ExpandedSizeFunc(d.Root, MaxStackExpansion, size)
	if deep != nil {
		return &InputError{File: d.File, Line: deep.Line, Col: deep.Column,
			Msg: fmt.Sprintf("${…} nested more than %d levels deep in one value: not interpolated", MaxVariableNesting)}
	}
	if n > MaxStackExpansion {
		return &InputError{File: d.File, Line: 1, Col: 1,
			Msg: fmt.Sprintf("stack file expands to more than %s once its aliases and variables are resolved (the largest value used is $%s, %s)", safeio.Bytes(MaxStackExpansion), biggest, safeio.Bytes(int64(biggestLen)))}
	}
	return nil
}

// scanVariables calls fn with the name of every $NAME and ${NAME…} in s
// ($$ is a literal dollar) and returns how deeply ${ nests.
func scanVariables(s string, fn func(name string)) int {
	depth, most := 0, 0
	isName := func(c byte, first bool) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '}':
			if depth > 0 {
				depth--
			}
		case '$':
			if i+1 >= len(s) {
				continue
			}
			switch c := s[i+1]; {
			case c == '$':
				i++
			case c == '{':
				depth++
				most = max(most, depth)
				j := i + 2
				for j < len(s) && isName(s[j], j == i+2) {
					j++
				}
				if j > i+2 {
					fn(s[i+2 : j])
				}
				i = j - 1
			case isName(c, true):
				j := i + 1
				for j < len(s) && isName(s[j], false) {
					j++
				}
				fn(s[i+1 : j])
				i = j - 1
			}
		}
	}
	return most
}

// Model budgets: the facts and the rules are measured up to these sizes
// (docs/performance.md), and a run beyond them could take minutes inside
// the rules and end in a policy timeout that names a rule. A script of
// 1 MiB can create 26,000 networks; a stack of 8 MiB can hold 25,000
// services.
const (
	MaxNetworks = 5_000
	MaxServices = 10_000
)

// checkModelSize refuses a model past the budgets, naming the inputs.
func (a *Analysis) checkModelSize() error {
	what, n, limit := "", 0, 0
	switch {
	case len(a.Model.Networks) > MaxNetworks:
		what, n, limit = "networks", len(a.Model.Networks), MaxNetworks
	case len(a.Model.Services) > MaxServices:
		what, n, limit = "services", len(a.Model.Services), MaxServices
	default:
		return nil
	}
	files := sortedKeys(a.Files)
	if len(files) > 3 {
		files = append(files[:3], fmt.Sprintf("and %d more", len(files)-3))
	}
	return &InputError{Msg: fmt.Sprintf("the inputs (%s) define %d %s; swarmlint checks at most %d %s in one run: lint fewer files at a time",
		strings.Join(files, ", "), n, what, limit, what)}
}

// checkServiceCount refuses a stack file with more than MaxServices
// services before the compose loader spends minutes on it.
func checkServiceCount(d *Doc) error {
	root := deref(d.Root)
	k, v, _ := mapLookup(root, "services")
	if v = deref(v); v == nil || v.Kind != yaml.MappingNode || len(v.Content)/2 <= MaxServices {
		return nil
	}
	return &InputError{File: d.File, Line: k.Line, Col: k.Column,
		Msg: fmt.Sprintf("%d services in one file; swarmlint checks at most %d services in one run: split the file", len(v.Content)/2, MaxServices)}
}

// MaxPorts bounds the published ports of one stack, counting every port
// of a range: a 60-byte item "1-65535:1-65535" stands for 65,535 ports,
// which the loader expands one by one and every port rule then examines
// (one such item takes about five seconds; a 3 KB file of a hundred of
// them ran for minutes and past a gigabyte).
const MaxPorts = 65_536

// checkPortCount refuses, before the compose loader expands them, ports
// items that stand for more than MaxPorts ports in the run, naming the
// item that crossed the limit. seen carries the count over the stacks of
// the run; every file of a stack counts (an upper bound when an override
// repeats an item), with the values of its variables.
func checkPortCount(docs []*Doc, env map[string]string, seen *int) error {
	var err error
	serviceListScalars(docs, "ports", env, func(d *Doc, service string, index int, raw, val string) {
		if err != nil {
			return
		}
		if *seen += portRangeSize(val); *seen > MaxPorts {
			line, col := 1, 1
			if n := d.sequenceAt([]any{"services", service, "ports"}); n != nil && index < len(n.Content) {
				line, col = n.Content[index].Line, n.Content[index].Column
			}
			err = &InputError{File: d.File, Line: line, Col: col,
				Msg: fmt.Sprintf("the inputs publish more than %d ports (a range counts each of its ports): swarmlint checks at most %d in one run", MaxPorts, MaxPorts)}
		}
	})
	return err
}

// portRangeSize is how many ports a short-syntax ports item stands for:
// the larger of its host and container ranges ([IP:][HOST[-END]:]PORT[-END][/PROTO]).
// An item that is no valid range counts one: the loader never expands it.
func portRangeSize(v string) int {
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ":")
	size := func(s string) int {
		lo, hi, ok := strings.Cut(s, "-")
		if !ok {
			return 1
		}
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 != nil || err2 != nil || a < 0 || b < a || b > 65535 {
			return 1 // not a range of ports: a bad ports item (SWL106), never expanded
		}
		return b - a + 1
	}
	n := size(parts[len(parts)-1])
	if len(parts) >= 2 {
		n = max(n, size(parts[len(parts)-2]))
	}
	return n
}

// MaxAttachments bounds the networks services attach to, summed over the
// services of the run: rules compare attachments with networks, tasks and
// addresses, so 4,000 services each on 100 networks (a 1 MB stack) took
// half a minute and a gigabyte, and 10,000 of them ran past a minute. The
// largest generated stack of docs/performance.md has 10,000 services on
// one or two networks each.
const MaxAttachments = 50_000

// checkAttachments refuses, before the compose loader sees them, services
// whose networks: entries add up to more than MaxAttachments over the run
// (seen carries the count over the stacks), naming the service where the
// count crossed the limit. Entries reached through aliases count at every
// use.
func checkAttachments(docs []*Doc, seen *int) error {
	for _, d := range docs {
		_, svcs, _ := mapLookup(d.Root, "services")
		if svcs = deref(svcs); svcs == nil || svcs.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(svcs.Content); i += 2 {
			k, nets, _ := mapLookup(svcs.Content[i+1], "networks")
			switch nets = deref(nets); {
			case nets == nil:
				continue
			case nets.Kind == yaml.SequenceNode:
				*seen += len(nets.Content)
			case nets.Kind == yaml.MappingNode:
				*seen += len(nets.Content) / 2
			}
			if *seen > MaxAttachments {
				line, col := svcs.Content[i].Line, svcs.Content[i].Column
				if k != nil {
					line, col = k.Line, k.Column
				}
				return &InputError{File: d.File, Line: line, Col: col,
					Msg: fmt.Sprintf("the services of the inputs attach to networks more than %d times in all (a service on three networks counts three): swarmlint checks at most %d attachments in one run", MaxAttachments, MaxAttachments)}
			}
		}
	}
	return nil
}
