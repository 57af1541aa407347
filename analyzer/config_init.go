package analyzer

import (
	"github.com/swarmlint/swarmlint/analyzer/script"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"go.yaml.in/yaml/v4"
)

// TextAt says where a command line given inside another file starts: the
// `swarm.init` value of .swarmlint.yaml. Exact is false when the value is
// written so that its characters do not map one to one onto the file
// (block scalars, escapes); every position then points at the value.
type TextAt struct {
	File  string
	Line  int
	Col   int
	Exact bool
}

// ConfigInitAt returns where the configuration's swarm.init value is.
func ConfigInitAt(cfg *Config) *TextAt {
	if cfg == nil || cfg.Swarm.Init == "" {
		return nil
	}
	return ConfigValueAt(cfg, "swarm", "init")
}

// ConfigSwarmInitAt returns where swarms[i].swarm.init is.
func ConfigSwarmInitAt(cfg *Config, i int) *TextAt {
	if cfg == nil || i < 0 || i >= len(cfg.Swarms) || cfg.Swarms[i].Swarm.Init == "" {
		return nil
	}
	return ConfigValueAt(cfg, "swarms", i, "swarm", "init")
}

// ConfigValueAt returns where a string value of the configuration is (nil
// when it is not a scalar there).
func ConfigValueAt(cfg *Config, path ...any) *TextAt {
	if cfg == nil || cfg.File == "" {
		return nil
	}
	src, err := ReadInput(cfg.File, safeio.MaxConfigSize)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil {
		return nil
	}
	m := NewDoc(cfg.File, src, &doc).resolve(path)
	if m.depth != len(path) || m.value == nil {
		return nil
	}
	v := m.value
	at := &TextAt{File: cfg.File, Line: v.Line, Col: v.Column}
	switch {
	case v.Style == 0 || v.Style&yaml.TaggedStyle != 0 && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0:
		at.Exact = true
	case v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		at.Col++ // after the opening quote
		raw := []rune(NewDoc(cfg.File, src, &doc).line(v.Line))
		// exact only when the value is the literal text between the quotes
		start := v.Column
		at.Exact = start+len([]rune(v.Value)) <= len(raw) && string(raw[start:start+len([]rune(v.Value))]) == v.Value
	}
	return at
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
