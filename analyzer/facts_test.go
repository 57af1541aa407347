package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// loadAddressingStack builds the model of one stack file named "app" with settings.
func loadAddressingStack(t *testing.T, yml string, s Settings) *Model {
	t.Helper()
	file := filepath.Join(t.TempDir(), "stack.yml")
	if err := os.WriteFile(file, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "app", Files: []string{file}}}, Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	return a.Model
}

func subnetOf(t *testing.T, m *Model, id string) string {
	t.Helper()
	n := m.Networks[id]
	if n == nil {
		t.Fatalf("no network %q (have %v)", id, sortedKeys(m.Networks))
	}
	return n.Subnet
}

// loadFiles writes the files to a temp dir and loads them as one stack.
func loadFiles(t *testing.T, env map[string]string, files ...[2]string) *Analysis {
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
	a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "ledger", Files: paths}}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func loadText(t *testing.T, text string, env map[string]string) *Model {
	t.Helper()
	file := filepath.Join(t.TempDir(), "stack.yml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "s", Files: []string{file}}}, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	return a.Model
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
