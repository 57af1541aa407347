package rules

import (
	"bytes"
	"crypto/sha256"
	_ "embed" // the compiled-policy snapshot
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/version"
)

// The built-in policies are compiled once, by `go generate ./rules`, and
// the result is embedded: compiled_policies.bin holds the compiled
// modules (snapcodec.go) and the catalog. At run time the engine decodes
// them and runs only the compiler stages that build the structures
// evaluation reads (module and rule trees, rule and comprehension
// indices) instead of parsing and compiling every policy file on every
// run (docs/performance.md).
//
// The snapshot is used only when the digest stored in it equals the
// digest of what this binary would compile: the policy sources, OPA's
// version, the sandbox's capabilities and the compiler settings. Anything
// else (a policy edited without `go generate`, another OPA version) falls
// back to a full compile, as do custom policies and --debug (print
// statements are erased from the snapshot). Feeding compiled modules back
// to OPA's compiler with stages skipped is not something OPA documents, so
// snapshot_test.go regenerates the snapshot and compares bytes, checks
// that the decoded modules equal freshly compiled ones, locations
// included, and the fixture, corpus and docker/cli oracle suites run with
// the snapshot active.

//go:generate go run ./internal/snapgen compiled_policies.bin

//go:embed compiled_policies.bin
var compiledPolicies []byte

// SnapshotFile is the snapshot's file name in the rules package.
const SnapshotFile = "compiled_policies.bin"

// runtimeStages are the compiler stages that build what evaluation reads:
// the module and rule trees and the rule and comprehension indices. Every
// other stage rewrites modules (done before the snapshot was written) or
// only looks for mistakes (the snapshot was compiled with every check).
// Two structures that OPA builds for its own later stages are left out:
// the generator of local variable names (InitLocalVarGen), used only by
// the rewriting stages (a query is compiled with a generator of its own),
// and the rule dependency graph (SetGraph), used by the recursion and
// type checks and, for a query, only to type `with` modifiers, which the
// engine's queries do not have.
var runtimeStages = map[ast.StageID]bool{
	ast.StageSetModuleTree:             true,
	ast.StageSetRuleTree:               true,
	ast.StageBuildRuleIndices:          true,
	ast.StageBuildComprehensionIndices: true,
}

// compilerSettings names the settings of NewCompiler(false), part of the
// digest: a change there must invalidate the snapshot.
const compilerSettings = "strict=true print=false typecheck-annotations=true default=v1"

// PolicyDigest is the digest of what a compile of the built-in policies
// depends on: the snapshot format, OPA's version, the capabilities (the
// names of the built-in functions the sandbox keeps, OPA's language
// features and allowed hosts: a built-in's signature comes with OPA's
// version), the compiler settings and the sources (non-test files, in
// the order given).
func PolicyDigest(srcs []Module) string {
	h := sha256.New()
	var n []byte
	field := func(s string) {
		n = binary.AppendUvarint(n[:0], uint64(len(s)))
		h.Write(n)
		io.WriteString(h, s)
	}
	field(snapFormat)
	field(version.Version)
	caps := Capabilities()
	field("builtins")
	for _, b := range caps.Builtins {
		field(b.Name)
	}
	field("features")
	for _, f := range caps.Features {
		field(f)
	}
	field("future keywords")
	for _, k := range caps.FutureKeywords {
		field(k)
	}
	field("allow_net")
	for _, a := range caps.AllowNet {
		field(a)
	}
	field(compilerSettings)
	for _, s := range srcs {
		field(s.File)
		n = binary.AppendUvarint(n[:0], uint64(len(s.Source)))
		h.Write(n)
		h.Write(s.Source)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// builtinRuleSources are the built-in policies that are compiled for
// linting: every embedded file except the tests.
func builtinRuleSources() ([]Module, error) {
	srcs, err := BuiltinModules()
	if err != nil {
		return nil, err
	}
	out := srcs[:0]
	for _, s := range srcs {
		if !IsTestFile(s.File) {
			out = append(out, s)
		}
	}
	return out, nil
}

// BuildSnapshot compiles the built-in policies with every compiler stage
// and writes the snapshot (what `go generate ./rules` runs).
func BuildSnapshot(w io.Writer) error {
	srcs, err := builtinRuleSources()
	if err != nil {
		return err
	}
	digest := PolicyDigest(srcs)
	c, err := compileFull(srcs, false)
	if err != nil {
		return err
	}
	cat, err := json.Marshal(c.catalog)
	if err != nil {
		return err
	}
	mods, err := encodeModules(c.comp.Modules, c.comp.RewrittenVars, sourceMap(srcs))
	if err != nil {
		return err
	}
	var out []byte
	out = append(out, snapFormat+"\n"+digest+"\n"...)
	out = binary.AppendUvarint(out, uint64(len(cat)))
	out = append(out, cat...)
	out = append(out, mods...)
	_, err = w.Write(out)
	return err
}

func sourceMap(srcs []Module) map[string][]byte {
	m := make(map[string][]byte, len(srcs))
	for _, s := range srcs {
		m[s.File] = s.Source
	}
	return m
}

// errSnapshotStale says the snapshot was built from other sources, another
// OPA version or other capabilities: `go generate ./rules` rebuilds it.
var errSnapshotStale = errors.New("the compiled-policy snapshot is stale (run go generate ./rules)")

// compiled is a compiler with the catalog of its rules.
type compiled struct {
	comp    *ast.Compiler
	catalog []Rule
	byPkg   map[string]*Rule
	mods    map[string]*ast.Module // as parsed (nil from the snapshot)
}

// fromSnapshot builds the compiler of the built-in policies srcs from
// snap, or says why it cannot (errSnapshotStale, a corrupt snapshot).
func fromSnapshot(snap []byte, srcs []Module) (c *compiled, err error) {
	defer func() {
		// The snapshot is part of the binary, but a compile is always a
		// way out: never fail a run for it.
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("%w: %v", errSnapCorrupt, r)
		}
	}()
	header, rest, ok := cutLine(snap)
	if !ok || string(header) != snapFormat {
		return nil, errSnapshotStale
	}
	stored, rest, ok := cutLine(rest)
	if !ok {
		return nil, errSnapCorrupt
	}
	if string(stored) != PolicyDigest(srcs) {
		return nil, errSnapshotStale
	}
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)-k) {
		return nil, errSnapCorrupt
	}
	var cat []Rule
	if err := json.Unmarshal(rest[k:k+int(n)], &cat); err != nil {
		return nil, fmt.Errorf("%w: %v", errSnapCorrupt, err)
	}
	mods, rewritten, err := decodeModules(rest[k+int(n):], sourceMap(srcs))
	if err != nil {
		return nil, err
	}
	var skip []ast.StageID
	for _, s := range ast.AllStages() {
		if !runtimeStages[s] {
			skip = append(skip, s)
		}
	}
	comp := NewCompiler(false).WithSkipStages(skip...)
	comp.Compile(mods)
	if comp.Failed() {
		return nil, PolicyError{Errors: comp.Errors}
	}
	for k, v := range rewritten {
		comp.RewrittenVars[k] = v
	}
	byPkg := make(map[string]*Rule, len(cat))
	for i := range cat {
		byPkg[cat[i].Package] = &cat[i]
	}
	return &compiled{comp: comp, catalog: cat, byPkg: byPkg}, nil
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}
