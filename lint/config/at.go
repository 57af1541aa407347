package config

import (
	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"go.yaml.in/yaml/v4"
)

// InitAt returns where the configuration's swarm.init value is.
func InitAt(cfg *Config) *analyzer.TextAt {
	if cfg == nil || cfg.Swarm.Init == "" {
		return nil
	}
	return ValueAt(cfg, "swarm", "init")
}

// SwarmInitAt returns where swarms[i].swarm.init is.
func SwarmInitAt(cfg *Config, i int) *analyzer.TextAt {
	if cfg == nil || i < 0 || i >= len(cfg.Swarms) || cfg.Swarms[i].Swarm.Init == "" {
		return nil
	}
	return ValueAt(cfg, "swarms", i, "swarm", "init")
}

// ValueAt returns where a string value of the configuration is (nil
// when it is not a scalar there).
func ValueAt(cfg *Config, path ...any) *analyzer.TextAt {
	if cfg == nil || cfg.File == "" {
		return nil
	}
	src, err := analyzer.ReadInput(cfg.File, safeio.MaxConfigSize)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil {
		return nil
	}
	v := analyzer.NewDoc(cfg.File, src, &doc).Value(path)
	if v == nil {
		return nil
	}
	at := &analyzer.TextAt{File: cfg.File, Line: v.Line, Col: v.Column}
	switch {
	case v.Style == 0 || v.Style&yaml.TaggedStyle != 0 && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0:
		at.Exact = true
	case v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		at.Col++ // after the opening quote
		raw := []rune(lineOf(src, v.Line))
		// exact only when the value is the literal text between the quotes
		start := v.Column
		at.Exact = start+len([]rune(v.Value)) <= len(raw) && string(raw[start:start+len([]rune(v.Value))]) == v.Value
	}
	return at
}

// lineOf is line n (1-based) of src as the YAML parser counts lines.
func lineOf(src []byte, n int) string {
	lines := analyzer.SplitLines(string(src))
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}
