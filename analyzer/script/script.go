// Package script reads shell scripts (bootstrap scripts kept next to stack
// files) and turns the docker commands that shape swarm networking into
// facts with exact source positions: docker swarm init|join|update|leave,
// docker network create|rm, docker service create|update|rm and docker
// stack deploy.
//
// Scripts are parsed with mvdan.cc/sh (bash dialect); nothing is executed.
// Quotes are removed, and $VAR / ${VAR} are resolved only from plain
// assignments at the top level of the same script; anything else is kept
// with Known set to false rather than guessed.
package script

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Kinds of collected commands: the management command and the subcommand,
// with aliases folded ("network remove" is KindNetworkRm, "stack up" is
// KindStackDeploy).
const (
	// KindSwarmInit is docker swarm init.
	KindSwarmInit = "swarm init"
	// KindSwarmJoin is docker swarm join.
	KindSwarmJoin = "swarm join"
	// KindSwarmUpdate is docker swarm update.
	KindSwarmUpdate = "swarm update"
	// KindSwarmLeave is docker swarm leave.
	KindSwarmLeave = "swarm leave"
	// KindNetworkCreate is docker network create.
	KindNetworkCreate = "network create"
	// KindNetworkRm is docker network rm (alias remove).
	KindNetworkRm = "network rm"
	// KindServiceCreate is docker service create.
	KindServiceCreate = "service create"
	// KindServiceUpdate is docker service update.
	KindServiceUpdate = "service update"
	// KindServiceRm is docker service rm (alias remove).
	KindServiceRm = "service rm"
	// KindStackDeploy is docker stack deploy (alias up).
	KindStackDeploy = "stack deploy"
)

// Script is the result of parsing one shell script.
type Script struct {
	// File is the name given to Parse.
	File string
	// Commands are the collected docker commands in source order.
	Commands []Command
}

// Word is one shell word after quote removal and variable resolution.
type Word struct {
	// Text is the resolved text. When Known is false, the unresolved parts
	// appear as written in the source ("$POOL", "$(cat f)").
	Text string
	// Known is false when the word contains a variable, command
	// substitution or other expansion whose value the script does not
	// determine.
	Known bool
	// Pos is the word's region in the source, quotes included.
	Pos Region
}

// Flag is one flag of a command line.
type Flag struct {
	// Name is the canonical long name without dashes ("driver" for -d).
	// For an unknown shorthand it is the letter as written.
	Name string
	// Spelling is the flag as written, without its value: "-d", "--driver".
	Spelling string
	// Value is the flag's value; zero for a boolean flag given without one.
	Value Word
	// HasValue reports whether a value was given ("--attachable=false"
	// has one, "--attachable" has not; a value flag at the end of the line
	// has none either).
	HasValue bool
	// Unknown is true when the command does not define the flag. Its value
	// is then a best-effort guess: "--x=v" always has v; "--x v" takes v
	// only when v does not look like a flag and the command keeps the
	// positionals it needs.
	Unknown bool
	// Pos is the flag word, value included for "--x=v" and "-dvalue" but
	// not for "--x v" (see Value.Pos).
	Pos Region
}

// ArgKind classifies one word of a command line.
type ArgKind int

// Kinds of Arg.
const (
	// ArgPositional is an operand such as a network name or an image.
	ArgPositional ArgKind = iota
	// ArgFlag is a word holding one or more flags ("-d", "--subnet=x", "-qd").
	ArgFlag
	// ArgFlagValue is the separate value word of the flag before it.
	ArgFlagValue
	// ArgEndOfFlags is "--": every later word is positional.
	ArgEndOfFlags
)

// Arg is one word of a command line after the subcommand, in source order.
type Arg struct {
	Word
	// Kind says what the word is.
	Kind ArgKind
	// Flag is the index in Command.Flags of the flag this word holds (the
	// first one for combined shorthands) or is the value of; -1 for other
	// kinds.
	Flag int
}

// Command is one collected docker command.
type Command struct {
	// Kind is one of the Kind constants, e.g. "swarm init".
	Kind string
	// Args are the words after the management command except the
	// subcommand word itself, in source order. Words produced by splitting
	// an unquoted variable are separate Args sharing the variable's region.
	Args []Arg
	// Flags are the flags of the subcommand in source order (repeated flags
	// appear once per occurrence).
	Flags []Flag
	// Global are docker's own flags given before the management command
	// (-H, --context, ...).
	Global []Flag
	// Pos spans from the docker word (or the management command when
	// "docker" is omitted) to the end of the last argument. Wrappers such
	// as sudo, prefix assignments and redirections are not included.
	Pos Region
	// Index is the position of the command in Script.Commands.
	Index int
	// Func is the name of the innermost shell function containing the
	// command, or "" outside functions.
	Func string
	// Dynamic is true when some word of the command line is an unresolved
	// expansion that the shell may turn into zero or several words
	// (unquoted $VAR, "$@", brace expansion), so flags and positionals may
	// be misaligned. An unresolved unquoted word before docker ("$SUDO
	// docker ...") is taken for a wrapper and also sets Dynamic.
	Dynamic bool
	// Stdin is where the command reads its standard input from: "" when it
	// inherits the script's own, StdinPipe when a pipeline feeds it, or
	// StdinRedirect for `<`, `<&`, here-documents and here-strings, on the
	// command itself or on a compound command around it.
	Stdin string
	// StdinSource is, for StdinPipe, the command writing into the pipe when
	// it is one simple command whose words are all known ("echo y",
	// "yes"), and for a here-string its known text; "" otherwise.
	StdinSource string
}

// Where a command's standard input comes from (Command.Stdin).
const (
	// StdinPipe is the output of the command before it in a pipeline.
	StdinPipe = "pipe"
	// StdinRedirect is a file, a file descriptor, a here-document or a
	// here-string.
	StdinRedirect = "redirect"
)

// Flag returns the last occurrence of the flag with canonical long name
// name (leading dashes are ignored): the value pflag keeps for a
// single-valued flag. Use All for repeatable flags such as --opt.
func (c *Command) Flag(name string) (Flag, bool) {
	name = strings.TrimLeft(name, "-")
	for i := len(c.Flags) - 1; i >= 0; i-- {
		if c.Flags[i].Name == name {
			return c.Flags[i], true
		}
	}
	return Flag{}, false
}

// All returns every occurrence of the flag with canonical long name name,
// in source order (repeatable flags such as --opt or --default-addr-pool).
func (c *Command) All(name string) []Flag {
	name = strings.TrimLeft(name, "-")
	var out []Flag
	for _, f := range c.Flags {
		if f.Name == name {
			out = append(out, f)
		}
	}
	return out
}

// Positionals returns the positional arguments (network name, image and
// command, stack name, join address, ...) in source order.
func (c *Command) Positionals() []Word {
	var out []Word
	for _, a := range c.Args {
		if a.Kind == ArgPositional {
			out = append(out, a.Word)
		}
	}
	return out
}

// ParseError is a shell syntax error, or a command line that is not a
// supported docker command.
type ParseError struct {
	// File is the file name given to Parse, or the name given to
	// ParseCommandLine.
	File string
	// Line and Col locate the error, 1-based; Col counts Unicode code points.
	Line, Col int
	// Msg is the message without the position.
	Msg string
}

// Error formats the error as file:line:col: message.
func (e *ParseError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// parseShell parses src as bash and converts syntax errors to *ParseError.
func parseShell(name string, src []byte, li *lineIndex) (*syntax.File, error) {
	if off := tooDeep(src); off >= 0 {
		l, c := li.lineCol(off)
		return nil, &ParseError{File: name, Line: l, Col: c,
			Msg: fmt.Sprintf("$( … ), ( … ) or ${ … } nested more than %d levels deep: not read", MaxNesting)}
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err == nil {
		return f, nil
	}
	pe := &ParseError{File: name, Line: 1, Col: 1, Msg: err.Error()}
	var pos syntax.Pos
	var serr syntax.ParseError
	var lerr syntax.LangError
	switch {
	case errors.As(err, &serr):
		pos, pe.Msg = serr.Pos, serr.Text
	case errors.As(err, &lerr):
		pos = lerr.Pos
		lerr.Filename = ""
		pe.Msg = strings.TrimPrefix(lerr.Error(), lerr.Pos.String()+": ")
	}
	if pos.IsValid() {
		pe.Line, pe.Col = li.lineCol(int(pos.Offset()))
	}
	return nil, pe
}

// Parse parses a shell script and collects its docker commands. A syntax
// error is returned as a *ParseError.
func Parse(filename string, src []byte) (*Script, error) {
	li := newLineIndex(src)
	f, err := parseShell(filename, src, li)
	if err != nil {
		return nil, err
	}
	r := &resolver{src: src}
	buildVars(f, r)
	c := &collector{li: li, r: r}
	for _, stmt := range f.Stmts {
		off, _, ok := r.offsets(stmt)
		if !ok {
			continue
		}
		c.walk(stmt, off)
	}
	slices.SortStableFunc(c.cmds, func(a, b Command) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
	for i := range c.cmds {
		c.cmds[i].Index = i
	}
	return &Script{File: filename, Commands: c.cmds}, nil
}

// ParseCommandLine parses one docker command given as a string, such as the
// value of --swarm-init: "docker swarm init --default-addr-pool
// 10.60.0.0/16". The leading "docker" may be omitted ("swarm init ...").
// Positions are relative to line (line 1, column 1 is its first
// character); name is used as the file name in errors. Variables are
// never resolved. A syntax error, several commands, or a command that is
// not one of the supported kinds give a *ParseError.
func ParseCommandLine(name string, line string) (*Command, error) {
	src := []byte(line)
	li := newLineIndex(src)
	f, err := parseShell(name, src, li)
	if err != nil {
		return nil, err
	}
	fail := func(off int, msg string) error {
		l, c := li.lineCol(off)
		return &ParseError{File: name, Line: l, Col: c, Msg: msg}
	}
	if len(f.Stmts) != 1 {
		if len(f.Stmts) == 0 {
			return nil, fail(0, "empty command line")
		}
		off, _, _ := (&resolver{src: src}).offsets(f.Stmts[1])
		return nil, fail(off, "expected a single docker command")
	}
	r := &resolver{src: src}
	off, _, _ := r.offsets(f.Stmts[0])
	ce, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) == 0 {
		return nil, fail(off, "expected a single docker command")
	}
	c := &collector{li: li, r: r}
	cmd := c.call(ce, useCtx{stmt: off}, "", true)
	if cmd == nil {
		return nil, fail(off, "not a supported docker command (swarm init|join|update|leave, network create|rm, service create|update|rm, stack deploy)")
	}
	return cmd, nil
}

// shells are the interpreters IsShellScript accepts in a shebang.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true}

// IsShellScript reports whether a file is a shell script: its name ends in
// .sh or .bash, or its first line is a shebang naming sh, bash, dash, zsh
// or ksh, directly (#!/bin/sh) or through env (#!/usr/bin/env bash).
func IsShellScript(name string, src []byte) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".sh") || strings.HasSuffix(lower, ".bash") {
		return true
	}
	if !bytes.HasPrefix(src, []byte("#!")) {
		return false
	}
	first, _, _ := bytes.Cut(src[2:], []byte("\n"))
	fields := strings.Fields(string(first))
	if len(fields) == 0 {
		return false
	}
	prog := baseName(fields[0])
	if prog == "env" {
		prog = ""
		for _, f := range fields[1:] {
			if strings.HasPrefix(f, "-") || isAssignWord(f) {
				continue // env -S, env VAR=x
			}
			prog = baseName(f)
			break
		}
	}
	return shells[prog]
}

// baseName returns the last element of a slash-separated path.
func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// MaxNesting bounds how deeply command substitutions, subshells and
// parameter expansions may nest in a script. The shell parser and the walk
// over its tree recurse once per level: 20,000 nested $( … ) took 34 s;
// real scripts nest a few levels.
const MaxNesting = 64

// tooDeep returns the offset in src where ( or ${ nesting first passes
// MaxNesting, or -1. It skips single-quoted text, comments and escaped
// characters, and inside double quotes counts only $( and ${, so it can
// miscount only downwards (a stray ")" in a case pattern), never refuse a
// script whose real nesting is within the limit.
func tooDeep(src []byte) int {
	depth := 0
	inDbl := false
	wordStart := true
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\':
			i++
		case !inDbl && c == '\'':
			for i++; i < len(src) && src[i] != '\''; i++ {
			}
		case !inDbl && c == '#' && wordStart:
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '"':
			inDbl = !inDbl
		case c == '$' && i+1 < len(src) && (src[i+1] == '(' || src[i+1] == '{'):
			depth++
			i++
		case !inDbl && c == '(':
			depth++
		case c == ')' || c == '}':
			if depth > 0 {
				depth--
			}
		}
		if depth > MaxNesting {
			return i
		}
		if i < len(src) {
			c = src[i] // the last byte looked at (the end of a comment or quote)
		}
		wordStart = c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '(' || c == '|' || c == '&'
	}
	return -1
}
