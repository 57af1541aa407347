package cli

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// unknownCommand refuses a first argument that is no file but looks like
// a mistyped subcommand ("swarmlint explian"), instead of reporting it as
// a missing stack file.
func unknownCommand(root *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	a := args[0]
	if a == "-" || exists(a) || hasGlobMeta(a) || strings.ContainsAny(a, `/\`) || filepath.Ext(a) != "" {
		return nil
	}
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			names = append(names, c.Name())
			names = append(names, c.Aliases...)
		}
	}
	if s := closest(a, names); s != "" {
		return &exitError{code: ExitError, err: fmt.Errorf("unknown command %q; did you mean %q? (see 'swarmlint --help')", a, s)}
	}
	return &exitError{code: ExitError, err: fmt.Errorf("%q is neither a command (%s) nor a file", a, strings.Join(names, ", "))}
}

var unknownFlagRe = lazyre.New(`unknown flag: --([^\s=]+)`)

// flagSuggestion is "; did you mean --format?" for an unknown long flag
// close to a known one ("" otherwise).
func flagSuggestion(c *cobra.Command, err error) string {
	m := unknownFlagRe().FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	var names []string
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	c.Flags().VisitAll(add)
	c.InheritedFlags().VisitAll(add)
	if s := closest(m[1], names); s != "" {
		return fmt.Sprintf("; did you mean --%s?", s)
	}
	return ""
}

// closest is the name at the smallest edit distance from s, if it is at
// most 2 (and less than half of s), or the only name s is a prefix of.
func closest(s string, names []string) string {
	sort.Strings(names)
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(strings.ToLower(s), n); d < bestD && d*2 < len(s)+1 {
			best, bestD = n, d
		}
	}
	if best != "" {
		return best
	}
	var prefixed []string
	for _, n := range names {
		if len(s) >= 3 && strings.HasPrefix(n, strings.ToLower(s)) {
			prefixed = append(prefixed, n)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// editDistance is the Damerau–Levenshtein distance (with adjacent
// transpositions, so "explian" is one edit from "explain").
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
