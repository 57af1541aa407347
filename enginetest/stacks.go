package enginetest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

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
