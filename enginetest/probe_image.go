package enginetest

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

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

// Interface is one network interface seen inside a probe container.
type Interface struct {
	Name  string   `json:"name"`
	MTU   int      `json:"mtu"`
	Addrs []string `json:"addrs"`
}

// ProbeInterfaces lists the interfaces inside a running task container of
// service (one built from the probe image), via `docker exec ... /probe ifaces`.
func ProbeInterfaces(service string) ([]Interface, error) {
	id, err := taskContainer(service)
	if err != nil {
		return nil, err
	}
	out, err := dockerOut("exec", id, "/probe", "ifaces")
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
	id, err := taskContainer(service)
	if err != nil {
		return nil, err
	}
	out, err := docker(nil, "exec", id, "/probe", "resolve", name)
	if err != nil {
		return nil, fmt.Errorf("%s cannot resolve %s: %v: %s", service, name, err, strings.TrimSpace(out))
	}
	return strings.Fields(out), nil
}

// taskContainer is the id of a running task container of service.
func taskContainer(service string) (string, error) {
	ids, err := dockerOut("ps", "-q", "--filter", "label=com.docker.swarm.service.name="+service)
	if err != nil {
		return "", err
	}
	f := strings.Fields(ids)
	if len(f) == 0 {
		return "", fmt.Errorf("no running container for service %s", service)
	}
	return f[0], nil
}
