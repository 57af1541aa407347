// Package lazyre compiles a package-level regular expression on first use
// instead of during package initialisation, which every command pays for,
// `swarmlint --version` included (docs/performance.md, "The floor now").
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// and returns the same *regexp.Regexp every time; it panics, as
// regexp.MustCompile does, when expr does not compile.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
