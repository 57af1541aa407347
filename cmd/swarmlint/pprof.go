//go:build pprof

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

// A binary built with `go build -tags pprof ./cmd/swarmlint` writes a CPU
// profile of the whole run (after package initialisation) to the file named
// by SWARMLINT_CPUPROFILE, an execution trace to SWARMLINT_TRACE, a heap
// profile at exit to SWARMLINT_MEMPROFILE and one during the run to
// SWARMLINT_HEAPPROFILE (below), for docs/performance.md. The release binary
// has none of them.
func init() {
	var stops []func()
	if name := os.Getenv("SWARMLINT_CPUPROFILE"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			panic(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			panic(err)
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if name := os.Getenv("SWARMLINT_TRACE"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			panic(err)
		}
		if err := trace.Start(f); err != nil {
			panic(err)
		}
		stops = append(stops, func() { trace.Stop(); f.Close() })
	}
	if name := os.Getenv("SWARMLINT_MEMPROFILE"); name != "" {
		runtime.MemProfileRate = 64 << 10
		stops = append(stops, func() { writeProfile("allocs", name) })
	}
	// SWARMLINT_HEAPPROFILE_AT (a duration) writes the live heap at that
	// moment of the run, after a forced collection, to SWARMLINT_HEAPPROFILE:
	// what is live during evaluation, which the profile at exit no longer
	// shows.
	if at := os.Getenv("SWARMLINT_HEAPPROFILE_AT"); at != "" {
		d, err := time.ParseDuration(at)
		if err != nil {
			panic(err)
		}
		name := os.Getenv("SWARMLINT_HEAPPROFILE")
		if name == "" {
			panic("SWARMLINT_HEAPPROFILE_AT needs SWARMLINT_HEAPPROFILE, the file to write")
		}
		runtime.MemProfileRate = 64 << 10
		time.AfterFunc(d, func() {
			runtime.GC()
			writeProfile("heap", name)
		})
	}
	stopProfile = func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// writeProfile writes the runtime profile called profile to the file name.
func writeProfile(profile, name string) {
	f, err := os.Create(name)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	if err := pprof.Lookup(profile).WriteTo(f, 0); err != nil {
		panic(err)
	}
}
