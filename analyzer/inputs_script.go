package analyzer

import (
	"errors"
	"strings"

	"github.com/swarmlint/swarmlint/internal/safeio"

	"github.com/swarmlint/swarmlint/analyzer/script"
)

// SwarmInitSource is the display name of the --swarm-init command line in
// findings when Options.SwarmInitName is empty.
const SwarmInitSource = "--swarm-init"

// parsedCommand is one docker command of an input, before it enters the model.
type parsedCommand struct {
	src  string // key into Model.Sources
	file string // display file for positions
	cmd  script.Command
	// flagOnly marks the --swarm-init command: it says how the swarm was
	// initialised, not when relative to the scripts' other commands.
	flagOnly bool
}

// scriptInputs are the parsed scripts, --swarm-init and daemon.json.
type scriptInputs struct {
	commands []parsedCommand
	daemon   *Doc
	// subs is Analysis.SubRegions, filled while the commands enter the model.
	subs map[string]Region
}

// loadScriptInputs reads and parses --swarm-init, the scripts and
// daemon.json. Syntax errors become *InputError with a position.
func (a *Analysis) loadScriptInputs(opts Options) (*scriptInputs, error) {
	if a.SubRegions == nil {
		a.SubRegions = map[string]Region{}
	}
	in := &scriptInputs{subs: a.SubRegions}
	// Trailing space only: positions stay relative to the text as given.
	if line := strings.TrimRight(opts.SwarmInit, " \t\r\n"); strings.TrimSpace(line) != "" {
		name := opts.SwarmInitName
		if name == "" {
			name = SwarmInitSource
		}
		if at := opts.SwarmInitAt; at != nil {
			name = at.File
		}
		cmd, err := script.ParseCommandLine(name, line)
		if err != nil {
			if at := opts.SwarmInitAt; at != nil {
				return nil, &InputError{File: at.File, Line: at.Line, Col: at.Col, Msg: "swarm.init: " + err.Error(), Err: err}
			}
			return nil, scriptError(name, err)
		}
		src := "flag:swarm-init"
		if at := opts.SwarmInitAt; at != nil {
			shiftCommand(cmd, at)
			b, err := ReadInput(at.File, safeio.MaxConfigSize)
			if err != nil {
				return nil, err
			}
			a.addFile(name, b, false)
		} else {
			a.addFile(name, []byte(line), true)
		}
		a.Model.Sources[src] = Source{Kind: "flag", Files: []string{name}}
		in.commands = append(in.commands, parsedCommand{src: src, file: name, cmd: *cmd, flagOnly: true})
	}
	for _, f := range opts.Scripts {
		src, err := opts.read(f, safeio.MaxScriptSize)
		if err != nil {
			return nil, err
		}
		s, err := script.Parse(f, src)
		if err != nil {
			return nil, scriptError(f, err)
		}
		key := "script:" + f
		if _, dup := a.Model.Sources[key]; dup {
			return nil, &InputError{File: f, Msg: "script given twice"}
		}
		a.addFile(f, src, false)
		a.Model.Sources[key] = Source{Kind: "script", Files: []string{f}}
		for _, c := range s.Commands {
			in.commands = append(in.commands, parsedCommand{src: key, file: f, cmd: c})
		}
	}
	if f := opts.DaemonJSON; f != "" {
		src, err := ReadInput(f, safeio.MaxDaemonSize)
		if err != nil {
			return nil, err
		}
		node, err := ParseYAML(f, src)
		if err != nil {
			return nil, err
		}
		d := NewDoc(f, src, node)
		key := "daemon:" + f
		a.addFile(f, src, false)
		a.Docs[key] = []*Doc{d}
		a.Model.Sources[key] = Source{Kind: "config", Files: []string{f}}
		in.daemon = d
	}
	return in, nil
}

func scriptError(file string, err error) error {
	var pe *script.ParseError
	if errors.As(err, &pe) {
		return &InputError{File: file, Line: pe.Line, Col: pe.Col, Msg: pe.Msg, Err: err}
	}
	return &InputError{File: file, Msg: err.Error(), Err: err}
}

// regionRef is an exact-region Ref into a script or command line.
func regionRef(src, file string, r script.Region, path ...any) Ref {
	return Ref{Src: src, File: file, Path: path, Line: r.Line, Col: r.Col, EndLine: r.EndLine, EndCol: r.EndCol}
}

// sub records where a key below an element's exact-region ref is in the
// script, so finding_at(element, sub) points at the flag.
func (in *scriptInputs) sub(base Ref, region Ref, path ...any) {
	if in == nil || in.subs == nil || region.Line == 0 {
		return
	}
	in.subs[base.Identity(path)] = Region{File: region.File, StartLine: region.Line, StartCol: region.Col,
		EndLine: region.EndLine, EndCol: region.EndCol}
}
