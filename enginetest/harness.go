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
package enginetest

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
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

// labelNode marks the node as this run's. A node update races with the
// manager's own updates of the node object right after init or join; the
// engine then answers "update out of sequence" (SwarmKit's version check on
// the object), and the update is tried again with the new version.
func labelNode(nodeID string) (string, error) {
	var out string
	var err error
	for try := 0; try < 5; try++ {
		out, err = docker(nil, "node", "update", "--label-add", OwnerLabel+"="+strconv.Itoa(os.Getpid()), nodeID)
		if err == nil || !strings.Contains(out, "update out of sequence") {
			break
		}
		time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
	}
	return out, err
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

// swarmState reads the local node state and node ID.
func swarmState() (nodeState, nodeID string, err error) {
	out, err := dockerOut("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.NodeID}}")
	if err != nil {
		return "", "", err
	}
	f := strings.Fields(out)
	if len(f) == 0 {
		return "", "", fmt.Errorf("docker info: unexpected swarm state %q", out)
	}
	if len(f) > 1 {
		nodeID = f[1]
	}
	return f[0], nodeID, nil
}

// InitSwarm initialises a single-node swarm with the extra `docker swarm init`
// flags in opts and registers LeaveSwarm as cleanup. It fails the test when
// init fails; use TryInitSwarm to observe init errors.
func InitSwarm(t testing.TB, opts ...string) Swarm {
	t.Helper()
	out, err := TryInitSwarm(t, opts...)
	if err != nil {
		t.Fatalf("docker swarm init %s: %v\n%s", strings.Join(opts, " "), err, out)
	}
	state.Lock()
	defer state.Unlock()
	return *state.swarm
}

// TryInitSwarm runs `docker swarm init` with the advertise address the
// harness chose and the extra flags in opts. It returns what docker printed
// and the error; on success LeaveSwarm is registered as cleanup of t.
//
// The advertise address is 127.0.0.1 unless SWARMLINT_ADVERTISE is "dummy"
// or the engine refuses loopback: then 198.51.100.1/32 (TEST-NET-2) is put
// on a dummy interface swl0, else a veth swl0, else lo (see setupDummy), and
// used. An opts entry --advertise-addr overrides both.
func TryInitSwarm(t testing.TB, opts ...string) (string, error) {
	t.Helper()
	RequireEngine(t)
	prepareSwarm(t)

	state.Lock()
	addr := state.advertise
	state.Unlock()
	explicit := hasFlag(opts, "--advertise-addr")
	if addr == "" {
		addr = "127.0.0.1"
		state.Lock()
		fallback := state.fallback
		state.Unlock()
		if fallback || os.Getenv("SWARMLINT_ADVERTISE") == "dummy" {
			addr = setupDummy(t)
		}
	}
	args := append([]string{"swarm", "init"}, opts...)
	if !explicit {
		args = append(args, "--advertise-addr", addr)
	}
	out, err := docker(nil, args...)
	if err != nil && !explicit && addr == "127.0.0.1" && refusesAddress(out) {
		t.Logf("engine refused --advertise-addr 127.0.0.1 (%s); retrying on a dummy interface", strings.TrimSpace(out))
		addr = setupDummy(t)
		args[len(args)-1] = addr
		out, err = docker(nil, args...)
		if err == nil {
			state.Lock()
			state.fallback = true
			state.Unlock()
		}
	}
	if err != nil {
		if rerr := removeFallback(); rerr != nil {
			t.Errorf("%v", rerr)
		}
		return out, err
	}
	t.Cleanup(func() { LeaveSwarm(t) })
	nodeState, nodeID, serr := swarmState()
	if serr != nil || nodeState != "active" {
		return out, fmt.Errorf("swarm init reported success but node state is %q: %v", nodeState, serr)
	}
	if lo, lerr := labelNode(nodeID); lerr != nil {
		return out, fmt.Errorf("labelling node: %v\n%s", lerr, lo)
	}
	state.Lock()
	if !explicit {
		state.advertise = addr
	}
	if explicit {
		addr = flagValue(opts, "--advertise-addr")
	}
	state.swarm = &Swarm{AdvertiseAddr: addr, NodeID: nodeID, Dummy: state.dummy}
	state.Unlock()
	return out, nil
}

// refusesAddress reports whether a failed init complained about the address
// rather than about the other flags.
func refusesAddress(out string) bool {
	s := strings.ToLower(out)
	return strings.Contains(s, "advertise") || strings.Contains(s, "listen") || strings.Contains(s, "loopback")
}

func hasFlag(opts []string, name string) bool {
	for _, o := range opts {
		if o == name || strings.HasPrefix(o, name+"=") {
			return true
		}
	}
	return false
}

func flagValue(opts []string, name string) string {
	for i, o := range opts {
		if v, ok := strings.CutPrefix(o, name+"="); ok {
			return v
		}
		if o == name && i+1 < len(opts) {
			return opts[i+1]
		}
	}
	return ""
}

// prepareSwarm makes sure no swarm is active before an init: a swarm left by
// an earlier enginetest run (node label OwnerLabel) is left by force, any
// other swarm skips the test.
func prepareSwarm(t testing.TB) {
	t.Helper()
	nodeState, nodeID, err := swarmState()
	if err != nil {
		t.Fatalf("reading swarm state: %v", err)
	}
	switch nodeState {
	case "inactive":
		state.Lock()
		// Whether docker_gwbridge existed before the first swarm of this
		// process: one an earlier swarm of the run left (held by a stale
		// ingress) is still the run's to remove.
		if !state.gwChecked {
			state.gwChecked = true
			state.gwExisted = networkExists("docker_gwbridge")
		}
		state.Unlock()
		return
	case "active", "locked", "pending", "error":
	default:
		t.Fatalf("unknown swarm state %q", nodeState)
	}
	state.Lock()
	ours := state.swarm != nil && state.swarm.NodeID == nodeID
	state.Unlock()
	if !ours && nodeID != "" {
		label, _ := dockerOut("node", "inspect", "--format", "{{index .Spec.Labels \""+OwnerLabel+"\"}}", nodeID)
		ours = strings.TrimSpace(label) != ""
	}
	if !ours {
		t.Skipf("no usable docker engine: a swarm (state %s, node %s) is already active and was not created by enginetest; refusing to leave it", nodeState, nodeID)
	}
	t.Logf("leaving swarm %s left over from an earlier enginetest run", nodeID)
	LeaveSwarm(t)
}

// LeaveSwarm leaves the swarm by force and removes what the swarm left on the
// node: task containers, stack networks of local scope, VXLAN devices left on
// UDP 7946, and the dummy interface (docker_gwbridge, when the run created
// it, is removed once by Main). It is safe to call when no swarm is active.
func LeaveSwarm(t testing.TB) {
	t.Helper()
	// The daemon sets the ingress network up in the background after an
	// init, and on leave waits only 5 s for its removal, queued behind that
	// setup; when it gives up ("timeout while waiting for ingress network
	// removal", seen on a loaded 2-core VM) the ingress stays listed, and
	// holds docker_gwbridge, until dockerd restarts. Let the setup finish
	// first (bounded; not at all when the ingress network was removed).
	if s, _, _ := swarmState(); s == "active" {
		poll(15*time.Second, func() (bool, error) {
			out, err := dockerOut("network", "inspect", "--format", "{{range $k, $v := .Containers}}{{$k}} {{end}}", "ingress")
			return err != nil || strings.Contains(out, "ingress-sbox"), nil
		})
	}
	if out, err := docker(nil, "swarm", "leave", "--force"); err != nil && !strings.Contains(out, "not part of a swarm") {
		t.Errorf("docker swarm leave --force: %v\n%s", err, out)
	}
	if err := poll(30*time.Second, func() (bool, error) {
		s, _, err := swarmState()
		return s == "inactive", err
	}); err != nil {
		t.Errorf("swarm did not become inactive: %v", err)
	}
	// The daemon releases the ingress network in the background and gives up
	// waiting after 5 s ("timeout while waiting for ingress network
	// removal"); an init before it is done can inherit a half-removed
	// ingress. Wait (bounded) until no swarm-scoped network is left.
	if err := poll(15*time.Second, func() (bool, error) {
		out, err := dockerOut("network", "ls", "-q", "--filter", "scope=swarm")
		return err == nil && strings.TrimSpace(out) == "", nil
	}); err != nil {
		t.Logf("engine leftover: a swarm-scoped network (the old ingress) is still listed after leaving the swarm (%v); only a dockerd restart removes it", err)
	}
	removeDiscoveryPortVXLAN(t)
	// Task containers of the swarm we owned.
	if ids, err := dockerOut("ps", "-aq", "--filter", "label=com.docker.swarm.task.id"); err == nil && strings.TrimSpace(ids) != "" {
		args := append([]string{"rm", "-f"}, strings.Fields(ids)...)
		if out, err := docker(nil, args...); err != nil && !onlyGoneContainers(out) {
			t.Errorf("removing task containers: %v\n%s", err, out)
		}
	}
	state.Lock()
	known := make(map[string]bool, len(state.knownStack))
	for s := range state.knownStack {
		known[s] = true
	}
	state.swarm = nil
	state.advertise = ""
	state.Unlock()
	removeStackNetworks(t, known)
	// docker_gwbridge stays until the end of the run (Main removes it when
	// the run created it): removing it after every swarm took about 20 s
	// each time on Engine 20.10 (the ingress sandbox's endpoint detaches
	// late), and the next init creates it again.
	if err := removeFallback(); err != nil {
		t.Errorf("%v", err)
	}
}

// onlyGoneContainers reports whether every error `docker rm -f` printed is
// about a container the daemon is already removing (or has removed): the
// tasks of a stack removed just before the swarm is left.
func onlyGoneContainers(out string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Error response from daemon: ") &&
			!strings.Contains(l, "No such container") && !strings.Contains(l, "is already in progress") {
			return false
		}
	}
	return true
}

// overlaySandbox matches the network namespaces the overlay driver creates,
// one per overlay network on the node: /var/run/docker/netns/1-<network id>.
var overlaySandbox = regexp.MustCompile(`^\d+-[0-9a-z]{10}$`)

// removeDiscoveryPortVXLAN deletes the VXLAN devices that overlay sandboxes
// left behind by a swarm keep bound to UDP 7946, the node discovery port.
// Engine 20.10 can leave an overlay network's sandbox behind after `swarm
// leave` (its ingress release gives up after 5 s and finishes in the
// background). On the usual data path port that is harmless, and the
// sandbox is left alone: the daemon may still be releasing it. After a swarm
// initialised with --data-path-port 7946 (SWL505) the device holds the
// discovery port, and every later swarm on the machine fails to start its
// network agent ("failed to create memberlist ... port 7946: bind: address
// already in use") until the device is deleted; restarting dockerd does not
// help. Only called when the node is not in a swarm.
func removeDiscoveryPortVXLAN(t testing.TB) {
	t.Helper()
	if s, _, err := swarmState(); err != nil || s != "inactive" {
		return
	}
	if _, err := exec.LookPath("nsenter"); err != nil {
		t.Logf("nsenter not found: VXLAN devices left by the swarm are not checked")
		return
	}
	dir := "/var/run/docker/netns"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !overlaySandbox.MatchString(e.Name()) {
			continue
		}
		ns := filepath.Join(dir, e.Name())
		out, err := exec.Command("nsenter", "--net="+ns, "ip", "-d", "-o", "link", "show", "type", "vxlan").CombinedOutput()
		if err != nil {
			// No namespace behind the file any more: the daemon unmounted
			// it and left the empty file.
			os.Remove(ns)
			continue
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.SplitN(line, ": ", 3)
			if len(f) < 3 || !strings.Contains(f[2], "dstport 7946 ") {
				continue
			}
			name, _, _ := strings.Cut(f[1], "@")
			if dout, derr := exec.Command("nsenter", "--net="+ns, "ip", "link", "del", name).CombinedOutput(); derr != nil {
				t.Errorf("deleting VXLAN device %s on UDP 7946 left in %s: %v: %s", name, ns, derr, strings.TrimSpace(string(dout)))
				continue
			}
			t.Logf("deleted VXLAN device %s on UDP 7946, left in %s by the swarm", name, ns)
		}
	}
}

// removeFallback removes the interface or address setupDummy created, if any.
func removeFallback() error {
	state.Lock()
	dummy, undo := state.dummy, state.undo
	state.dummy, state.undo = "", nil
	state.Unlock()
	if dummy == "" {
		return nil
	}
	if out, err := exec.Command("ip", undo...).CombinedOutput(); err != nil {
		return fmt.Errorf("removing fallback address on %s: ip %s: %v: %s", dummy, strings.Join(undo, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// fallbackAddr is the advertise address used when the engine refuses
// loopback. It is TEST-NET-2: 192.0.2.0/24 is avoided because hosts (this
// one included) use TEST-NET-1 on their real interfaces.
const fallbackAddr = "198.51.100.1"

// setupDummy gives the node a non-loopback address only this machine uses and
// returns it. It tries, in order, a dummy interface swl0, a veth pair
// swl0/swl0p (for kernels without the dummy driver), and a secondary address
// on lo; LeaveSwarm undoes whichever worked.
func setupDummy(t testing.TB) string {
	t.Helper()
	state.Lock()
	created := state.dummy != ""
	state.Unlock()
	if created {
		return fallbackAddr
	}
	cidr := fallbackAddr + "/32"
	attempts := []struct {
		desc  string
		steps [][]string
		undo  []string
	}{
		{"swl0 (dummy)", [][]string{{"link", "add", "swl0", "type", "dummy"}, {"addr", "add", cidr, "dev", "swl0"}, {"link", "set", "swl0", "up"}},
			[]string{"link", "del", "swl0"}},
		{"swl0 (veth, peer swl0p)", [][]string{{"link", "add", "swl0", "type", "veth", "peer", "name", "swl0p"}, {"addr", "add", cidr, "dev", "swl0"},
			{"link", "set", "swl0p", "up"}, {"link", "set", "swl0", "up"}}, []string{"link", "del", "swl0"}},
		{"lo (secondary address)", [][]string{{"addr", "add", cidr, "dev", "lo"}}, []string{"addr", "del", cidr, "dev", "lo"}},
	}
	var failures []string
	for _, a := range attempts {
		var failed string
		for _, args := range a.steps {
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				failed = fmt.Sprintf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
				exec.Command("ip", a.undo...).Run()
				break
			}
		}
		if failed != "" {
			failures = append(failures, failed)
			continue
		}
		t.Logf("advertise address %s on %s", fallbackAddr, a.desc)
		state.Lock()
		state.dummy, state.undo = a.desc, a.undo
		state.Unlock()
		return fallbackAddr
	}
	t.Skipf("no usable docker engine: cannot give the node a non-loopback advertise address (%s)", strings.Join(failures, "; "))
	return ""
}

func networkExists(name string) bool {
	_, err := dockerOut("network", "inspect", "--format", "{{.Name}}", name)
	return err == nil
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

// BuildProbeImage compiles enginetest/probe as a static binary (CGO_ENABLED=0),
// imports it with `docker import` as ProbeImage (ENTRYPOINT ["/probe"], so
// that a service's command becomes the probe's ignored arguments) and returns
// the image ID, which is what stacks should reference: the swarm agent does
// not try to pull an image referenced by ID. The build is cached per process;
// the image is imported again if it disappeared.
func BuildProbeImage(t testing.TB) string {
	t.Helper()
	eng := RequireEngine(t)
	state.Lock()
	defer state.Unlock()
	if state.probeID != "" {
		if _, err := dockerOut("image", "inspect", "--format", "{{.Id}}", state.probeID); err == nil {
			return state.probeID
		}
		state.probeID = ""
	}
	if state.probeTar == nil {
		tarball, err := buildProbeTar(eng)
		if err != nil {
			t.Fatalf("building probe: %v", err)
		}
		state.probeTar = tarball
	}
	// Images left by an earlier run that died before its cleanup.
	removeProbeImages(nil)
	out, err := docker(bytes.NewReader(state.probeTar), "import",
		"--change", `ENTRYPOINT ["/probe"]`,
		"--change", "LABEL "+OwnerLabel+"=probe",
		"-", ProbeImage)
	if err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	id := strings.TrimSpace(out)
	if !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("docker import printed %q, want an image ID", out)
	}
	state.probeID = id
	return id
}

// buildProbeTar compiles the probe for the engine's architecture and wraps
// it in a one-file tar.
func buildProbeTar(eng Engine) ([]byte, error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return nil, errors.New("cannot locate the enginetest sources")
	}
	src := filepath.Join(filepath.Dir(self), "probe")
	dir, err := os.MkdirTemp("", "swarmlint-probe-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	goarch := map[string]string{"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "s390x": "s390x", "ppc64le": "ppc64le"}[eng.Architecture]
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	// go test puts its own GOROOT/bin first on PATH, so this is the go
	// that runs the tests.
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("building the probe image needs the go command: %w", err)
	}
	bin := filepath.Join(dir, "probe")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build %s: %v\n%s", src, err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{Name: "probe", Mode: 0o755, Size: int64(len(data)), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// removeProbeImages removes every image labelled OwnerLabel, waiting (bounded)
// for containers still using one to go away first.
func removeProbeImages(t testing.TB) {
	ids, err := dockerOut("images", "-q", "--no-trunc", "--filter", "label="+OwnerLabel)
	if err != nil || strings.TrimSpace(ids) == "" {
		return
	}
	for _, id := range uniq(strings.Fields(ids)) {
		err := poll(20*time.Second, func() (bool, error) {
			users, err := dockerOut("ps", "-aq", "--filter", "ancestor="+id)
			return err == nil && strings.TrimSpace(users) == "", err
		})
		if err != nil && t != nil {
			t.Logf("image %s still in use: %v", id, err)
		}
		if out, err := docker(nil, "rmi", "-f", id); err != nil && t != nil && !strings.Contains(out, "No such image") {
			t.Errorf("docker rmi %s: %v\n%s", id, err, out)
		}
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

// DeployStack deploys the compose files as stack name with
// `docker stack deploy --resolve-image never -c ...`, after replacing every
// image with the probe image (RewriteImages; the rewritten copies live in
// t.TempDir()). It returns what docker printed (stdout and stderr) and the
// error. The stack is removed, and waited for, in t's cleanup.
func DeployStack(t testing.TB, name string, files ...string) (string, error) {
	t.Helper()
	image := BuildProbeImage(t)
	dir := t.TempDir()
	args := []string{"stack", "deploy", "--detach=true", "--resolve-image", "never"}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("reading stack file: %v", err)
		}
		out := filepath.Join(dir, fmt.Sprintf("%02d-%s", i, filepath.Base(f)))
		if err := os.WriteFile(out, RewriteImages(data, image), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-c", out)
	}
	args = append(args, name)
	state.Lock()
	if state.stacks == nil {
		state.stacks, state.knownStack = map[string]bool{}, map[string]bool{}
	}
	first := !state.stacks[name]
	state.stacks[name] = true
	state.knownStack[name] = true
	state.Unlock()
	if first {
		t.Cleanup(func() { RemoveStack(t, name) })
	}
	return docker(nil, args...)
}

// RemoveStack removes stack name and waits (bounded) until its services and
// networks are gone, including networks a failed deploy left behind and
// node-local networks (bridge driver) that `docker stack rm` does not list.
func RemoveStack(t testing.TB, name string) {
	t.Helper()
	start := time.Now()
	defer func() {
		if d := time.Since(start); d > 10*time.Second {
			t.Logf("removing stack %s took %s", name, d.Round(100*time.Millisecond))
		}
	}()
	if out, err := docker(nil, "stack", "rm", name); err != nil && !strings.Contains(out, "Nothing found in stack") {
		t.Logf("docker stack rm %s: %v\n%s", name, err, out)
	}
	label := "label=com.docker.stack.namespace=" + name
	err := poll(45*time.Second, func() (bool, error) {
		svcs, err := dockerOut("service", "ls", "-q", "--filter", label)
		if err != nil {
			// Not a manager any more (swarm already left): nothing to wait for.
			return strings.Contains(err.Error(), "not a swarm manager"), nil
		}
		return strings.TrimSpace(svcs) == "", nil
	})
	if err != nil {
		t.Errorf("services of stack %s still present: %v", name, err)
	}
	removeLabelledNetworks(t, name)
	removeStackVolumes(t, name)
	state.Lock()
	delete(state.stacks, name)
	state.Unlock()
}

// removeStackVolumes removes the named volumes the stack's services created
// (stack rm keeps them), retrying (bounded) while task containers still
// hold them.
func removeStackVolumes(t testing.TB, stack string) {
	t.Helper()
	var left []string
	err := poll(30*time.Second, func() (bool, error) {
		out, err := dockerOut("volume", "ls", "-q", "--filter", "label=com.docker.stack.namespace="+stack)
		if err != nil {
			return false, err
		}
		left = strings.Fields(out)
		if len(left) == 0 {
			return true, nil
		}
		docker(nil, append([]string{"volume", "rm"}, left...)...)
		return false, nil
	})
	if err != nil {
		t.Errorf("stack volumes still present %v: %v", left, err)
	}
}

// removeLabelledNetworks removes the networks of a stack, retrying while
// tasks still detach from them.
func removeLabelledNetworks(t testing.TB, stack string) {
	t.Helper()
	removeStackNetworks(t, map[string]bool{stack: true})
}

// removeStackNetworks removes every network labelled as belonging to one of
// the stacks, retrying (bounded) while tasks still detach from them.
func removeStackNetworks(t testing.TB, stacks map[string]bool) {
	t.Helper()
	if len(stacks) == 0 {
		return
	}
	var left []string
	err := poll(45*time.Second, func() (bool, error) {
		out, err := dockerOut("network", "ls", "--filter", "label=com.docker.stack.namespace",
			"--format", `{{.ID}} {{.Name}} {{.Label "com.docker.stack.namespace"}}`)
		if err != nil {
			return false, err
		}
		left = left[:0]
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(line)
			if len(f) == 3 && stacks[f[2]] {
				left = append(left, f[1])
				docker(nil, "network", "rm", f[0])
			}
		}
		return len(left) == 0, nil
	})
	if err != nil {
		t.Errorf("stack networks still present %v: %v", left, err)
	}
}

// TaskState is one line of `docker service ps --no-trunc --format '{{json .}}'`.
type TaskState struct {
	ID           string
	Name         string // gt051_a.5 (history prefix "\_ " removed)
	Image        string
	Node         string
	DesiredState string // Running, Shutdown, ...
	CurrentState string // "Running 3 seconds ago"
	Error        string
	Ports        string
	Service      string `json:"-"` // service the task belongs to
	State        string `json:"-"` // first word of CurrentState, lower case
}

// Running reports whether the task is running.
func (s TaskState) Running() bool { return s.State == "running" }

// Failed reports whether the task ended in a failure state or carries an error.
func (s TaskState) Failed() bool {
	switch s.State {
	case "failed", "rejected", "orphaned":
		return true
	}
	return s.Error != ""
}

// ErrDeadline is wrapped by WaitTasks when the deadline passes before every
// task runs.
var ErrDeadline = errors.New("deadline passed before all tasks were running")

// WaitTasks polls `docker service ps` for the services of stack until every
// task that should run is Running (nil error), a task reports an error or
// failure state (error naming it), or deadline passes (error wrapping
// ErrDeadline and listing the tasks not running). It returns the last
// observed tasks in every case.
func WaitTasks(t testing.TB, stack string, deadline time.Time) ([]TaskState, error) {
	t.Helper()
	var tasks []TaskState
	for {
		var err error
		var done bool
		tasks, done, err = stackTasks(stack)
		if err != nil {
			return tasks, err
		}
		if done {
			return tasks, nil
		}
		if time.Now().After(deadline) {
			var waiting []string
			for _, s := range tasks {
				if s.DesiredState == "Running" && !s.Running() {
					waiting = append(waiting, s.Name+" "+s.State)
				}
			}
			if len(tasks) == 0 {
				waiting = append(waiting, "no tasks")
			}
			return tasks, fmt.Errorf("%w: %s", ErrDeadline, strings.Join(waiting, ", "))
		}
		time.Sleep(pollInterval)
	}
}

// stackTasks reads the tasks once; done is true when every service has its
// desired tasks running.
func stackTasks(stack string) ([]TaskState, bool, error) {
	ls, err := dockerOut("service", "ls", "--filter", "label=com.docker.stack.namespace="+stack, "--format", "{{.Name}} {{.Replicas}}")
	if err != nil {
		return nil, false, err
	}
	var names []string
	want := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(ls), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		names = append(names, f[0])
		// "2/6" or "1/1 (max 1 per node)": desired count after the slash.
		if _, d, ok := strings.Cut(f[1], "/"); ok {
			want[f[0]], _ = strconv.Atoi(d)
		}
	}
	if len(names) == 0 {
		return nil, false, fmt.Errorf("stack %s has no services", stack)
	}
	sort.Strings(names)
	out, err := dockerOut(append([]string{"service", "ps", "--no-trunc", "--format", "{{json .}}"}, names...)...)
	if err != nil {
		return nil, false, err
	}
	tasks, err := parseTasks(out, names)
	if err != nil {
		return tasks, false, err
	}
	running := map[string]int{}
	for _, s := range tasks {
		if s.Failed() {
			msg := s.Error
			if msg == "" {
				msg = s.CurrentState
			}
			return tasks, false, fmt.Errorf("task %s %s: %s", s.Name, s.State, msg)
		}
		if s.DesiredState == "Running" && s.Running() {
			running[s.Service]++
		}
	}
	for _, n := range names {
		if running[n] < want[n] {
			return tasks, false, nil
		}
	}
	for _, s := range tasks {
		if s.DesiredState == "Running" && !s.Running() {
			return tasks, false, nil
		}
	}
	return tasks, true, nil
}

func parseTasks(out string, services []string) ([]TaskState, error) {
	var tasks []TaskState
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var s TaskState
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			return tasks, fmt.Errorf("docker service ps: %w: %s", err, line)
		}
		s.Name = strings.TrimPrefix(strings.TrimSpace(s.Name), `\_ `)
		if f := strings.Fields(s.CurrentState); len(f) > 0 {
			s.State = strings.ToLower(f[0])
		}
		for _, svc := range services {
			if strings.HasPrefix(s.Name, svc+".") && len(svc) > len(s.Service) {
				s.Service = svc
			}
		}
		tasks = append(tasks, s)
	}
	return tasks, sc.Err()
}

// Outcomes of a Verdict.
const (
	OutcomeRejected = "rejected" // the docker command failed synchronously
	OutcomeFailed   = "failed"   // accepted, but tasks errored or were not all Running by the deadline
	OutcomeRunning  = "running"  // accepted and every task Running
	OutcomeAccepted = "accepted" // accepted; tasks not waited for (or none)
)

// Verdict is what the engine made of one experiment.
type Verdict struct {
	Outcome string // rejected | failed | running | accepted
	Message string // the exact text Docker printed that explains the outcome
}

func (v Verdict) String() string {
	if v.Message == "" {
		return v.Outcome
	}
	return v.Outcome + ": " + v.Message
}

// NoErrorReported starts the Message of a failed Verdict when no task carried
// an error: Docker printed nothing, and the rest of the Message is the
// harness's description of the tasks that never ran.
const NoErrorReported = "(no error reported) "

// Classify turns a command's output and error, and optionally the result of
// WaitTasks, into a Verdict. For rejected commands the Message is the output
// without progress lines; for failed tasks it is the first task's ERROR
// column verbatim, or NoErrorReported and the tasks that never ran; otherwise
// it carries the warnings docker printed, if any.
func Classify(output string, cmdErr error, tasks []TaskState, waitErr error) Verdict {
	msg := DockerMessage(output)
	switch {
	case cmdErr != nil:
		if msg == "" {
			msg = cmdErr.Error()
		}
		return Verdict{OutcomeRejected, msg}
	case waitErr != nil:
		for _, s := range tasks {
			if s.Error != "" {
				return Verdict{OutcomeFailed, s.Error}
			}
		}
		return Verdict{OutcomeFailed, NoErrorReported + waitErr.Error()}
	case len(tasks) > 0:
		return Verdict{OutcomeRunning, msg}
	default:
		return Verdict{OutcomeAccepted, msg}
	}
}

// progressLine matches the lines docker prints while it works, which carry
// no verdict.
var progressLine = regexp.MustCompile(`^(Creating (network|service|config|secret) |Updating service |Removing (service|network) |Since --detach=false was not specified|In a future release, --detach=false)`)

// DockerMessage returns output without blank and progress lines.
func DockerMessage(output string) string {
	var keep []string
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimRight(line, " \r")
		if line == "" || progressLine.MatchString(line) {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

// Desc returns the text after "desc = " in a gRPC error passed through by the
// daemon, which is the part that is stable across engine versions
// (code = InvalidArgument vs code = 3). Without it, msg is returned as is.
func Desc(msg string) string {
	if _, d, ok := strings.Cut(msg, " desc = "); ok {
		return d
	}
	return msg
}

// DeployAndClassify deploys a stack, waits at most wait for its tasks when the
// deploy was accepted, and classifies the result. It also returns the tasks.
func DeployAndClassify(t testing.TB, name string, wait time.Duration, files ...string) (Verdict, []TaskState) {
	t.Helper()
	out, err := DeployStack(t, name, files...)
	if err != nil {
		return Classify(out, err, nil, nil), nil
	}
	tasks, werr := WaitTasks(t, name, time.Now().Add(wait))
	if werr != nil && strings.Contains(werr.Error(), "has no services") {
		return Classify(out, nil, nil, nil), nil
	}
	v := Classify(out, nil, tasks, werr)
	if v.Outcome == OutcomeFailed && DockerMessage(out) != "" {
		v.Message = DockerMessage(out) + "\n" + v.Message
	}
	return v, tasks
}

// IPAMConfig is one entry of a network's IPAM configuration.
type IPAMConfig struct {
	Subnet  string
	IPRange string `json:"IPRange,omitempty"`
	Gateway string
}

// Endpoint is one attachment listed under a network's Containers.
type Endpoint struct {
	Name        string
	EndpointID  string
	IPv4Address string
}

// Network is the part of `docker network inspect` the experiments read.
// Raw holds the whole object.
type Network struct {
	Name       string
	ID         string `json:"Id"`
	Scope      string
	Driver     string
	Internal   bool
	Attachable bool
	Ingress    bool
	IPAM       struct {
		Driver  string
		Options map[string]string
		Config  []IPAMConfig
	}
	Options    map[string]string
	Labels     map[string]string
	Containers map[string]Endpoint
	Raw        json.RawMessage `json:"-"`
}

// NetworkInspect inspects one network.
func NetworkInspect(name string) (Network, error) {
	var nets []Network
	raw, err := inspect(&nets, "network", "inspect", name)
	if err != nil {
		return Network{}, err
	}
	nets[0].Raw = raw[0]
	return nets[0], nil
}

// PortConfig is one published port of a service.
type PortConfig struct {
	Name          string `json:",omitempty"`
	Protocol      string
	TargetPort    uint32
	PublishedPort uint32
	PublishMode   string
}

// EndpointSpec is a service's endpoint specification.
type EndpointSpec struct {
	Mode  string
	Ports []PortConfig
}

// VirtualIP is a service VIP on one network.
type VirtualIP struct {
	NetworkID string
	Addr      string
}

// Service is the part of `docker service inspect` the experiments read.
// Raw holds the whole object.
type Service struct {
	ID   string
	Spec struct {
		Name         string
		Labels       map[string]string
		TaskTemplate struct {
			Networks []struct {
				Target  string
				Aliases []string
			}
		}
		EndpointSpec *EndpointSpec
	}
	Endpoint struct {
		Spec       EndpointSpec
		Ports      []PortConfig
		VirtualIPs []VirtualIP
	}
	Raw json.RawMessage `json:"-"`
}

// ServiceInspect inspects one service.
func ServiceInspect(name string) (Service, error) {
	var svcs []Service
	raw, err := inspect(&svcs, "service", "inspect", name)
	if err != nil {
		return Service{}, err
	}
	svcs[0].Raw = raw[0]
	return svcs[0], nil
}

// inspect runs an inspect command that prints a JSON array of one object.
func inspect(v any, args ...string) ([]json.RawMessage, error) {
	out, err := dockerOut(args...)
	if err != nil {
		return nil, err
	}
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	if len(raw) != 1 {
		return nil, fmt.Errorf("%s: %d objects, want 1", strings.Join(args, " "), len(raw))
	}
	return raw, json.Unmarshal([]byte(out), v)
}

// Interface is one network interface seen inside a probe container.
type Interface struct {
	Name  string   `json:"name"`
	MTU   int      `json:"mtu"`
	Addrs []string `json:"addrs"`
}

// ProbeInterfaces lists the interfaces inside a running task container of
// service (one built from the probe image), via `docker exec ... /probe ifaces`.
func ProbeInterfaces(service string) ([]Interface, error) {
	ids, err := dockerOut("ps", "-q", "--filter", "label=com.docker.swarm.service.name="+service)
	if err != nil {
		return nil, err
	}
	f := strings.Fields(ids)
	if len(f) == 0 {
		return nil, fmt.Errorf("no running container for service %s", service)
	}
	out, err := dockerOut("exec", f[0], "/probe", "ifaces")
	if err != nil {
		return nil, err
	}
	var ifs []Interface
	return ifs, json.Unmarshal([]byte(out), &ifs)
}

// ProbeResolve resolves name inside a running task container of service
// (one built from the probe image), via `docker exec ... /probe resolve`:
// what the swarm's embedded DNS answers that task.
func ProbeResolve(service, name string) ([]string, error) {
	ids, err := dockerOut("ps", "-q", "--filter", "label=com.docker.swarm.service.name="+service)
	if err != nil {
		return nil, err
	}
	f := strings.Fields(ids)
	if len(f) == 0 {
		return nil, fmt.Errorf("no running container for service %s", service)
	}
	out, err := docker(nil, "exec", f[0], "/probe", "resolve", name)
	if err != nil {
		return nil, fmt.Errorf("%s cannot resolve %s: %v: %s", service, name, err, strings.TrimSpace(out))
	}
	return strings.Fields(out), nil
}

// LogMark is a position in the daemon log; see DaemonLog.
type LogMark int64

// daemonLogPath is where this machine's dockerd writes its log. Override it
// with SWARMLINT_DOCKERD_LOG. Reading it is optional evidence: errors that
// SwarmKit only logs (allocation failures) are recorded when it is readable.
func daemonLogPath() string {
	if p := os.Getenv("SWARMLINT_DOCKERD_LOG"); p != "" {
		return p
	}
	return "/var/log/dockerd.log"
}

// MarkDaemonLog returns the current end of the daemon log, or -1 when the
// log is not readable.
func MarkDaemonLog() LogMark {
	fi, err := os.Stat(daemonLogPath())
	if err != nil {
		return -1
	}
	return LogMark(fi.Size())
}

// DaemonLog returns the "error" fields of daemon log lines written after mark
// that contain every one of the substrings, without duplicates. It returns
// nil when the log is not readable.
func DaemonLog(mark LogMark, substrings ...string) []string {
	if mark < 0 {
		return nil
	}
	f, err := os.Open(daemonLogPath())
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(int64(mark), io.SeekStart); err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		ok := true
		for _, s := range substrings {
			if !strings.Contains(line, s) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		msg := logField(line, "msg") + ": " + logField(line, "error")
		if !seen[msg] {
			seen[msg] = true
			out = append(out, msg)
		}
	}
	return out
}

// logField extracts key="..." (logrus text format) from a log line.
func logField(line, key string) string {
	i := strings.Index(line, " "+key+"=\"")
	if i < 0 {
		return ""
	}
	rest := line[i+len(key)+3:]
	var b strings.Builder
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			if j+1 < len(rest) {
				j++
				b.WriteByte(rest[j])
			}
		case '"':
			return b.String()
		default:
			b.WriteByte(rest[j])
		}
	}
	return b.String()
}

// PrepareNoSwarm makes sure the node is in no swarm before an experiment
// that runs `docker swarm init` itself (a bootstrap script): a swarm left
// by the harness is left, any other swarm skips the test, exactly as before
// InitSwarm. Call AdoptSwarm after the experiment.
func PrepareNoSwarm(t testing.TB) {
	t.Helper()
	RequireEngine(t)
	prepareSwarm(t)
}

// AdoptSwarm takes over whatever swarm state an experiment left after
// PrepareNoSwarm (a swarm a script initialised, or a join still pending):
// it labels an active node as the harness's and registers LeaveSwarm as
// cleanup of t. It returns the node's swarm state.
func AdoptSwarm(t testing.TB) string {
	t.Helper()
	nodeState, nodeID, err := swarmState()
	if err != nil {
		t.Errorf("reading swarm state: %v", err)
	}
	if nodeState == "inactive" {
		return nodeState
	}
	t.Cleanup(func() { LeaveSwarm(t) })
	if nodeState == "active" && nodeID != "" {
		if lo, lerr := labelNode(nodeID); lerr != nil {
			t.Logf("labelling node: %v\n%s", lerr, lo)
		}
	}
	state.Lock()
	state.swarm = &Swarm{NodeID: nodeID, Dummy: state.dummy}
	state.Unlock()
	return nodeState
}

// Advertise returns the address the harness advertises on this engine
// (127.0.0.1 unless the engine refused loopback earlier or
// SWARMLINT_ADVERTISE=dummy), setting up the fallback interface if needed.
func Advertise(t testing.TB) string {
	t.Helper()
	state.Lock()
	addr, fallback := state.advertise, state.fallback
	state.Unlock()
	if addr != "" {
		return addr
	}
	if fallback || os.Getenv("SWARMLINT_ADVERTISE") == "dummy" {
		return setupDummy(t)
	}
	return "127.0.0.1"
}

// Docker runs one docker command with the harness's timeout and returns
// stdout and stderr interleaved, as a user sees them.
func Docker(args ...string) (string, error) { return docker(nil, args...) }

// DockerOut runs one docker command and returns its stdout; stderr goes
// into the error.
func DockerOut(args ...string) (string, error) { return dockerOut(args...) }
