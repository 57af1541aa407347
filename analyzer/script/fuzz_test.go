package script

import (
	"errors"
	"strings"
	"testing"
)

// validRegion reports whether r is a non-empty-or-empty span with 1-based
// coordinates inside a source of the given number of lines.
func validRegion(r Region, lines int) bool {
	return r.Line >= 1 && r.Col >= 1 && r.Line <= lines &&
		r.EndLine <= lines && (r.EndLine > r.Line || (r.EndLine == r.Line && r.EndCol >= r.Col))
}

// before reports whether a starts at or before b.
func before(a, b Region) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Col <= b.Col)
}

func checkCommand(t *testing.T, c *Command, lines int) {
	t.Helper()
	if !validRegion(c.Pos, lines) {
		t.Fatalf("command %q has invalid Pos %v", c.Kind, c.Pos)
	}
	known := false
	for _, group := range commands {
		for _, spec := range group {
			known = known || spec.kind == c.Kind
		}
	}
	if !known {
		t.Fatalf("unexpected kind %q", c.Kind)
	}
	for _, f := range append(append([]Flag(nil), c.Global...), c.Flags...) {
		if !validRegion(f.Pos, lines) {
			t.Fatalf("flag %q has invalid Pos %v", f.Name, f.Pos)
		}
		if f.HasValue && !validRegion(f.Value.Pos, lines) {
			t.Fatalf("flag %q value has invalid Pos %v", f.Name, f.Value.Pos)
		}
		if !f.HasValue && f.Value != (Word{}) {
			t.Fatalf("flag %q has a value without HasValue", f.Name)
		}
	}
	for _, a := range c.Args {
		if !validRegion(a.Pos, lines) || !before(c.Pos, a.Pos) {
			t.Fatalf("arg %q has invalid Pos %v (command %v)", a.Text, a.Pos, c.Pos)
		}
		switch a.Kind {
		case ArgFlag, ArgFlagValue:
			if a.Flag < 0 || a.Flag >= len(c.Flags) {
				t.Fatalf("arg %q points to flag %d of %d", a.Text, a.Flag, len(c.Flags))
			}
		default:
			if a.Flag != -1 {
				t.Fatalf("arg %q of kind %d has Flag %d", a.Text, a.Kind, a.Flag)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(seedScript)
	f.Add(seedScriptContinued)
	for _, tests := range [][]scriptTest{structureTests, flagTests, variableTests, quotingTests} {
		for _, tt := range tests {
			f.Add(tt.src)
		}
	}
	f.Add("docker swarm init --default-addr-pool 10.60.0.0/16 --default-addr-pool-mask-length 28")
	f.Add("docker network create \"net\n")
	f.Add("X=$'\\x41'\ndocker network rm `echo \\`x\\``\n")
	f.Fuzz(func(t *testing.T, src string) {
		lines := strings.Count(src, "\n") + 1
		s, err := Parse("fuzz.sh", []byte(src))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Col < 1 || pe.Line > lines {
				t.Fatalf("bad error %#v", err)
			}
		} else {
			for i := range s.Commands {
				if s.Commands[i].Index != i {
					t.Fatalf("command %d has Index %d", i, s.Commands[i].Index)
				}
				checkCommand(t, &s.Commands[i], lines)
			}
		}
		c, err := ParseCommandLine("fuzz", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Col < 1 || pe.Line > lines {
				t.Fatalf("bad error %#v", err)
			}
		} else {
			checkCommand(t, c, lines)
		}
		IsShellScript(src, []byte(src))
	})
}
