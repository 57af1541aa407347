//go:build pprof

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// A binary built with `go build -tags pprof ./cmd/swarmlint` writes a CPU
// profile of the whole run (after package initialisation) to the file named
// by SWARMLINT_CPUPROFILE, an execution trace to SWARMLINT_TRACE and a heap
// profile at exit to SWARMLINT_MEMPROFILE,
// for docs/performance.md. The release binary has neither.
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
		stops = append(stops, func() {
			f, err := os.Create(name)
			if err != nil {
				panic(err)
			}
			defer f.Close()
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				panic(err)
			}
		})
	}
	stopProfile = func() {
		for _, stop := range stops {
			stop()
		}
	}
}
