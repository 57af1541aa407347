package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestAfterFirstGC checks that the collector's settings change after the
// first collection, as Tune relies on.
func TestAfterFirstGC(t *testing.T) {
	done := make(chan struct{})
	afterFirstGC(func() { close(done) })
	runtime.GC()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the function did not run after a collection")
	}
}

func TestTune(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	Tune()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("GC percent before the first collection = %d, want off", p)
	}
	if l := debug.SetMemoryLimit(-1); l != firstGCLimit {
		t.Fatalf("memory limit before the first collection = %d, want %d", l, firstGCLimit)
	}
	runtime.GC()
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) != memoryLimit {
		if time.Now().After(deadline) {
			t.Fatal("the settings did not change after the first collection")
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
	if p := debug.SetGCPercent(-1); p != gcPercent {
		t.Fatalf("GC percent after the first collection = %d, want %d", p, gcPercent)
	}
}
