package safeio

import (
	"math"

	"go.yaml.in/yaml/v4"
)

// ExpandedSize is about the bytes n stands for once every alias is
// expanded, as a loader that decodes it into values (compose-go, a JSON
// encoder) sees it: each scalar counts its text plus a few bytes, each use
// of an anchor the whole of what the anchor names. It stops counting past
// limit and returns limit+1 then, also for an alias inside its own anchor.
// A file of 1 MiB can stand for gigabytes this way (one large anchored
// scalar used thousands of times), which the YAML parser's own check, on
// counts of aliases, lets through.
func ExpandedSize(n *yaml.Node, limit int64) int64 {
	return ExpandedSizeFunc(n, limit, nil)
}

// ExpandedSizeFunc is ExpandedSize with scalar giving the size of each
// scalar's text (nil: its length), for instance after interpolation.
func ExpandedSizeFunc(n *yaml.Node, limit int64, scalar func(*yaml.Node) int64) int64 {
	memo := map[*yaml.Node]int64{}
	open := map[*yaml.Node]bool{}
	var size func(n *yaml.Node) int64
	size = func(n *yaml.Node) int64 {
		if n == nil {
			return 0
		}
		if v, ok := memo[n]; ok {
			return v
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil || open[n.Alias] {
				return limit + 1
			}
			return size(n.Alias)
		}
		open[n] = true
		total := int64(len(n.Value)) + 4
		if scalar != nil && n.Kind == yaml.ScalarNode {
			total = scalar(n) + 4
		}
		for _, c := range n.Content {
			total += size(c)
			if total > limit {
				total = limit + 1
				break
			}
		}
		delete(open, n)
		if n.Anchor != "" {
			memo[n] = total
		}
		return total
	}
	return size(n)
}

// NonFinite returns the first plain scalar below n that YAML reads as an
// infinity or NaN (.inf, -.Inf, .nan), which no JSON value can hold, or nil.
func NonFinite(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		var f float64
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 &&
			n.ShortTag() == "!!float" && n.Decode(&f) == nil && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return n
		}
		return nil
	}
	for _, c := range n.Content {
		if bad := NonFinite(c); bad != nil {
			return bad
		}
	}
	return nil
}
