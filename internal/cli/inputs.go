package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/analyzer/script"
	"github.com/swarmlint/swarmlint/internal/live"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/lint/config"
	"github.com/swarmlint/swarmlint/rules"
)

// errNoInputs is config's answer when nothing names an input.
var errNoInputs = errors.New("no input files")

// config builds the lint configuration from flags, arguments and the
// configuration file. Which stacks share a swarm:
//
//   - no file arguments: the swarms of the configuration file (its
//     stacks: as one swarm, or each swarms: entry);
//   - a file argument that is a file of a configured stack: that stack, in
//     its configured swarm with the swarm's other stacks (with --changed,
//     findings in the other files are reported only when the named files
//     cause them);
//   - other file arguments: each its own swarm (an independent stack),
//     or all in one swarm with --same-swarm.
//
// Every swarm gets the swarm facts: settings, scripts, inventory, init.
func (lf *lintFlags) config(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer) (lint.Config, error) {
	cfg := lint.Config{Env: environ(), Version: version(), Stderr: stderr, Debug: lf.debug, Timeout: lf.policyTimeout,
		Enable: splitList(lf.enable), Disable: splitList(lf.disable)}
	for _, ef := range lf.envFiles {
		if err := safeio.RepoRoot(".").Allow(ef, true); err != nil {
			return cfg, fmt.Errorf("--env-file: %w", err)
		}
		m, err := analyzer.ReadEnvFile(ef)
		if err != nil {
			return cfg, err
		}
		for k, v := range m {
			if _, set := cfg.Env[k]; !set {
				cfg.Env[k] = v
			}
		}
	}
	for _, f := range []struct {
		name   string
		values []string
	}{{"--default-addr-pool", lf.pools}, {"--host-network", lf.hostNetworks}} {
		for _, v := range f.values {
			if err := config.CheckCIDR(v); err != nil {
				return cfg, fmt.Errorf("%s: %w", f.name, err)
			}
		}
	}
	if err := lf.checkSettings(); err != nil {
		return cfg, err
	}
	fc, err := lf.loadConfigFile(stderr)
	if err != nil {
		return cfg, err
	}
	if err := applyConfigRules(&cfg, fc); err != nil {
		return cfg, err
	}
	files, overlay := args, lf.buffers
	if lf.buffers == nil {
		var links []string
		if files, overlay, links, err = expandArgs(args, stdin, lf.stdinFilename); err != nil {
			return cfg, err
		}
		for _, l := range links {
			fmt.Fprintf(stderr, "swarmlint: %s: skipped: a symbolic link (a directory search does not follow links; name the file to lint it)\n", l)
		}
	}
	cfg.Overlay = overlay
	repo := safeio.RepoRoot(".")
	if err := lf.allowExplicit(repo, files, overlay); err != nil {
		return cfg, err
	}
	var stackArgs, scriptArgs []string
	for _, a := range files {
		if isScriptInput(a, overlay) {
			scriptArgs = appendNew(scriptArgs, a)
		} else {
			stackArgs = appendNew(stackArgs, a)
		}
	}
	if lf.stack != "" && len(lf.composeFiles) == 0 && len(stackArgs) > 1 {
		return cfg, errors.New("--stack names one stack; with several files use -c a.yml -c b.yml --stack NAME")
	}
	var entries []int
	if cfg.Swarms, entries, cfg.Focus, err = lf.swarms(fc, stackArgs, scriptArgs); err != nil {
		return cfg, err
	}
	if err := lf.readLiveSwarms(ctx, &cfg, entries); err != nil {
		return cfg, err
	}
	for _, dir := range lf.policies {
		mods, err := rules.LoadDirIn(dir, repo)
		if err != nil {
			return cfg, err
		}
		cfg.Custom = append(cfg.Custom, mods...)
	}
	if len(lf.dataFiles) > 0 {
		params, err := rules.ReadParams(lf.dataFiles...)
		if err != nil {
			return cfg, err
		}
		cfg.Params = rules.MergeParams(cfg.Params, params)
	}
	return cfg, nil
}

// appendNew appends p unless the list already has the same file.
func appendNew(list []string, p string) []string {
	for _, q := range list {
		if sameFile(p, q) {
			return list
		}
	}
	return append(list, p)
}

// isScriptInput is isScriptArg for arguments that may be standard input.
func isScriptInput(name string, overlay map[string][]byte) bool {
	if src, ok := overlay[name]; ok {
		return script.IsShellScript(name, src[:min(len(src), 256)])
	}
	return isScriptArg(name)
}

// loadConfigFile reads --config or the configuration file found from the
// working directory upwards (nil when there is none).
//
// Without --config, the file is looked up from the working directory to the
// repository root (config.Find); a file found there must itself
// resolve inside the repository (a committed .swarmlint.yaml that links
// elsewhere is refused), and so must every path it names.
func (lf *lintFlags) loadConfigFile(stderr io.Writer) (*config.Config, error) {
	path := lf.configFile
	if path == "" {
		var skipped string
		path, skipped = config.Find(".")
		if skipped != "" {
			fmt.Fprintf(stderr, "swarmlint: not reading %s: it or its directory belongs to another user (name it with --config to use it)\n", skipped)
		}
		if path != "" {
			if err := safeio.RepoRoot(filepath.Dir(path)).Allow(path, false); err != nil {
				return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
			}
		}
	}
	if path == "" {
		return nil, nil
	}
	if lf.configFile != "" {
		// named on the command line, but not through a link inside the
		// repository that leads out of it; checked before reading it
		if err := safeio.RepoRoot(".").Allow(path, true); err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
	}
	return config.Load(path)
}

// applyConfigRules takes the configuration's rule selection, severities,
// policies, parameters and ignores; a flag given on the command line wins.
func applyConfigRules(cfg *lint.Config, fc *config.Config) error {
	if fc == nil {
		return nil
	}
	cfg.ConfigFile = fc
	if len(cfg.Enable) == 0 {
		cfg.Enable = fc.Rules.Enable
	}
	cfg.Disable = append(append([]string{}, fc.Rules.Disable...), cfg.Disable...)
	if len(fc.Rules.Severity) > 0 {
		if cfg.Severity == nil {
			cfg.Severity = map[string]string{}
		}
		for id, sev := range fc.Rules.Severity {
			cfg.Severity[strings.ToUpper(id)] = sev
		}
	}
	for _, dir := range fc.Policies {
		mods, err := rules.LoadDirIn(dir, fc.Root)
		if err != nil {
			return fmt.Errorf("%s: %w", fc.File, err)
		}
		cfg.Custom = append(cfg.Custom, mods...)
	}
	if fc.Params != nil {
		cfg.Params = fc.Params
	}
	cfg.Ignores = append(cfg.Ignores, fc.Ignore...)
	return nil
}

// configuredSwarm is a swarm the configuration declares.
type configuredSwarm struct {
	name    string // "" for the one swarm of a configuration without swarms:
	index   int    // in swarms:, -1 for the top level
	stacks  []config.Stack
	scripts []string
}

// configuredSwarms lists the configuration's swarms: each swarms: entry,
// or the top-level stacks: and scripts: as one swarm.
func configuredSwarms(fc *config.Config) []configuredSwarm {
	if fc == nil {
		return nil
	}
	if len(fc.Swarms) > 0 {
		out := make([]configuredSwarm, len(fc.Swarms))
		for i, sw := range fc.Swarms {
			out[i] = configuredSwarm{name: sw.Name, index: i, stacks: sw.Stacks, scripts: sw.Scripts}
		}
		return out
	}
	if len(fc.Stacks) == 0 {
		return nil
	}
	return []configuredSwarm{{index: -1, stacks: fc.Stacks, scripts: fc.Scripts}}
}

// facts are the swarm facts of one swarm: a flag wins over the swarm's
// configuration entry, which wins over the configuration's top level.
func (lf *lintFlags) facts(fc *config.Config, index int) lint.Swarm {
	sw := lint.Swarm{Settings: analyzer.Settings{NodeCount: lf.nodeCount, DefaultAddrPools: lf.pools, MaskLength: lf.maskLength,
		UnderlayMTU: lf.underlayMTU, HostNetworks: lf.hostNetworks}}
	sw.Inventory = slices.Clone(lf.inventory)
	sw.SwarmInit, sw.DaemonJSON = lf.swarmInit, lf.daemonJSON
	if fc == nil {
		return sw
	}
	var layers []struct {
		swarm   config.Swarm
		cluster config.Cluster
		daemon  string
		initAt  *analyzer.TextAt
	}
	if index >= 0 && index < len(fc.Swarms) {
		e := fc.Swarms[index]
		layers = append(layers, struct {
			swarm   config.Swarm
			cluster config.Cluster
			daemon  string
			initAt  *analyzer.TextAt
		}{e.Swarm, e.Cluster, e.DaemonJSON, config.SwarmInitAt(fc, index)})
	}
	layers = append(layers, struct {
		swarm   config.Swarm
		cluster config.Cluster
		daemon  string
		initAt  *analyzer.TextAt
	}{fc.Swarm, fc.Cluster, fc.DaemonJSON, config.InitAt(fc)})
	st := &sw.Settings
	hostNets := slices.Clone(st.HostNetworks)
	var cfgHostNets, cfgInventory []string
	hostSet, invSet := false, false
	for _, l := range layers {
		if st.NodeCount == 0 {
			st.NodeCount = l.cluster.Nodes
		}
		if len(st.DefaultAddrPools) == 0 {
			st.DefaultAddrPools = l.swarm.DefaultAddrPools
		}
		if st.MaskLength == 0 {
			st.MaskLength = l.swarm.MaskLength
		}
		if st.DataPathPort == 0 {
			st.DataPathPort = l.swarm.DataPathPort
		}
		if st.UnderlayMTU == 0 {
			st.UnderlayMTU = l.cluster.UnderlayMTU
		}
		if !hostSet && l.cluster.HostNetworks != nil {
			cfgHostNets, hostSet = l.cluster.HostNetworks, true
		}
		if st.Docker0 == "" {
			st.Docker0 = l.cluster.Docker0
		}
		if st.Gwbridge == "" {
			st.Gwbridge = l.cluster.DockerGwbridge
		}
		st.LegacyIngress = st.LegacyIngress || l.cluster.LegacyIngress
		if !invSet && l.cluster.Inventory != nil {
			cfgInventory, invSet = l.cluster.Inventory, true
		}
		if sw.SwarmInit == "" && l.swarm.Init != "" {
			sw.SwarmInit, sw.SwarmInitAt = l.swarm.Init, l.initAt
		}
		if sw.DaemonJSON == "" {
			sw.DaemonJSON = l.daemon
		}
	}
	st.HostNetworks = append(slices.Clone(cfgHostNets), hostNets...)
	sw.Inventory = append(slices.Clone(cfgInventory), sw.Inventory...)
	return sw
}

// readLiveSwarms reads the running swarm of every swarm for --live: the
// engine of --docker-host, else of the swarm's cluster.docker_host in
// its swarms: entry, else of the top-level one, else the docker CLI's.
// Each engine is read once.
func (lf *lintFlags) readLiveSwarms(ctx context.Context, cfg *lint.Config, entries []int) error {
	if !lf.live && lf.dockerHost == "" {
		return nil
	}
	read := map[string]*analyzer.LiveSwarm{}
	for i := range cfg.Swarms {
		choice := live.Choice{Host: lf.dockerHost, HostFrom: "--docker-host"}
		if fc := cfg.ConfigFile; choice.Host == "" && fc != nil {
			if e := entries[i]; e >= 0 && e < len(fc.Swarms) && fc.Swarms[e].Cluster.DockerHost != "" {
				choice.Host, choice.HostFrom = fc.Swarms[e].Cluster.DockerHost, fmt.Sprintf("swarms[%d].cluster.docker_host in %s", e, lint.DisplayPath(fc.File))
			} else if fc.Cluster.DockerHost != "" {
				choice.Host, choice.HostFrom = fc.Cluster.DockerHost, "cluster.docker_host in "+lint.DisplayPath(fc.File)
			}
		}
		ls, ok := read[choice.Host]
		if !ok {
			ep, err := live.Resolve(choice)
			if err != nil {
				return fmt.Errorf("--live: %w", err)
			}
			if ls, err = live.Read(ctx, ep, lf.liveTimeout); err != nil {
				return err
			}
			read[choice.Host] = ls
		}
		cfg.Swarms[i].Live = ls
		if i == 0 {
			cfg.Live = ls
		}
	}
	return nil
}

// withScripts adds scripts to a swarm, each file once.
func withScripts(sw lint.Swarm, scripts ...[]string) lint.Swarm {
	for _, list := range scripts {
		for _, s := range list {
			sw.Scripts = appendNew(sw.Scripts, s)
		}
	}
	return sw
}

// swarms groups the inputs into swarms (see config) and returns the files
// named on the command line when the run is about them.
func (lf *lintFlags) swarms(fc *config.Config, stackArgs, scriptArgs []string) (swarms []lint.Swarm, entries []int, focus []string, err error) {
	swarms, entries, focus, err = lf.group(fc, stackArgs, scriptArgs)
	if !lf.changed {
		focus = nil
	}
	return swarms, entries, focus, err
}

// group is swarms' work; entries are the swarms: index of each swarm (-1
// for a swarm that is no swarms: entry).
func (lf *lintFlags) group(fc *config.Config, stackArgs, scriptArgs []string) ([]lint.Swarm, []int, []string, error) {
	configured := configuredSwarms(fc)
	if lf.swarmName != "" {
		var names []string
		kept := slices.DeleteFunc(slices.Clone(configured), func(c configuredSwarm) bool {
			names = append(names, fmt.Sprintf("%q", c.name))
			return c.name != lf.swarmName
		})
		if len(kept) == 0 {
			if fc == nil || len(fc.Swarms) == 0 {
				return nil, nil, nil, fmt.Errorf("--swarm %q: the configuration has no swarms: entries", lf.swarmName)
			}
			return nil, nil, nil, fmt.Errorf("--swarm %q: no such swarm in %s (it has %s)", lf.swarmName, fc.File, strings.Join(names, ", "))
		}
		configured = kept
	}
	cfgName := config.FileName
	topScripts := []string(nil)
	if fc != nil {
		cfgName = lint.DisplayPath(fc.File)
		if len(fc.Swarms) == 0 {
			topScripts = fc.Scripts
		}
	}
	flagScripts := append(slices.Clone(lf.scripts), scriptArgs...)
	describe := func(c configuredSwarm, n int) string {
		what := fmt.Sprintf("the swarm of %s", cfgName)
		if c.name != "" {
			what = fmt.Sprintf("swarm %q of %s", c.name, cfgName)
		}
		return fmt.Sprintf("%s: %s checked against each other", what, countOf(n, "stack"))
	}
	build := func(c configuredSwarm) lint.Swarm {
		sw := withScripts(lf.facts(fc, c.index), c.scripts, flagScripts)
		sw.Name = c.name
		for _, s := range c.stacks {
			sw.Stacks = append(sw.Stacks, analyzer.StackInput{Name: s.Name, Files: s.Files})
		}
		sw.Mode = describe(c, len(sw.Stacks))
		return sw
	}

	if len(stackArgs) == 0 && len(lf.composeFiles) == 0 && len(scriptArgs) == 0 {
		// No file arguments: the configured swarms.
		if len(configured) > 0 {
			out := make([]lint.Swarm, len(configured))
			idx := make([]int, len(configured))
			for i, c := range configured {
				out[i], idx[i] = build(c), c.index
			}
			return out, idx, nil, nil
		}
		if len(lf.scripts) == 0 && lf.swarmInit == "" && lf.daemonJSON == "" && !lf.live && lf.dockerHost == "" {
			return nil, nil, nil, errNoInputs
		}
		sw := withScripts(lf.facts(fc, -1), topScripts, flagScripts)
		sw.Mode = "the swarm that the settings and scripts describe (no stack)"
		return []lint.Swarm{sw}, []int{-1}, nil, nil
	}

	// Which configured swarm and stack each configured file belongs to.
	type place struct{ swarm, stack int }
	stackOf := map[string]place{}
	scriptOf := map[string][]int{}
	for i, c := range configured {
		for j, s := range c.stacks {
			for _, f := range s.Files {
				if _, ok := stackOf[fileKey(f)]; !ok {
					stackOf[fileKey(f)] = place{i, j}
				}
			}
		}
		for _, s := range c.scripts {
			scriptOf[fileKey(s)] = append(scriptOf[fileKey(s)], i)
		}
	}
	touched := map[int]bool{}
	var free []analyzer.StackInput
	var focus []string
	cliStacks := []analyzer.StackInput{}
	if len(lf.composeFiles) > 0 {
		cliStacks = append(cliStacks, analyzer.StackInput{Name: lf.stack, Files: lf.composeFiles})
	}
	for _, a := range stackArgs {
		if slices.ContainsFunc(lf.composeFiles, func(c string) bool { return sameFile(a, c) }) {
			continue // given with -c too: one input
		}
		name := ""
		if len(lf.composeFiles) == 0 {
			name = lf.stack
		}
		cliStacks = append(cliStacks, analyzer.StackInput{Name: name, Files: []string{a}})
	}
	for _, si := range cliStacks {
		focus = append(focus, si.Files...)
		in := -1
		for _, f := range si.Files {
			if p, ok := stackOf[fileKey(f)]; ok {
				in = p.swarm
				break
			}
		}
		if in < 0 {
			free = append(free, si)
			continue
		}
		touched[in] = true
	}
	for _, s := range scriptArgs {
		for _, i := range scriptOf[fileKey(s)] {
			touched[i] = true
		}
	}
	focus = append(focus, flagScripts...)

	var out []lint.Swarm
	var idx []int
	for i, c := range configured {
		if touched[i] {
			out = append(out, build(c))
			idx = append(idx, c.index)
		}
	}
	switch {
	case len(free) > 0 && lf.sameSwarm && len(out) > 0:
		out[0].Stacks = append(out[0].Stacks, free...)
		out[0].Mode += fmt.Sprintf(", with %s from the command line (--same-swarm)", countOf(len(free), "more stack"))
	case len(free) > 0 && lf.sameSwarm:
		sw := withScripts(lf.facts(fc, -1), topScripts, flagScripts)
		sw.Stacks = free
		sw.Mode = fmt.Sprintf("one swarm (--same-swarm): %s checked against each other", countOf(len(free), "stack"))
		out, idx = append(out, sw), append(idx, -1)
	case len(free) > 0:
		for _, si := range free {
			sw := withScripts(lf.facts(fc, -1), topScripts, flagScripts)
			sw.Stacks = []analyzer.StackInput{si}
			sw.Mode = fmt.Sprintf("independent stack %s: checked against the swarm settings and scripts, not against other files (--same-swarm checks files against each other)",
				strings.Join(displayPaths(si.Files), " + "))
			out, idx = append(out, sw), append(idx, -1)
		}
	case len(out) == 0:
		sw := withScripts(lf.facts(fc, -1), topScripts, flagScripts)
		sw.Mode = "the swarm that the settings and scripts describe (no stack)"
		out, idx = append(out, sw), append(idx, -1)
	}
	return out, idx, focus, nil
}

func displayPaths(files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = lint.DisplayPath(f)
	}
	return out
}

// countOf is "1 finding", "2 findings", "3 entries".
func countOf(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}
