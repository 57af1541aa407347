package analyzer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
	"go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/internal/safeio"
)

// StackInput is one stack: files merged in order, like
// `docker stack deploy -c a.yml -c b.yml NAME`.
type StackInput struct {
	Name  string   // stack name; "" derives it from the first file's directory
	Files []string // in merge order
}

// Options configure a load.
type Options struct {
	Stacks []StackInput
	// Env is the interpolation environment (os.Environ plus --env-file).
	Env map[string]string
	// Settings are the cluster facts (node count, pools, ...).
	Settings Settings
	// Merger merges a stack's files; nil means StackDeployMerger.
	Merger Merger
	// Inventory are `docker network inspect` / `docker service inspect` JSON files.
	Inventory []string
	// Scripts are bootstrap shell scripts whose docker commands (swarm
	// init, network create|rm, service create, ...) run in the order given.
	Scripts []string
	// SwarmInit is a `docker swarm init ...` command line (--swarm-init).
	SwarmInit string
	// SwarmInitName names SwarmInit in positions (default "--swarm-init").
	SwarmInitName string
	// DaemonJSON is a daemon.json file (--daemon-json).
	DaemonJSON string
	// SwarmInitAt, when set, says SwarmInit was read from a file at that place
	// (the configuration's swarm.init), so findings point into that file.
	SwarmInitAt *TextAt
	// Live is the running swarm read with --live (nil otherwise).
	Live *LiveSwarm
	// Overlay holds the content of inputs that are not read from disk
	// (standard input), by the name they are shown with.
	Overlay map[string][]byte
}

// read reads an input: from the overlay when it holds the name, else
// from disk with ReadInput's checks.
func (o Options) read(path string, max int64) ([]byte, error) {
	if src, ok := o.Overlay[path]; ok {
		return src, nil
	}
	if len(o.Overlay) > 0 {
		abs, err := filepath.Abs(path)
		for name, src := range o.Overlay {
			if other, err2 := filepath.Abs(name); err == nil && err2 == nil && other == abs {
				return src, nil
			}
		}
	}
	return ReadInput(path, max)
}

// Settings are cluster facts the files cannot give, with documented defaults.
type Settings struct {
	NodeCount        int      // default 3
	DefaultAddrPools []string // default 10.0.0.0/8
	MaskLength       int      // default 24
	DataPathPort     int      // default 4789
	UnderlayMTU      int      // default 1500
	HostNetworks     []string // none by default
	Docker0          string   // default 172.17.0.0/16
	Gwbridge         string   // default 172.18.0.0/16
	LegacyIngress    bool
}

// Defaults fills unset settings with Docker's defaults.
func (s Settings) Defaults() Settings {
	if s.NodeCount <= 0 {
		s.NodeCount = 3
	}
	if s.MaskLength == 0 {
		s.MaskLength = 24
	}
	if s.DataPathPort == 0 {
		s.DataPathPort = 4789
	}
	if s.UnderlayMTU == 0 {
		s.UnderlayMTU = 1500
	}
	if s.Docker0 == "" {
		s.Docker0 = "172.17.0.0/16"
	}
	if s.Gwbridge == "" {
		s.Gwbridge = "172.18.0.0/16"
	}
	return s
}

// Merger loads one stack from its files. It is the seam where compose-go's
// merge and `docker stack deploy`'s merge differ (docs/swarm-behaviour.md#stack-deploy-vs-compose).
type Merger interface {
	Load(ctx context.Context, files []types.ConfigFile, env map[string]string) (*types.Project, error)
}

// ComposeMerger merges with compose-go's own override rules.
type ComposeMerger struct{}

// sourceRequiredRe matches compose-go's check that a config or secret has a
// file, environment or content. docker/cli accepts one with only `name:`
// (an object created outside the stack), so swarmlint must too.
var sourceRequiredRe = lazyre.New(`^(configs|secrets)\.[^:]+: one of [a-z|]+ must be set$`)

// Load implements Merger.
func (m ComposeMerger) Load(ctx context.Context, files []types.ConfigFile, env map[string]string) (*types.Project, error) {
	p, err := m.load(ctx, files, env, false)
	if err != nil && sourceRequiredRe().MatchString(err.Error()) {
		return m.load(ctx, withoutConfig(files), env, true)
	}
	return p, err
}

func (ComposeMerger) load(ctx context.Context, files []types.ConfigFile, env map[string]string, skipValidation bool) (*types.Project, error) {
	return loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  ".",
		ConfigFiles: files,
		Environment: types.Mapping(env),
	}, func(o *loader.Options) {
		o.SetProjectName("stack", true)
		o.SkipConsistencyCheck = true
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
		o.ResolvePaths = false
		o.SkipInclude = true
		o.SkipExtends = true
		o.Profiles = []string{"*"}
		// Interpolation matches every node against compose-go's type-cast
		// paths, a third of the load time of a large stack: skip it when no
		// file has a `$` to interpolate.
		o.SkipInterpolation = !anyDollar(files)
		o.SkipValidation = skipValidation
		// Defaults (port protocol and mode, secret targets, bind options)
		// are a tenth of the load of a large stack, and the model builder
		// applies the ones it reads itself; the other values they set never
		// reach the model, and each input they could reject is one the
		// schema refused before.
		o.SkipDefaultValues = true
		// compose-go caps the YAML nodes it visits at 100,000 (about 3,000
		// services). Every node takes at least one byte and the visits of
		// an anchor's subtree are cached, so the input size bounds the visits
		// of any document, also an alias bomb.
		o.MaxNodeVisits = max(100_000, contentSize(files)+1)
	})
}

func init() {
	logrus.SetOutput(io.Discard)
}

func contentSize(files []types.ConfigFile) int {
	n := 0
	for _, f := range files {
		n += len(f.Content)
	}
	return n
}

func anyDollar(files []types.ConfigFile) bool {
	for _, f := range files {
		if bytes.IndexByte(f.Content, '$') >= 0 {
			return true
		}
	}
	return false
}

// Analysis is a loaded model plus what is needed to locate its elements.
type Analysis struct {
	Model *Model
	// Docs are the parsed YAML documents of every source, in merge order.
	Docs map[string][]*Doc
	// Files holds the bytes of every input file by its display path.
	Files map[string][]byte
	// SubRegions locate keys below an exact-region Ref (a script command's
	// flags), by Ref.Identity(sub): what Locate's sub-path finds in scripts.
	SubRegions map[string]Region
	// Inputs are the input files in the order they were read (stack files,
	// inventory, configuration, scripts, daemon.json): where a finding
	// without a position of its own goes last (Fallback).
	Inputs []string
	// Errors are the stacks that could not be linted at all, because a file
	// could not be read (*InputError): tool errors, not findings.
	Errors []error
	// Warnings are what the run could not do and the user should know (a
	// stack that cannot be linted without a variable's value).
	Warnings []string
	// Skipped are the files left out because they are not Compose files
	// (LooksLikeCompose), in the order given.
	Skipped []string

	ports       int   // published ports of the stacks loaded so far (checkPortCount)
	attachments int   // services' networks entries so far (checkAttachments)
	fixChecked  int64 // bytes parsed to check fixes (Edits, MaxFixCheckBytes)
}

// addFile records an input file's bytes (flag is true for the text of a
// command-line flag, which is no file).
func (a *Analysis) addFile(name string, src []byte, flag bool) {
	if _, seen := a.Files[name]; !seen && !flag {
		a.Inputs = append(a.Inputs, name)
	}
	a.Files[name] = src
}

// ReadEnvFile reads a KEY=VALUE file the way compose's --env-file does.
// A syntax error names the line, never its text: an env file holds secrets.
func ReadEnvFile(path string) (map[string]string, error) {
	src, err := ReadInput(path, safeio.MaxEnvFileSize)
	if err != nil {
		return nil, err
	}
	m, err := dotenv.UnmarshalBytesWithLookup(src, nil)
	if err != nil {
		msg := "not a KEY=VALUE env file"
		if m := envLineRe().FindStringSubmatch(err.Error()); m != nil {
			return nil, &InputError{File: path, Line: atoi(m[1]), Msg: msg, Err: err}
		}
		return nil, &InputError{File: path, Msg: msg, Err: err}
	}
	for k := range m {
		if k != "" && k[0] >= '0' && k[0] <= '9' {
			delete(m, k) // as dotenv.Read does
		}
	}
	return m, nil
}

var envLineRe = lazyre.New(`line (\d+)`)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// ReadInput reads one input file with the checks every input gets: a
// regular file (a FIFO, a device or a socket is refused without blocking),
// at most limit bytes, read with the cap in force.
func ReadInput(path string, limit int64) ([]byte, error) {
	b, err := safeio.ReadFile(path, limit)
	if err == nil {
		return b, nil
	}
	var tl *safeio.TooLargeError
	switch {
	case errors.Is(err, safeio.ErrIsDir):
		return nil, &InputError{File: path, Msg: "is a directory, not a stack file", Err: err}
	case errors.As(err, &tl) && limit == MaxStackFileSize:
		return nil, &InputError{File: path, Msg: fmt.Sprintf("stack file is larger than %s (10,000 services are about 3 MiB)", safeio.Bytes(limit)), Err: err}
	}
	return nil, &InputError{File: path, Msg: safeio.Reason(err), Err: err}
}

// ParseYAML parses a stack file into nodes, insisting on a mapping at the top.
func ParseYAML(file string, src []byte) (*yaml.Node, error) {
	if strings.ContainsRune(string(src), 0) {
		line, col := 1, 1
		for _, r := range string(src) {
			if r == 0 {
				break
			}
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return nil, &InputError{File: file, Line: line, Col: col, Msg: "file contains a NUL byte: not a YAML text file"}
	}
	var doc yaml.Node
	err := yaml.Unmarshal(src, &doc)
	if err != nil {
		return nil, yamlError(file, err)
	}
	return parsedYAML(file, &doc)
}

// parsedYAML is ParseYAML after the parse: doc is what yaml.Unmarshal gave.
func parsedYAML(file string, doc *yaml.Node) (*yaml.Node, error) {
	root := deref(doc)
	if root == nil || doc.Kind == 0 {
		return nil, &InputError{File: file, Line: 1, Col: 1, Msg: "file is empty: a stack file needs a top-level mapping with services"}
	}
	if root.Kind != yaml.MappingNode {
		return nil, &InputError{File: file, Line: root.Line, Col: root.Column, Msg: fmt.Sprintf("top level is a %s, but a stack file must be a mapping (services:, networks:, ...)", kindName(root))}
	}
	return doc, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.MappingNode:
		return "mapping"
	}
	return "node"
}

var constructorAtRe = lazyre.New(`load error in constructor at L(\d+)\.C(\d+): (.*)`)

var yamlLineRe = lazyre.New(`line (\d+)(?:, column (\d+))?`)

func yamlError(file string, err error) error {
	var le *yaml.LoadErrors
	if errors.As(err, &le) && len(le.Errors) > 0 {
		e := le.Errors[0]
		msg := e.Message
		if msg == "" {
			msg = e.Error()
		}
		line, col := e.Mark.Line, e.Mark.Column
		if m := constructorAtRe().FindStringSubmatch(msg); m != nil {
			// "go-yaml load error in constructor at L1.C10: document contains excessive aliasing"
			line, _ = strconv.Atoi(m[1])
			col, _ = strconv.Atoi(m[2])
			msg = m[3]
		}
		return &InputError{File: file, Line: line, Col: col, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: "), Err: err}
	}
	var le1 *yaml.LoadError
	if errors.As(err, &le1) && le1.Mark.Line > 0 {
		return &InputError{File: file, Line: le1.Mark.Line, Col: le1.Mark.Column, Msg: "invalid YAML: " + le1.Message, Err: err}
	}
	msg := err.Error()
	line, col := 0, 0
	if m := yamlLineRe().FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		if m[2] != "" {
			fmt.Sscan(m[2], &col)
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = yamlLineRe().ReplaceAllString(msg, "")
	msg = strings.Trim(strings.TrimSpace(msg), ": ")
	if line == 0 {
		line = 1
	}
	return &InputError{File: file, Line: line, Col: col, Msg: "invalid YAML: " + msg, Err: err}
}

// StackName derives a stack name from a file's directory, normalised like
// compose project names (lower case, [a-z0-9_-]).
func StackName(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	n := loader.NormalizeProjectName(filepath.Base(filepath.Dir(abs)))
	if n == "" {
		n = "stack"
	}
	return n
}

// Load reads every stack and builds the model. A stack whose files do not
// load as `docker stack deploy` would load them is kept in the model as
// Model.LoadErrors (and left out of the rest of the model), and the other
// stacks are linted as usual; a stack file that cannot be read at all is a
// tool error in Analysis.Errors. The error returned is for inputs without
// which no model can be built (inventory, scripts, --swarm-init).
func Load(ctx context.Context, opts Options) (*Analysis, error) {
	a := &Analysis{Docs: map[string][]*Doc{}, Files: map[string][]byte{}}
	m := newModel()
	a.Model = m
	merger := opts.Merger
	if merger == nil {
		merger = StackDeployMerger{}
	}
	env := opts.Env
	if env == nil {
		env = map[string]string{}
	}
	var stacks []*stackData
	names, err := stackNames(opts.Stacks)
	if err != nil {
		return nil, err
	}
	for i, si := range opts.Stacks {
		sd, err := a.loadStack(ctx, si, names[i], merger, env, opts.read)
		if err != nil {
			a.Errors = append(a.Errors, err)
			continue
		}
		if sd != nil {
			stacks = append(stacks, sd)
		}
	}
	var invs []*inventoryDoc
	for _, f := range opts.Inventory {
		inv, err := a.readInventory(f)
		if err != nil {
			return nil, err
		}
		invs = append(invs, inv)
	}
	scripts, err := a.loadScriptInputs(opts)
	if err != nil {
		return nil, err
	}
	settings := opts.Settings
	if opts.Live != nil {
		settings = opts.Live.applyLive(settings)
		inv, err := a.liveInventory(opts.Live)
		if err != nil {
			return nil, err
		}
		invs = append(invs, inv)
	}
	b := &builder{m: m, settings: settings.Defaults(), env: env}
	b.swarm()
	for _, inv := range invs {
		b.inventory(inv)
	}
	var kept map[string][]Subnet
	if opts.Live != nil {
		m.Swarm.Live = &LiveEngine{Engine: opts.Live.Engine, Nodes: append([]Node{}, opts.Live.Nodes...)}
	}
	if len(invs) > 0 {
		kept = b.previousVersions(stacks)
	}
	for _, sd := range stacks {
		if sd.project == nil {
			m.LoadErrors = append(m.LoadErrors, sd.loadErrors...)
			if len(sd.loadErrors) == 0 {
				// It loads only with values for its required variables:
				// those are still reported (SWL019).
				b.stackVariables(sd)
			}
			continue
		}
		b.stack(sd)
	}
	b.adoptPrevious(kept)
	b.scriptInputs(scripts)
	b.joinExternalNetworks()
	if err := a.checkModelSize(); err != nil {
		return nil, err
	}
	b.facts()
	return a, nil
}

// newModel returns an empty model.
func newModel() *Model {
	return &Model{
		SchemaVersion: SchemaVersion,
		Sources:       map[string]Source{},
		Stacks:        map[string]*Stack{},
		Networks:      map[string]*Network{},
		Services:      map[string]*Service{},
		Variables:     []Variable{},
		Keys:          []KeyUse{},
		LoadErrors:    []LoadError{},
	}
}

type stackData struct {
	name    string
	src     string
	files   []string
	docs    []*Doc
	project *types.Project
	version string
	// badPorts are ports items that do not parse (removed before loading).
	badPorts []badPort
	env      map[string]string
	// loadErrors say why the stack does not load (project is nil then).
	loadErrors []LoadError
	// text holds every file's decoded text, also of files that do not parse.
	text map[string][]byte
	// unknown are the variables linted without a value (name → the value
	// the loader was given in their place).
	unknown map[string]string
}

// stackNames names every stack: the given name, or one derived from the
// first file's directory (StackName). A derived name that another stack of
// the swarm also has becomes directory_file for every stack that has it, so
// no name depends on the order of the stacks; names still equal after that
// (one file path written two ways) are numbered in path order.
func stackNames(stacks []StackInput) ([]string, error) {
	names := make([]string, len(stacks))
	count := map[string]int{}
	for i, si := range stacks {
		if len(si.Files) == 0 {
			return nil, &InputError{Msg: "a stack needs at least one file"}
		}
		names[i] = si.Name
		if si.Name == "" {
			names[i] = StackName(si.Files[0])
		} else if count[si.Name] > 0 && explicitBefore(stacks[:i], si.Name) {
			return nil, &InputError{Msg: fmt.Sprintf("stack name %q given twice", si.Name)}
		}
		count[names[i]]++
	}
	for i, si := range stacks {
		if si.Name == "" && count[names[i]] > 1 {
			f := si.Files[0]
			names[i] = loader.NormalizeProjectName(names[i] + "_" + strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)))
		}
	}
	groups := map[string][]int{}
	for i, n := range names {
		groups[n] = append(groups[n], i)
	}
	for n, idx := range groups {
		var derived []int
		for _, i := range idx {
			if stacks[i].Name == "" {
				derived = append(derived, i)
			}
		}
		if len(idx) < 2 || len(derived) == 0 {
			continue
		}
		sort.SliceStable(derived, func(x, y int) bool {
			return strings.Join(stacks[derived[x]].Files, "\x00") < strings.Join(stacks[derived[y]].Files, "\x00")
		})
		k := 1
		if len(derived) == len(idx) {
			k = 0 // the first keeps the name
		}
		for _, i := range derived {
			if k > 0 {
				names[i] = fmt.Sprintf("%s%d", n, k+1)
			}
			k++
		}
	}
	seen := map[string]bool{}
	for i, n := range names {
		if seen[n] {
			return nil, &InputError{File: stacks[i].Files[0], Msg: fmt.Sprintf("stack name %q is taken by another stack; name the stack (--stack or the configuration's stacks: name)", n)}
		}
		seen[n] = true
	}
	return names, nil
}

func explicitBefore(stacks []StackInput, name string) bool {
	for _, s := range stacks {
		if s.Name == name {
			return true
		}
	}
	return false
}

func (a *Analysis) loadStack(ctx context.Context, si StackInput, name string, merger Merger, env map[string]string, read func(string, int64) ([]byte, error)) (*stackData, error) {
	if read == nil {
		read = ReadInput
	}
	// Read every file first: a file that cannot be read is a tool error
	// and the stack is not linted at all. YAML that is no Compose file (a
	// CI workflow, a CloudFormation template) is skipped.
	var texts [][]byte
	var files []string
	var parsed []*yaml.Node // the sniff's parse of each file, or nil
	for _, f := range si.Files {
		raw, err := read(f, MaxStackFileSize)
		if err != nil {
			return nil, err
		}
		compose, doc := sniffCompose(raw)
		if !compose {
			a.Skipped = append(a.Skipped, f)
			continue
		}
		texts = append(texts, raw)
		files = append(files, f)
		parsed = append(parsed, doc)
	}
	if len(files) == 0 {
		return nil, nil
	}
	si.Files = files
	sd := &stackData{name: name, src: "stack:" + name, files: si.Files, env: env, text: map[string][]byte{}}
	a.Model.Sources[sd.src] = Source{Kind: "stack", Files: si.Files}
	st := &Stack{Name: name, NameDerived: si.Name == "", Files: si.Files, Ref: Ref{Src: sd.src}, FileVersions: []FileVersion{}}
	a.Model.Stacks[name] = st
	var cfs []types.ConfigFile
	for i, f := range si.Files {
		src, enc, err := DecodeText(texts[i])
		if err != nil {
			a.addFile(f, texts[i], false)
			sd.fail(&InputError{File: f, Line: 1, Col: 1, Msg: err.Error()}, "file")
			continue
		}
		a.addFile(f, src, false)
		sd.text[f] = src
		var node *yaml.Node
		if parsed[i] != nil {
			node, err = parsedYAML(f, parsed[i])
		} else {
			node, err = ParseYAML(f, src)
		}
		if err != nil {
			kind := "yaml"
			if !strings.HasPrefix(errMsg(err), "invalid YAML") {
				kind = "file"
			}
			sd.fail(err, kind)
			continue
		}
		doc := NewDoc(f, src, node)
		doc.Shift = len(texts[i]) - len(src)
		doc.NoEdit = strings.HasPrefix(enc, "UTF-16")
		if err := checkStackKeys(doc); err != nil {
			return nil, err
		}
		if err := checkServiceCount(doc); err != nil {
			return nil, err
		}
		if err := checkDepth(doc); err != nil {
			sd.fail(err, "file")
			continue
		}
		if err := checkNumbers(doc); err != nil {
			sd.fail(err, "file")
			continue
		}
		if err := checkAliases(doc); err != nil {
			sd.fail(err, "file")
			continue
		}
		if err := checkExpansion(doc); err != nil {
			return nil, err
		}
		if err := checkInterpolation(doc, env); err != nil {
			return nil, err
		}
		sd.docs = append(sd.docs, doc)
		if _, v, _ := mapLookup(node, "version"); v != nil && deref(v).Kind == yaml.ScalarNode {
			sd.version = deref(v).Value
		}
		cfs = append(cfs, types.ConfigFile{Filename: f, Content: src})
	}
	a.Docs[sd.src] = sd.docs
	st.Version = sd.version
	if len(sd.loadErrors) > 0 {
		return sd, nil
	}
	loadEnv := sd.unknownVariables(env)
	if err := checkPortCount(sd.docs, loadEnv, &a.ports); err != nil {
		return nil, err
	}
	if err := checkAttachments(sd.docs, &a.attachments); err != nil {
		return nil, err
	}
	sd.badPorts = findBadPorts(sd.docs, loadEnv)
	if len(sd.badPorts) > 0 {
		clean, err := withoutBadPorts(cfs, sd.badPorts)
		if err == nil {
			cfs = clean
		}
	}
	if len(cfs) == 1 && len(sd.badPorts) == 0 {
		if cfg, ok := predecode(sd.docs[0]); ok {
			cfs[0].Config = cfg
		}
	}
	p, err := loadProject(ctx, merger, cfs, loadEnv)
	if err != nil && sd.unknownCaused(err) {
		a.Warnings = append(a.Warnings, fmt.Sprintf("stack %q (%s) is not linted beyond its required variables: it does not load without their values (%s); give them with --env-file",
			name, strings.Join(si.Files, ", "), strings.Join(sortedKeys(sd.unknown), ", ")))
		return sd, nil
	}
	if err != nil {
		sd.loadErrors = append(sd.loadErrors, sd.locateLoadError(stableLoadError(ctx, merger, cfs, loadEnv, err)))
		return sd, nil
	}
	sd.project = p
	st.Loaded = true
	return sd, nil
}

// errMsg is an error's message without its file:line:col prefix.
func errMsg(err error) string {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie.Msg
	}
	return err.Error()
}

func loadProject(ctx context.Context, merger Merger, cfs []types.ConfigFile, env map[string]string) (p *types.Project, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the compose loader failed on this input: %v", r)
		}
	}()
	return merger.Load(ctx, cfs, env)
}

// stackKeys are the top-level keys of a compose file (the compose
// specification's, and the extension prefix x-).
var stackKeys = map[string]bool{"version": true, "name": true, "services": true, "networks": true, "volumes": true,
	"configs": true, "secrets": true, "include": true, "models": true}

// checkStackKeys refuses a file none of whose top-level keys belongs to a
// compose file. Such a file is something else (a password file, a
// credentials JSON named by a link or by mistake), and the loaders' schema
// errors would quote its keys, so its content is never shown.
func checkStackKeys(d *Doc) error {
	root := deref(d.Root)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Kind == yaml.ScalarNode && (stackKeys[k.Value] || strings.HasPrefix(k.Value, "x-")) {
			return nil
		}
	}
	return &InputError{File: d.File, Line: root.Line, Col: root.Column,
		Msg: "not a stack file: no top-level key is services, networks, volumes, configs, secrets or version (its content is not shown)"}
}

// checkDepth refuses absurdly nested documents before they reach recursive code.
func checkDepth(d *Doc) error {
	var walk func(n *yaml.Node, depth int) *yaml.Node
	walk = func(n *yaml.Node, depth int) *yaml.Node {
		if depth > 200 {
			return n
		}
		for _, c := range n.Content {
			if bad := walk(c, depth+1); bad != nil {
				return bad
			}
		}
		return nil
	}
	if bad := walk(d.Root, 0); bad != nil {
		return &InputError{File: d.File, Line: bad.Line, Col: bad.Column, Msg: "nesting deeper than 200 levels: not a stack file"}
	}
	return nil
}

var (
	interpPathRe = lazyre.New(`error while interpolating ([^:]+): (.*)`)
	validateRe   = lazyre.New(`validating ([^:]+): (\S+) (.*)`)
	parseRe      = lazyre.New(`failed to parse ([^:]+): (.*)`)
	quotedRe     = lazyre.New(`parsing ("[^"]*")`)
	decodeErrRe  = lazyre.New(`(?m)^'([^']+)' (.+)$`)
	dottedPathRe = lazyre.New(`^((?:services|networks|volumes|secrets|configs)\.[^\s:]+)`)
	innerPathRe  = lazyre.New(`\s((?:services|networks|volumes|secrets|configs)\.[^\s:,]+)`)
)

// loadErrorPath reads the model path a compose-go error is about (empty when
// it names none) and the message to show. ok is false when the error has
// none of the known shapes.
func loadErrorPath(err error) (path, text string, ok bool) {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i > 0 {
		msg = msg[:i]
	}
	switch {
	case interpPathRe().MatchString(msg):
		m := interpPathRe().FindStringSubmatch(msg)
		path, text = m[1], m[2]
		if q := quotedRe().FindStringSubmatch(text); q != nil && strings.Contains(text, "failed to cast") {
			text = "wrong type for " + path + ": " + q[1] + " is not a number"
		} else {
			text = "invalid value for " + path + ": " + text
		}
	case validateRe().MatchString(msg):
		m := validateRe().FindStringSubmatch(msg)
		path, text = m[2], m[2]+" "+m[3]
	case dottedPathRe().MatchString(msg):
		path = dottedPathRe().FindString(msg)
		text = msg
	case decodeErrRe().MatchString(err.Error()):
		m := decodeErrRe().FindStringSubmatch(err.Error())
		path = strings.NewReplacer("[", ".", "]", "").Replace(m[1])
		detail := m[2]
		if q := quotedRe().FindStringSubmatch(detail); q != nil && strings.Contains(detail, "strconv.") {
			detail = q[1] + " is not a number"
		}
		text = fmt.Sprintf("wrong type for %s: %s", path, detail)
	default:
		text = msg
		if m := parseRe().FindStringSubmatch(msg); m != nil {
			text = m[2]
		}
		if m := innerPathRe().FindStringSubmatch(text); m != nil {
			path = m[1] // "service ports services.web.ports.[0] is missing a target port"
		}
		return path, text, false
	}
	return path, text, true
}

// invalidSpecRe matches compose-go's refusal of a short volume syntax,
// "invalid spec: SPEC: REASON", which names the value but not where it is.
var invalidSpecRe = lazyre.New(`^invalid spec: (.*): [^:]+$`)

// volumeSpecPath finds the services.NAME.volumes.N item whose value, after
// interpolation, is the spec a volume error quotes ("" when none or several
// items could be meant).
func (sd *stackData) volumeSpecPath(msg string) string {
	m := invalidSpecRe().FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	found, several := "", false
	serviceListScalars(sd.docs, "volumes", sd.env, func(_ *Doc, service string, index int, _, val string) {
		if val != m[1] {
			return
		}
		p := fmt.Sprintf("services.%s.volumes.%d", service, index)
		several = several || (found != "" && found != p)
		found = p
	})
	if several {
		return ""
	}
	return found
}

// yamlFile names the file a YAML decoding error is about: the only file,
// or the one the stack-deploy merge names ("failed to parse FILE: ...").
func (sd *stackData) yamlFile(msg string) string {
	if len(sd.files) == 1 {
		return sd.files[0]
	}
	if m := parseRe().FindStringSubmatch(msg); m != nil && slices.Contains(sd.files, m[1]) {
		return m[1]
	}
	return ""
}

func splitDotted(p string) []any {
	var out []any
	for _, s := range strings.Split(p, ".") {
		s = strings.ReplaceAll(s, "👻", ".")
		if s == "" || s == "[]" {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s {
			out = append(out, n)
			continue
		}
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			if _, err := fmt.Sscanf(s, "[%d]", &n); err == nil {
				out = append(out, n)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
