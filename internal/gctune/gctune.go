// Package gctune sets the garbage collector for one run of the swarmlint
// command. The command imports it for its side effect: its init runs before
// the initialisers of most dependencies (Go initialises ready packages in
// import-path order, and this one needs only the runtime), so that package
// initialisation itself (3.5 MB allocated, jsonschema's meta-schemas most of
// it) runs with the run's settings and does not start a collection.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
)

// GC settings of a run (docs/performance.md, "Second round").
const (
	// firstGCLimit is the heap at which the first collection runs: below
	// it the collector is off. A run on a small or medium stack (up to a
	// few hundred services) allocates less than this in all and exits
	// without ever collecting, which saves a quarter to a third of its CPU
	// time (marking, write barriers and assists while both cores are busy).
	firstGCLimit = 96 << 20
	// gcPercent and memoryLimit hold from the first collection on. Most
	// allocations of a run die young (YAML nodes, compose-go's maps), so
	// collecting at 400 % heap growth instead of 100 % saves a fifth of
	// the CPU time of large stacks; the soft limit makes the collector
	// work harder only on very large stacks, whose live heap passes
	// 150 MiB, so that their peak memory does not grow.
	gcPercent   = 400
	memoryLimit = 384 << 20
)

func init() { Tune() }

// Tune sets the garbage collector for one short run, unless GOGC or
// GOMEMLIMIT say otherwise: off until the heap reaches firstGCLimit, then
// gcPercent with a soft limit of memoryLimit.
func Tune() {
	setPercent, setLimit := os.Getenv("GOGC") == "", os.Getenv("GOMEMLIMIT") == ""
	if setPercent && setLimit {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(firstGCLimit)
		afterFirstGC(func() {
			debug.SetGCPercent(gcPercent)
			debug.SetMemoryLimit(memoryLimit)
		})
		return
	}
	if setPercent {
		debug.SetGCPercent(gcPercent)
	}
	if setLimit {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// gcSentinel is an object only a collection can free; it is larger than
// the tiny allocator's 16 bytes, whose objects may share a block and never
// be finalized.
type gcSentinel struct{ _ [32]byte }

// afterFirstGC calls f once, on the finalizer goroutine, after the first
// collection from now on has run.
func afterFirstGC(f func()) {
	runtime.SetFinalizer(new(gcSentinel), func(*gcSentinel) { f() })
}
