package enginetest_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/swarmlint/swarmlint/enginetest"
)

// TestFixedFixtures deploys what `swarmlint fix --unsafe` makes of every
// rule's stack fixture (its .fixed file, checked byte for byte by
// lint/fix_test.go) on the engine: Docker accepts each one, also where it
// refused the fixture (SWL101, SWL211, SWL212), and does what the fix says:
// the dnsrr service's ports are published in host mode (SWL101), the
// network is not encrypted (SWL302), the networks have the subnets the fix
// chose (SWL201, SWL211, SWL212). Fixtures of several stacks or with
// scripts (.swarm folders) are not deployed here.
func TestFixedFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: deploys the fixed fixtures on the engine (about a minute); run without -short")
	}
	fixed, err := filepath.Glob("../fixtures/SWL*/*.fixed")
	if err != nil || len(fixed) == 0 {
		t.Fatalf("no .fixed fixture files (%v)", err)
	}
	sort.Strings(fixed)
	eng := enginetest.RequireEngine(t)
	t.Logf("engine: server %s (API %s)", eng.ServerVersion, eng.APIVersion)
	enginetest.InitSwarm(t)
	enginetest.BuildProbeImage(t)
	for _, path := range fixed {
		rule := strings.SplitN(filepath.Base(filepath.Dir(path)), "-", 2)[0]
		t.Run(rule+"/"+filepath.Base(path), func(t *testing.T) {
			// one stack per file: a stack name is removed once, after its first test
			stack := "fixed" + strings.ToLower(rule) + strings.NewReplacer(".yml.fixed", "", ".yaml.fixed", "", "-", "", ".", "").Replace(filepath.Base(path))
			// docker stack deploy reads the file by its extension: a copy
			// named .yml
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(path), ".fixed"))
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			mark := enginetest.MarkDaemonLog()
			out, err := enginetest.DeployStack(t, stack, file)
			if err != nil {
				t.Fatalf("Docker refuses the fixed file: %v\n%s", err, out)
			}
			switch rule {
			case "SWL101":
				// the same file before the fix: refused
				orig := strings.TrimSuffix(path, ".fixed")
				if out, err := enginetest.DeployStack(t, stack+"orig", orig); err == nil {
					t.Errorf("Docker accepts %s before the fix:\n%s", orig, out)
				} else if !strings.Contains(out, "can't be used with dnsrr mode") {
					t.Errorf("Docker refuses %s, but not for dnsrr: %s", orig, out)
				}
				s, err := enginetest.ServiceInspect(stack + "_cache")
				if err != nil {
					t.Fatal(err)
				}
				if s.Spec.EndpointSpec == nil || len(s.Spec.EndpointSpec.Ports) == 0 {
					t.Fatalf("service %s_cache publishes no port", stack)
				}
				for _, p := range s.Spec.EndpointSpec.Ports {
					if p.PublishMode != "host" {
						t.Errorf("port %d/%s is published in %s mode, want host", p.TargetPort, p.Protocol, p.PublishMode)
					}
				}
			case "SWL302":
				for _, key := range []string{"frontend", "backend", "metrics"} {
					// a swarm network's driver and options are shown once
					// the allocator has handled it (before, both are empty
					// and the check below would pass without looking)
					var n enginetest.Network
					if pollFor(30*time.Second, func() bool {
						n, err = enginetest.NetworkInspect(stack + "_" + key)
						return err == nil && n.Driver != ""
					}) != nil {
						t.Fatalf("network %s_%s not allocated after 30 s (driver %q, %v); daemon log: %q", stack, key, n.Driver, err, enginetest.DaemonLog(mark, "Failed allocation"))
					}
					if _, enc := n.Options["encrypted"]; enc {
						t.Errorf("network %s is still encrypted: %v", n.Name, n.Options)
					}
				}
			case "SWL201", "SWL211", "SWL212":
				for _, line := range strings.Split(string(src), "\n") {
					_, rest, ok := strings.Cut(line, "- subnet: ")
					if !ok {
						continue
					}
					want := strings.Trim(strings.Fields(rest)[0], `"`)
					// SwarmKit's allocator gives a network its subnet after
					// the create call returns; while it is busy (the tasks of
					// the stack removed just before) a network can stay
					// without one for seconds.
					if pollFor(30*time.Second, func() bool { return subnetCreated(t, stack, want) }) != nil {
						t.Errorf("no network of stack %s has the subnet %s the fix chose after 30 s; %s; daemon log: %q",
							stack, want, strings.Join(stackNetworks(stack), "; "), enginetest.DaemonLog(mark, "Failed allocation"))
					}
				}
			}
		})
	}
}

// subnetCreated reports whether a network of the stack has subnet.
func subnetCreated(t *testing.T, stack, subnet string) bool {
	out, err := enginetest.DockerOut("network", "ls", "--filter", "label=com.docker.stack.namespace="+stack, "--format", "{{.Name}}")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Fields(out) {
		n, err := enginetest.NetworkInspect(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range n.IPAM.Config {
			if c.Subnet == subnet {
				return true
			}
		}
	}
	return false
}
