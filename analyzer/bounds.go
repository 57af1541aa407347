package analyzer

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// MaxStackFileSize bounds one stack file. Work and memory grow with the
// file: 10,000 services are about 3 MiB and take a few seconds and a few
// hundred MiB (docs/performance.md), so a larger file is refused at once
// rather than after minutes and gigabytes.
const MaxStackFileSize = 8 << 20

var decimalRe = regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`)

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
			if !ext && decimalRe.MatchString(n.Value) {
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
