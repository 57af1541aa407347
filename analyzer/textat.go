package analyzer

import (
	"github.com/swarmlint/swarmlint/analyzer/script"
)

// TextAt says where a command line given inside another file starts: the
// `swarm.init` value of .swarmlint.yaml (lint/config finds it). Exact is false when the value is
// written so that its characters do not map one to one onto the file
// (block scalars, escapes); every position then points at the value.
type TextAt struct {
	File  string
	Line  int
	Col   int
	Exact bool
}

// shiftCommand moves the regions of a command parsed from a string to
// where that string is in its file.
func shiftCommand(c *script.Command, at *TextAt) {
	shift := func(r *script.Region) {
		if r.Line == 0 {
			return
		}
		if !at.Exact || r.Line != 1 || r.EndLine != 1 {
			*r = script.Region{Line: at.Line, Col: at.Col, EndLine: at.Line, EndCol: at.Col + 1}
			return
		}
		r.Line, r.EndLine = at.Line, at.Line
		r.Col += at.Col - 1
		r.EndCol += at.Col - 1
	}
	shift(&c.Pos)
	for i := range c.Flags {
		shift(&c.Flags[i].Pos)
		shift(&c.Flags[i].Value.Pos)
	}
	for i := range c.Global {
		shift(&c.Global[i].Pos)
		shift(&c.Global[i].Value.Pos)
	}
	for i := range c.Args {
		shift(&c.Args[i].Word.Pos)
	}
}
