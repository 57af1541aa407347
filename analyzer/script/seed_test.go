package script

import (
	"reflect"
	"testing"
)

// seedScript is the seed's bootstrap procedure, one command per line.
const seedScript = `docker network create --subnet 10.11.0.0/16 --opt com.docker.network.bridge.name=docker_gwbridge --opt com.docker.network.bridge.enable_icc=false --opt com.docker.network.bridge.enable_ip_masquerade=true docker_gwbridge
docker swarm init --default-addr-pool 10.20.0.0/16 --default-addr-pool-mask-length 26
docker network rm ingress
docker network create --driver overlay --ingress --subnet=10.11.0.0/16 --gateway=10.11.0.2 --opt com.docker.network.driver.mtu=1200 my-ingress
`

// seedScriptContinued is the same procedure with line continuations.
const seedScriptContinued = `#!/bin/sh
docker network create \
  --subnet 10.11.0.0/16 \
  --opt com.docker.network.bridge.name=docker_gwbridge \
  --opt com.docker.network.bridge.enable_icc=false \
  --opt com.docker.network.bridge.enable_ip_masquerade=true \
  docker_gwbridge
docker swarm init \
	--default-addr-pool 10.20.0.0/16 \
	--default-addr-pool-mask-length 26
docker network rm \
  ingress
docker network create --driver overlay --ingress \
  --subnet=10.11.0.0/16 --gateway=10.11.0.2 \
  --opt com.docker.network.driver.mtu=1200 my-ingress
`

// rg builds a Region.
func rg(line, col, endLine, endCol int) Region {
	return Region{Line: line, Col: col, EndLine: endLine, EndCol: endCol}
}

// kw is a known word.
func kw(text string, r Region) Word { return Word{Text: text, Known: true, Pos: r} }

// valueFlag is a known flag with a known value.
func valueFlag(name, spelling string, pos Region, value string, vpos Region) Flag {
	return Flag{Name: name, Spelling: spelling, Value: kw(value, vpos), HasValue: true, Pos: pos}
}

// boolFlag is a known boolean flag without a value.
func boolFlag(name, spelling string, pos Region) Flag {
	return Flag{Name: name, Spelling: spelling, Pos: pos}
}

type wantCommand struct {
	kind        string
	pos         Region
	flags       []Flag
	positionals []Word
}

func checkCommands(t *testing.T, got []Command, want []wantCommand) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d commands, want %d:\n%s", len(got), len(want), renderAll(got))
	}
	for i, w := range want {
		c := got[i]
		if c.Kind != w.kind || c.Index != i || c.Pos != w.pos {
			t.Errorf("command %d: got %q index %d at %v, want %q index %d at %v", i, c.Kind, c.Index, c.Pos, w.kind, i, w.pos)
		}
		if c.Dynamic || c.Func != "" || len(c.Global) != 0 {
			t.Errorf("command %d: unexpected Dynamic=%v Func=%q Global=%v", i, c.Dynamic, c.Func, c.Global)
		}
		if len(c.Flags) != len(w.flags) {
			t.Errorf("command %d: got %d flags, want %d: %+v", i, len(c.Flags), len(w.flags), c.Flags)
			continue
		}
		for j := range w.flags {
			if !reflect.DeepEqual(c.Flags[j], w.flags[j]) {
				t.Errorf("command %d flag %d:\n got %+v\nwant %+v", i, j, c.Flags[j], w.flags[j])
			}
		}
		if got := c.Positionals(); !reflect.DeepEqual(got, w.positionals) {
			t.Errorf("command %d positionals:\n got %+v\nwant %+v", i, got, w.positionals)
		}
	}
}

func TestSeedScript(t *testing.T) {
	s, err := Parse("bootstrap.sh", []byte(seedScript))
	if err != nil {
		t.Fatal(err)
	}
	if s.File != "bootstrap.sh" {
		t.Errorf("File = %q", s.File)
	}
	checkCommands(t, s.Commands, []wantCommand{
		{
			kind: KindNetworkCreate,
			pos:  rg(1, 1, 1, 220),
			flags: []Flag{
				valueFlag("subnet", "--subnet", rg(1, 23, 1, 31), "10.11.0.0/16", rg(1, 32, 1, 44)),
				valueFlag("opt", "--opt", rg(1, 45, 1, 50), "com.docker.network.bridge.name=docker_gwbridge", rg(1, 51, 1, 97)),
				valueFlag("opt", "--opt", rg(1, 98, 1, 103), "com.docker.network.bridge.enable_icc=false", rg(1, 104, 1, 146)),
				valueFlag("opt", "--opt", rg(1, 147, 1, 152), "com.docker.network.bridge.enable_ip_masquerade=true", rg(1, 153, 1, 204)),
			},
			positionals: []Word{kw("docker_gwbridge", rg(1, 205, 1, 220))},
		},
		{
			kind: KindSwarmInit,
			pos:  rg(2, 1, 2, 86),
			flags: []Flag{
				valueFlag("default-addr-pool", "--default-addr-pool", rg(2, 19, 2, 38), "10.20.0.0/16", rg(2, 39, 2, 51)),
				valueFlag("default-addr-pool-mask-length", "--default-addr-pool-mask-length", rg(2, 52, 2, 83), "26", rg(2, 84, 2, 86)),
			},
		},
		{
			kind:        KindNetworkRm,
			pos:         rg(3, 1, 3, 26),
			positionals: []Word{kw("ingress", rg(3, 19, 3, 26))},
		},
		{
			kind: KindNetworkCreate,
			pos:  rg(4, 1, 4, 143),
			flags: []Flag{
				valueFlag("driver", "--driver", rg(4, 23, 4, 31), "overlay", rg(4, 32, 4, 39)),
				boolFlag("ingress", "--ingress", rg(4, 40, 4, 49)),
				valueFlag("subnet", "--subnet", rg(4, 50, 4, 71), "10.11.0.0/16", rg(4, 59, 4, 71)),
				valueFlag("gateway", "--gateway", rg(4, 72, 4, 91), "10.11.0.2", rg(4, 82, 4, 91)),
				valueFlag("opt", "--opt", rg(4, 92, 4, 97), "com.docker.network.driver.mtu=1200", rg(4, 98, 4, 132)),
			},
			positionals: []Word{kw("my-ingress", rg(4, 133, 4, 143))},
		},
	})

	// The Args list keeps every word in order, classified.
	c := s.Commands[3]
	var kinds []ArgKind
	for _, a := range c.Args {
		kinds = append(kinds, a.Kind)
	}
	wantKinds := []ArgKind{ArgFlag, ArgFlagValue, ArgFlag, ArgFlag, ArgFlag, ArgFlag, ArgFlagValue, ArgPositional}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("arg kinds = %v, want %v", kinds, wantKinds)
	}
	wantFlagIdx := []int{0, 0, 1, 2, 3, 4, 4, -1}
	for i, a := range c.Args {
		if a.Flag != wantFlagIdx[i] {
			t.Errorf("arg %d (%q) Flag = %d, want %d", i, a.Text, a.Flag, wantFlagIdx[i])
		}
	}
	if a := c.Args[3]; a.Text != "--subnet=10.11.0.0/16" || a.Pos != rg(4, 50, 4, 71) {
		t.Errorf("arg 3 = %+v", a)
	}

	// Convenience accessors on the seed's commands.
	if f, ok := s.Commands[1].Flag("default-addr-pool-mask-length"); !ok || f.Value.Text != "26" {
		t.Errorf("Flag(mask) = %+v, %v", f, ok)
	}
	if opts := s.Commands[0].All("opt"); len(opts) != 3 || opts[2].Value.Text != "com.docker.network.bridge.enable_ip_masquerade=true" {
		t.Errorf("All(opt) = %+v", opts)
	}
	if _, ok := s.Commands[2].Flag("force"); ok {
		t.Error("network rm has no --force here")
	}
}

func TestSeedScriptContinued(t *testing.T) {
	s, err := Parse("bootstrap.sh", []byte(seedScriptContinued))
	if err != nil {
		t.Fatal(err)
	}
	checkCommands(t, s.Commands, []wantCommand{
		{
			kind: KindNetworkCreate,
			pos:  rg(2, 1, 7, 18),
			flags: []Flag{
				valueFlag("subnet", "--subnet", rg(3, 3, 3, 11), "10.11.0.0/16", rg(3, 12, 3, 24)),
				valueFlag("opt", "--opt", rg(4, 3, 4, 8), "com.docker.network.bridge.name=docker_gwbridge", rg(4, 9, 4, 55)),
				valueFlag("opt", "--opt", rg(5, 3, 5, 8), "com.docker.network.bridge.enable_icc=false", rg(5, 9, 5, 51)),
				valueFlag("opt", "--opt", rg(6, 3, 6, 8), "com.docker.network.bridge.enable_ip_masquerade=true", rg(6, 9, 6, 60)),
			},
			positionals: []Word{kw("docker_gwbridge", rg(7, 3, 7, 18))},
		},
		{
			kind: KindSwarmInit,
			pos:  rg(8, 1, 10, 36),
			flags: []Flag{
				// Tabs count as one column.
				valueFlag("default-addr-pool", "--default-addr-pool", rg(9, 2, 9, 21), "10.20.0.0/16", rg(9, 22, 9, 34)),
				valueFlag("default-addr-pool-mask-length", "--default-addr-pool-mask-length", rg(10, 2, 10, 33), "26", rg(10, 34, 10, 36)),
			},
		},
		{
			kind:        KindNetworkRm,
			pos:         rg(11, 1, 12, 10),
			positionals: []Word{kw("ingress", rg(12, 3, 12, 10))},
		},
		{
			kind: KindNetworkCreate,
			pos:  rg(13, 1, 15, 54),
			flags: []Flag{
				valueFlag("driver", "--driver", rg(13, 23, 13, 31), "overlay", rg(13, 32, 13, 39)),
				boolFlag("ingress", "--ingress", rg(13, 40, 13, 49)),
				valueFlag("subnet", "--subnet", rg(14, 3, 14, 24), "10.11.0.0/16", rg(14, 12, 14, 24)),
				valueFlag("gateway", "--gateway", rg(14, 25, 14, 44), "10.11.0.2", rg(14, 35, 14, 44)),
				valueFlag("opt", "--opt", rg(15, 3, 15, 8), "com.docker.network.driver.mtu=1200", rg(15, 9, 15, 43)),
			},
			positionals: []Word{kw("my-ingress", rg(15, 44, 15, 54))},
		},
	})
}

// A line continuation inside a word is removed from the text; the region
// spans both lines.
func TestContinuationInsideWord(t *testing.T) {
	src := "docker network create --gate\\\nway=10.11.0.2 --sub\\\nnet 10.11.0.0/16 n\\\net\n"
	s, err := Parse("x.sh", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkCommands(t, s.Commands, []wantCommand{{
		kind: KindNetworkCreate,
		pos:  rg(1, 1, 4, 3),
		flags: []Flag{
			valueFlag("gateway", "--gateway", rg(1, 23, 2, 14), "10.11.0.2", rg(2, 5, 2, 14)),
			valueFlag("subnet", "--subnet", rg(2, 15, 3, 4), "10.11.0.0/16", rg(3, 5, 3, 17)),
		},
		positionals: []Word{kw("net", rg(3, 18, 4, 3))},
	}})
}
