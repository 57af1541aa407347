// Package enginetest proves swarmlint's rules against the real Docker Engine
// on this machine, in swarm mode.
//
// Every experiment runs on a single-node swarm that the harness creates and
// leaves again, with a workload image that it builds locally (no registry is
// ever contacted: the probe image is imported from a tar, services refer to it
// by image ID and stacks are deployed with --resolve-image never). All waits
// poll with a deadline. Tests skip, with the reason printed, when no usable
// engine is reachable; they never pass silently without one.
//
// The harness refuses to touch a swarm it did not create: a swarm it creates
// carries the node label org.swarmlint.enginetest, and only such a swarm is
// left by force when a previous run died before its cleanup.
//
// The harness is in files by concept: harness.go (docker invocation, the
// engine lock, Main), swarm.go (init, leave, the advertise address),
// probe_image.go (the workload image and what runs inside it), stacks.go
// (deploy, remove, tasks), verdict.go (what the engine made of an
// experiment), inspect.go (network and service inspect) and daemon_log.go
// (the daemon's log lines of an experiment).
package enginetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ProbeImage is the tag given to the locally built workload image.
const ProbeImage = "swarmlint-probe:latest"

// OwnerLabel marks what the harness creates: the swarm node (node label) and
// the probe image (image label).
const OwnerLabel = "org.swarmlint.enginetest"

// CommandTimeout bounds every single docker invocation.
var CommandTimeout = 90 * time.Second

// pollInterval is how often the wait loops look at the engine again.
const pollInterval = 250 * time.Millisecond

// Engine describes the engine the tests run against.
type Engine struct {
	ServerVersion string // 20.10.24+dfsg1
	APIVersion    string // negotiated API version, e.g. 1.41
	ClientVersion string // docker CLI version
	OSType        string
	Architecture  string // as the engine reports it (x86_64, aarch64)
	SwarmState    string // inactive, active, pending, error, locked
	NodeID        string
}

// Swarm describes a swarm created by InitSwarm.
type Swarm struct {
	AdvertiseAddr string // address given to --advertise-addr
	NodeID        string
	// Dummy names the interface given AdvertiseAddr when the engine refused
	// loopback (or SWARMLINT_ADVERTISE=dummy), e.g. "swl0 (veth, peer swl0p)";
	// "" when 127.0.0.1 is used.
	Dummy string
}

var state struct {
	sync.Mutex
	engine     *Engine
	engineErr  error
	lockFile   *os.File
	swarm      *Swarm
	gwExisted  bool
	gwChecked  bool     // gwExisted was recorded (once, before the first swarm)
	advertise  string   // decided advertise address, "" until first init
	dummy      string   // interface given the fallback address, if any
	undo       []string // ip arguments that remove it
	fallback   bool     // the engine refused 127.0.0.1 once: use the fallback from then on
	touched    bool     // the lock file was opened: touch it after the run (markUncacheable)
	probeID    string
	probeTar   []byte
	stacks     map[string]bool
	knownStack map[string]bool
	// staleNets are swarm-scoped networks the node kept listing after a
	// leave (or listed before the run's first swarm): the engine's
	// leftovers, waited for once, not after every later swarm.
	staleNets map[string]bool
}

// docker runs the docker CLI with a bounded context. stdout and stderr are
// returned interleaved in one string, as a user sees them.
func docker(stdin io.Reader, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdin = stdin
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("docker %s: timed out after %s", strings.Join(args, " "), CommandTimeout)
	} else if err != nil {
		err = fmt.Errorf("docker %s: %w", strings.Join(args, " "), err)
	}
	return out.String(), err
}

// dockerOut runs docker and returns stdout only; stderr goes into the error.
func dockerOut(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// RequireEngine returns the engine, or skips the test with the reason when
// `docker info` fails, the engine is not a Linux engine, another enginetest
// process holds the engine for more than 3 minutes, or -short is set. It is
// called by every other helper.
func RequireEngine(t testing.TB) Engine {
	t.Helper()
	if testing.Short() {
		t.Skip("no usable docker engine: engine experiments are skipped in -short mode")
	}
	state.Lock()
	defer state.Unlock()
	if state.engine == nil && state.engineErr == nil {
		markUncacheable()
		state.engine, state.engineErr = probeEngine()
		if state.engineErr == nil {
			var waited time.Duration
			waited, state.engineErr = lockEngine()
			if waited > time.Second {
				t.Logf("waited %s for another enginetest run to release %s", waited.Round(time.Second), lockPath())
			}
		}
	}
	if state.engineErr != nil {
		t.Skipf("no usable docker engine: %v", state.engineErr)
	}
	return *state.engine
}

func lockPath() string { return filepath.Join(os.TempDir(), "swarmlint-enginetest.lock") }

// markUncacheable opens testdata/README.md of this package so that the test
// log records it; Main touches the file after the tests, and `go test` does
// not cache a result that read a file (inside the module) younger than two
// seconds. An engine run must never be answered from the test cache: the
// engine's state is not an input go knows about.
func markUncacheable() {
	if f, err := os.Open(stampPath()); err == nil {
		f.Close()
		state.touched = true
	}
}

func stampPath() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "testdata", "README.md")
}

func probeEngine() (*Engine, error) {
	if _, err := exec.LookPath("docker"); err != nil {
		return nil, errors.New("docker CLI not in PATH")
	}
	out, err := dockerOut("info", "--format", "{{json .}}")
	if err != nil {
		return nil, err
	}
	var info struct {
		ServerVersion string
		OSType        string
		Architecture  string
		ServerErrors  []string
		Swarm         struct {
			LocalNodeState string
			NodeID         string
		}
	}
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		return nil, fmt.Errorf("docker info: %w", err)
	}
	if len(info.ServerErrors) > 0 {
		return nil, fmt.Errorf("docker info: %s", strings.Join(info.ServerErrors, "; "))
	}
	if info.ServerVersion == "" {
		return nil, errors.New("docker info: no server version (daemon unreachable?)")
	}
	if info.OSType != "linux" {
		return nil, fmt.Errorf("engine OS is %q, the experiments need a Linux engine", info.OSType)
	}
	e := &Engine{ServerVersion: info.ServerVersion, OSType: info.OSType, Architecture: info.Architecture,
		SwarmState: info.Swarm.LocalNodeState, NodeID: info.Swarm.NodeID}
	if v, err := dockerOut("version", "--format", "{{.Client.Version}} {{.Server.APIVersion}}"); err == nil {
		if f := strings.Fields(v); len(f) == 2 {
			e.ClientVersion, e.APIVersion = f[0], f[1]
		}
	}
	return e, nil
}

// lockEngine serialises enginetest processes on this machine: the swarm is
// global engine state, so two runs at once would leave each other's swarm.
// It returns how long it waited.
func lockEngine() (time.Duration, error) {
	path := lockPath()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return 0, fmt.Errorf("lock %s: %w", path, err)
	}
	start := time.Now()
	deadline := start.Add(3 * time.Minute)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			state.lockFile = f // held until the process exits
			return time.Since(start), nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return time.Since(start), fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return time.Since(start), fmt.Errorf("another enginetest run still holds %s after 3m", path)
		}
		time.Sleep(pollInterval)
	}
}

// poll calls cond until it reports true, returns an error, or the timeout
// passes. It is the only way the harness waits.
func poll(timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if time.Now().After(deadline) {
			if last != nil {
				return fmt.Errorf("not done after %s: %w", timeout, last)
			}
			return fmt.Errorf("not done after %s", timeout)
		}
		time.Sleep(pollInterval)
	}
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Main runs the tests of a package that uses the harness and then removes
// what outlives single tests: the probe image. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(enginetest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	state.Lock()
	owned := state.swarm != nil
	usedEngine := state.engine != nil && state.engineErr == nil
	touched := state.touched
	state.Unlock()
	if owned {
		// A test that initialised a swarm without t.Cleanup running (it
		// always runs, but be defensive): leave it.
		docker(nil, "swarm", "leave", "--force")
	}
	if usedEngine {
		removeProbeImages(nil)
		state.Lock()
		removeGW := state.gwChecked && !state.gwExisted
		state.Unlock()
		if removeGW && networkExists("docker_gwbridge") {
			// A stale ingress held it when its swarm was left; by now the
			// daemon has usually let go (bounded wait).
			if err := poll(20*time.Second, func() (bool, error) {
				out, err := docker(nil, "network", "rm", "docker_gwbridge")
				return err == nil || strings.Contains(out, "No such network") || strings.Contains(out, "not found"), nil
			}); err != nil {
				fmt.Fprintln(os.Stderr, "enginetest: docker_gwbridge, created by the run, could not be removed (the engine's stale ingress holds it until dockerd restarts):", err)
			}
		}
	}
	if err := removeFallback(); err != nil {
		fmt.Fprintln(os.Stderr, "enginetest:", err)
	}
	if touched {
		// Last, so that the file is still young when go test hashes it.
		now := time.Now()
		os.Chtimes(stampPath(), now, now)
	}
	return code
}

// Docker runs one docker command with the harness's timeout and returns
// stdout and stderr interleaved, as a user sees them.
func Docker(args ...string) (string, error) { return docker(nil, args...) }

// DockerOut runs one docker command and returns its stdout; stderr goes
// into the error.
func DockerOut(args ...string) (string, error) { return dockerOut(args...) }
