package script

import (
	"cmp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Variables are resolved conservatively: a value is known only when it
// comes from a plain assignment at the top level of the script (NAME=value,
// export NAME=value, readonly NAME=value) and nothing else can have changed
// it before the use. In detail:
//
//   - Every assignment is an event at the byte offset of the top-level
//     statement that contains it. Plain top-level assignments carry their
//     resolved value; any other modification (inside if/for/while, &&
//     chains, subshells, read, for loop variables, unset, ${V:=x},
//     arithmetic, +=, arrays) is an event with an unknown value.
//   - A use sees the last event of a statement before its own top-level
//     statement; an unknown event inside its own top-level statement makes
//     it unknown (loops may run the assignment first).
//   - A modification inside a function body can happen whenever the
//     function is called, so it makes the variable unknown everywhere.
//   - source, . and eval can set anything: at top level they hide every
//     earlier value from later statements; inside a function they make
//     every variable unknown.
//   - A use inside a function body runs when the function is called, so it
//     is known only if the variable has no event at or after the statement
//     defining the function and no source/eval follows.

// varValue is the value of a variable at some point of the script.
type varValue struct {
	text  string
	known bool
}

// varEvent is an assignment, at the offset of its top-level statement.
type varEvent struct {
	off    int
	nested bool // not a plain top-level assignment: value unknown
	val    varValue
}

// varTable holds what the script does to its variables.
type varTable struct {
	events    map[string][]varEvent
	barriers  []int // top-level statements running source, . or eval
	poisoned  map[string]bool
	poisonAll bool
	ifs       bool // IFS is assigned somewhere
}

func (t *varTable) ifsChanged() bool { return t != nil && t.ifs }

// lookup returns the value of name as seen by a word expanded in ctx.
func (t *varTable) lookup(name string, ctx useCtx) (string, bool) {
	if v, ok := ctx.local[name]; ok {
		return v.text, v.known
	}
	if t == nil || t.poisonAll || t.poisoned[name] {
		return "", false
	}
	var last *varEvent
	evs := t.events[name]
	for i := range evs {
		ev := &evs[i]
		if ctx.inFunc && ev.off >= ctx.stmt {
			return "", false
		}
		switch {
		case ev.off < ctx.stmt:
			if last == nil || ev.off > last.off || (ev.off == last.off && !ev.nested) {
				last = ev
			}
		case ev.off == ctx.stmt && ev.nested:
			return "", false
		}
	}
	if last == nil || !last.val.known {
		return "", false
	}
	for _, b := range t.barriers {
		if (b > last.off && b <= ctx.stmt) || (ctx.inFunc && b >= ctx.stmt) {
			return "", false
		}
	}
	return last.val.text, true
}

// buildVars analyses the assignments of f. It sets r.vars.
func buildVars(f *syntax.File, r *resolver) *varTable {
	t := &varTable{events: map[string][]varEvent{}, poisoned: map[string]bool{}}
	r.vars = t
	type plainStmt struct {
		off     int
		assigns []*syntax.Assign
	}
	var plains []plainStmt
	for _, stmt := range f.Stmts {
		off, _, ok := r.offsets(stmt)
		if !ok {
			continue
		}
		assigns, isPlain := plainAssigns(stmt)
		skip := map[*syntax.Assign]bool{}
		plainDecl := map[*syntax.DeclClause]bool{}
		if isPlain {
			for _, a := range assigns {
				skip[a] = true
			}
			if d, ok := stmt.Cmd.(*syntax.DeclClause); ok {
				plainDecl[d] = true
			}
			plains = append(plains, plainStmt{off, assigns})
		}
		t.scan(stmt, off, skip, plainDecl)
	}
	// Plain assignments in source order; each value can use the earlier ones.
	for _, p := range plains {
		local := map[string]varValue{}
		var order []string
		for _, a := range p.assigns {
			v := varValue{known: true}
			if a.Value != nil {
				rw := r.resolve(a.Value, useCtx{stmt: p.off, local: local, assign: true}, true)
				v = varValue{text: string(rw.text), known: rw.known(0, len(rw.text)) && len(rw.text) <= maxWordLen}
			}
			if _, seen := local[a.Name.Value]; !seen {
				order = append(order, a.Name.Value)
			}
			local[a.Name.Value] = v
			if a.Name.Value == "IFS" {
				t.ifs = true
			}
		}
		for _, name := range order {
			t.events[name] = append(t.events[name], varEvent{off: p.off, val: local[name]})
		}
	}
	for name := range t.events {
		slices.SortStableFunc(t.events[name], func(a, b varEvent) int { return cmp.Compare(a.off, b.off) })
	}
	slices.Sort(t.barriers)
	return t
}

// plainAssigns returns the assignments of a statement that only assigns
// literal-able values to plain variables at top level.
func plainAssigns(stmt *syntax.Stmt) ([]*syntax.Assign, bool) {
	if stmt.Negated || stmt.Background || stmt.Coprocess || stmt.Disown {
		return nil, false
	}
	simple := func(a *syntax.Assign) bool {
		return a.Name != nil && !a.Append && !a.Naked && a.Index == nil && a.Array == nil
	}
	switch cmd := stmt.Cmd.(type) {
	case *syntax.CallExpr:
		if len(cmd.Args) > 0 || len(cmd.Assigns) == 0 {
			return nil, false
		}
		for _, a := range cmd.Assigns {
			if !simple(a) {
				return nil, false
			}
		}
		return cmd.Assigns, true
	case *syntax.DeclClause:
		if cmd.Variant == nil {
			return nil, false
		}
		switch cmd.Variant.Value {
		case "export", "readonly", "declare", "typeset":
		default:
			return nil, false
		}
		var out []*syntax.Assign
		for _, a := range cmd.Args {
			switch {
			case a.Naked && a.Name == nil:
				// An option such as -x: only attributes that keep the
				// value as is are accepted.
				opt := ""
				if a.Value != nil {
					opt = a.Value.Lit()
				}
				if len(opt) < 2 || (opt[0] != '-' && opt[0] != '+') || strings.Trim(opt[1:], "xrg") != "" {
					return nil, false
				}
			case a.Naked:
				// export NAME: the value does not change.
			case simple(a):
				out = append(out, a)
			default:
				return nil, false
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

// scan records every modification of variables inside one top-level
// statement starting at byte offset off.
func (t *varTable) scan(stmt *syntax.Stmt, off int, skip map[*syntax.Assign]bool, plainDecl map[*syntax.DeclClause]bool) {
	depth := 0 // function bodies
	var stack []syntax.Node
	modify := func(name string) {
		if name == "" {
			return
		}
		if name == "IFS" {
			t.ifs = true
		}
		if depth > 0 {
			t.poisoned[name] = true
			return
		}
		t.events[name] = append(t.events[name], varEvent{off: off, nested: true})
	}
	barrier := func() {
		if depth > 0 {
			t.poisonAll = true
			return
		}
		t.barriers = append(t.barriers, off)
	}
	syntax.Walk(stmt, func(n syntax.Node) bool {
		if n == nil {
			if _, ok := stack[len(stack)-1].(*syntax.FuncDecl); ok {
				depth--
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *syntax.FuncDecl:
			depth++
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				// NAME=value cmd: the assignment is only for cmd.
				for _, a := range n.Assigns {
					skip[a] = true
				}
				t.scanCall(n, modify, barrier)
			}
		case *syntax.Assign:
			if !skip[n] && n.Name != nil {
				modify(n.Name.Value)
			}
		case *syntax.DeclClause:
			if plainDecl[n] {
				break
			}
			for _, a := range n.Args {
				switch {
				case a.Naked && a.Name == nil:
					if a.Value == nil || !strings.HasPrefix(a.Value.Lit(), "-") && !strings.HasPrefix(a.Value.Lit(), "+") {
						// declare "$x": could assign anything.
						t.poisonAll = true
					}
				case a.Naked:
					if n.Variant != nil && n.Variant.Value != "export" && n.Variant.Value != "readonly" {
						modify(a.Name.Value) // local NAME resets it
					}
				}
			}
		case *syntax.ForClause:
			if wi, ok := n.Loop.(*syntax.WordIter); ok && wi.Name != nil {
				modify(wi.Name.Value)
			}
		case *syntax.ParamExp:
			if n.Exp != nil && n.Param != nil &&
				(n.Exp.Op == syntax.AssignUnset || n.Exp.Op == syntax.AssignUnsetOrNull) {
				modify(n.Param.Value)
			}
		case *syntax.BinaryArithm:
			switch n.Op {
			case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn,
				syntax.RemAssgn, syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn,
				syntax.ShrAssgn, syntax.AndBoolAssgn, syntax.OrBoolAssgn, syntax.XorBoolAssgn, syntax.PowAssgn:
				modify(arithName(n.X))
			}
		case *syntax.UnaryArithm:
			if n.Op == syntax.Inc || n.Op == syntax.Dec {
				modify(arithName(n.X))
			}
		}
		return true
	})
}

// scanCall records builtins that assign variables or run unknown code.
func (t *varTable) scanCall(c *syntax.CallExpr, modify func(string), barrier func()) {
	args := c.Args
	for len(args) > 1 && (args[0].Lit() == "builtin" || args[0].Lit() == "command") {
		args = args[1:]
	}
	switch args[0].Lit() {
	case "source", ".", "eval":
		barrier()
	case "read", "mapfile", "readarray", "getopts", "unset":
		for _, a := range args[1:] {
			if isName(a.Lit()) {
				modify(a.Lit())
			}
		}
	case "printf":
		for i, a := range args[1:] {
			if a.Lit() == "-v" && i+2 < len(args) {
				modify(args[i+2].Lit())
			}
		}
	}
}

// arithName returns the variable assigned by an arithmetic expression.
func arithName(x syntax.ArithmExpr) string {
	w, ok := x.(*syntax.Word)
	if !ok || len(w.Parts) != 1 {
		return ""
	}
	switch p := w.Parts[0].(type) {
	case *syntax.Lit:
		return p.Value
	case *syntax.ParamExp:
		if p.Param != nil {
			return p.Param.Value
		}
	}
	return ""
}
