package cli

import (
	"os"
	"runtime/debug"
)

// TuneGC sets the garbage collector for one short run, unless GOGC or
// GOMEMLIMIT say otherwise. Most of a run's allocations die young (YAML
// nodes, compose-go's maps, policy compilation), so collecting at 400 %
// heap growth instead of 100 % saves a fifth of the CPU time of small and
// medium stacks; the soft limit of 384 MiB makes the collector work harder
// only on very large stacks, whose live heap passes 150 MiB, so that their
// peak memory does not grow (docs/performance.md).
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(384 << 20)
	}
}
