package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// loadStack writes the files ({name, content}) to a temp dir and loads
// them, in order, as one stack with the other options of opts.
func loadStack(t *testing.T, stack string, opts Options, files ...[2]string) *Analysis {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f[0])
		if err := os.WriteFile(p, []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	opts.Stacks = []StackInput{{Name: stack, Files: paths}}
	a, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// loadAddressingStack builds the model of one stack file named "app" with settings.
func loadAddressingStack(t *testing.T, yml string, s Settings) *Model {
	t.Helper()
	return loadStack(t, "app", Options{Settings: s}, [2]string{"stack.yml", yml}).Model
}

func subnetOf(t *testing.T, m *Model, id string) string {
	t.Helper()
	n := m.Networks[id]
	if n == nil {
		t.Fatalf("no network %q (have %v)", id, sortedKeys(m.Networks))
	}
	return n.Subnet
}

// loadFiles loads the files as one stack named "ledger".
func loadFiles(t *testing.T, env map[string]string, files ...[2]string) *Analysis {
	t.Helper()
	return loadStack(t, "ledger", Options{Env: env}, files...)
}

// loadText builds the model of one stack file named "s".
func loadText(t *testing.T, text string, env map[string]string) *Model {
	t.Helper()
	return loadStack(t, "s", Options{Env: env}, [2]string{"stack.yml", text}).Model
}

const deployBase = `version: "3.8"
services:
  api:
    image: ghcr.io/acme/ledger-api:1.4.0
    networks: [backend, edge]
networks:
  backend:
    driver: overlay
    attachable: true
    driver_opts:
      encrypted: "true"
      com.docker.network.driver.mtu: "1400"
    ipam:
      config:
        - subnet: 10.80.0.0/24
  edge:
    driver_opts:
      encrypted: ""
`

// TestFactStepsOrder: every fact step runs after the steps it needs.
func TestFactStepsOrder(t *testing.T) {
	done := map[string]bool{}
	for _, s := range factSteps {
		for _, n := range s.needs {
			if !done[n] {
				t.Errorf("fact step %s needs %s, which does not run before it", s.name, n)
			}
		}
		if done[s.name] {
			t.Errorf("fact step %s listed twice", s.name)
		}
		done[s.name] = true
	}
}
