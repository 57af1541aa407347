package cli

import (
	"bytes"
	"context"
	"errors"
	"net/netip"

	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/analyzer/script"
	"github.com/swarmlint/swarmlint/internal/live"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/lint/config"
	"github.com/swarmlint/swarmlint/report"
)

var levelRank = map[string]int{"note": 1, "warning": 2, "error": 3, "none": 4}

type lintFlags struct {
	format        string
	output        string
	composeFiles  []string
	stack         string
	envFiles      []string
	failOn        string
	enable        []string
	disable       []string
	nodeCount     int
	pools         []string
	maskLength    int
	underlayMTU   int
	hostNetworks  []string
	policies      []string
	dataFiles     []string
	policyTimeout time.Duration
	debug         bool
	noColor       bool
	category      string
	configFile    string
	sameSwarm     bool
	changed       bool
	swarmName     string
	stdinFilename string
	inventory     []string
	scripts       []string
	swarmInit     string
	daemonJSON    string
	live          bool
	dockerHost    string
	liveTimeout   time.Duration

	// buffers, when set, are an editor's open buffers by absolute path
	// (swarmlint lsp): the arguments are files, never directories, globs
	// or '-', and the buffers stand in for the files on disk.
	buffers map[string][]byte

	// flagGiven reports whether a flag was given (register sets it), so
	// that an explicit 0 is not taken for "unset"
	flagGiven func(name string) bool

	// suppression (lint/ignore.go, lint/baseline.go)
	showSuppressed bool
	baseline       string
	writeBaseline  string
}

func (lf *lintFlags) register(c *cobra.Command) {
	f := c.Flags()
	// the same flags may be registered on several commands (the root and
	// lint): given on any of them
	prev := lf.flagGiven
	lf.flagGiven = func(name string) bool { return f.Changed(name) || prev != nil && prev(name) }
	f.StringVarP(&lf.format, "format", "f", "text", "output format: "+strings.Join(report.FormatNames(), ", "))
	f.StringVarP(&lf.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	f.StringArrayVarP(&lf.composeFiles, "compose-file", "c", nil, "add `FILE` to one stack merged in order (repeatable), like docker stack deploy -c")
	f.StringVar(&lf.stack, "stack", "", "stack `NAME` for -c files (default: the first file's directory name)")
	f.StringArrayVar(&lf.envFiles, "env-file", nil, "read variables for ${VAR} from `FILE` besides the environment (repeatable)")
	f.StringVar(&lf.failOn, "fail-on", "warning", "exit 1 when a finding is at or above `LEVEL`: error, warning, note or none")
	f.StringArrayVar(&lf.enable, "enable", nil, "run only these rules: id (SWL101), prefix (SWL2*) or name (repeatable, comma-separated)")
	f.StringArrayVar(&lf.disable, "disable", nil, "do not run these rules: id, prefix or name (repeatable, comma-separated)")
	f.IntVar(&lf.nodeCount, "node-count", 0, "number of swarm nodes assumed by sizing rules (default 3)")
	f.StringArrayVar(&lf.pools, "default-addr-pool", nil, "swarm default address pool `CIDR` (repeatable; default 10.0.0.0/8)")
	f.IntVar(&lf.maskLength, "default-addr-pool-mask-length", 0, "subnet size handed out from the pools (default 24)")
	f.IntVar(&lf.underlayMTU, "underlay-mtu", 0, "MTU of the hosts' network (default 1500)")
	f.StringArrayVar(&lf.hostNetworks, "host-network", nil, "a `CIDR` the hosts use (LAN, VPN), checked for overlap (repeatable)")
	f.StringArrayVar(&lf.policies, "policy", nil, "load custom Rego rules from `DIR` (repeatable)")
	f.StringArrayVar(&lf.dataFiles, "data", nil, "rule parameters from a JSON or YAML `FILE`, as data.swarmlint.params; merged over the config file's params (repeatable)")
	f.DurationVar(&lf.policyTimeout, "policy-timeout", 10*time.Second, "time budget of each rule: a rule still running after this long is stopped and named in the report (exit 2); the other rules' findings are still written")
	f.BoolVar(&lf.debug, "debug", false, "print Rego print() output to standard error")
	f.BoolVar(&lf.noColor, "no-color", false, "never colour text output (also: NO_COLOR environment variable)")
	f.StringVar(&lf.category, "category", "", "SARIF automationDetails.id, to tell several uploads apart")
	f.BoolVar(&lf.showSuppressed, "show-suppressed", false, "include findings suppressed by '# swarmlint:ignore', the config file or the baseline (SARIF: as suppressions)")
	f.StringVar(&lf.baseline, "baseline", "", "report only findings not recorded in the baseline `FILE`")
	f.StringVar(&lf.writeBaseline, "write-baseline", "", "record the current findings in the baseline `FILE` (rewriting the entries of the files this run checks, keeping the others') and report nothing they cover")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.FormatNames(), cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"error", "warning", "note", "none"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.MarkFlagFilename("baseline", "json")
	_ = c.MarkFlagFilename("write-baseline", "json")
	f.StringArrayVar(&lf.inventory, "cluster", nil, "`docker network inspect` or `docker service inspect` JSON `FILE` of the live cluster (repeatable)")
	f.StringArrayVar(&lf.scripts, "script", nil, "bootstrap shell script `FILE` whose docker commands run before the stacks (repeatable; *.sh arguments are scripts too)")
	f.StringVar(&lf.swarmInit, "swarm-init", "", "the `\"docker swarm init ...\"` command line the swarm was created with")
	f.StringVar(&lf.daemonJSON, "daemon-json", "", "the nodes' daemon.json `FILE` (default-address-pools)")
	f.BoolVar(&lf.live, "live", false, "read the running swarm over the Docker Engine API (read-only) and lint the stacks against it: the engine the docker CLI would use (DOCKER_HOST, DOCKER_CONTEXT or the current context, DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, ssh://), unless --docker-host or the config's cluster.docker_host names one; exit 2 when it cannot be read")
	f.StringVar(&lf.dockerHost, "docker-host", "", "read the swarm of the engine at `URL` (unix://, tcp://, ssh://user@host); implies --live")
	f.DurationVar(&lf.liveTimeout, "live-timeout", live.DefaultTimeout, "give up reading the live swarm after this long")
	f.StringVar(&lf.configFile, "config", "", "read `FILE` instead of the "+config.FileName+" (or .swarmlint.yml) found from the working directory up to the repository root")
	f.BoolVar(&lf.sameSwarm, "same-swarm", false, "check the file arguments against each other as stacks of one swarm (default: each file is an independent stack)")
	f.BoolVar(&lf.changed, "changed", false, "the file arguments are what a change touches (the pre-commit hook): report the problems in them and those they cause in the other files of their swarm, not the problems those files had before")
	f.StringVar(&lf.swarmName, "swarm", "", "lint only the configured swarm `NAME` (an entry of the configuration's swarms:)")
	f.StringVar(&lf.stdinFilename, "stdin-filename", "", "the `PATH` that standard input ('-') stands for, in findings and for matching the configuration's stacks")
}

func splitList(xs []string) []string {
	var out []string
	for _, x := range xs {
		for _, p := range strings.Split(x, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// inputsError explains errNoInputs.
func inputsError(err error) error {
	if errors.Is(err, errNoInputs) {
		return errors.New("no input files: name stack files or directories ('swarmlint docker-stack.yml', 'swarmlint .'), or list the stacks in .swarmlint.yaml (see 'swarmlint --help')")
	}
	return err
}

// isScriptArg reports whether a positional argument is a shell script
// (*.sh, *.bash or a shell shebang) rather than a stack file. Only a
// regular file is opened to sniff it (a FIFO would block the run); anything
// else is left to the stack reader, which says what it is.
func isScriptArg(name string) bool {
	if script.IsShellScript(name, nil) {
		return true
	}
	return script.IsShellScript(name, safeio.ReadHead(name, 256))
}

// writeOutput writes -o FILE atomically, never through a symbolic link
// (safeio.WriteFile): a failure leaves an existing report as it was.
func writeOutput(path string, data []byte) error {
	return safeio.RepoRoot(".").WriteFile(path, data)
}

// checkSettings applies the ranges Docker applies to the same values in
// `docker swarm init` (and that the configuration file gets) to the flags.
func (lf *lintFlags) checkSettings() error {
	if n := lf.maskLength; n < 0 || n > 29 {
		return fmt.Errorf("--default-addr-pool-mask-length %d is out of range: Docker accepts 1 to 29 (subnet size is out of range)", n)
	}
	if n := lf.maskLength; n > 0 {
		// only against pools given beside it: the configuration's come later
		for _, p := range lf.pools {
			if pfx, err := netip.ParsePrefix(strings.TrimSpace(p)); err == nil && pfx.Bits() > n {
				return fmt.Errorf("--default-addr-pool-mask-length %d is shorter than the pool %s: Docker cannot cut /%d subnets out of it", n, p, n)
			}
		}
	}
	given := func(name string) bool { return lf.flagGiven != nil && lf.flagGiven(name) }
	mtu := config.CheckUnderlayMTU
	if given("underlay-mtu") {
		mtu = config.CheckMTUGiven
	}
	if err := mtu(lf.underlayMTU); err != nil {
		return fmt.Errorf("--underlay-mtu: %w", err)
	}
	if err := config.CheckNodeCount(lf.nodeCount, given("node-count")); err != nil {
		return fmt.Errorf("--node-count: %w", err)
	}
	if given("policy-timeout") && lf.policyTimeout <= 0 {
		return fmt.Errorf("--policy-timeout %v: want a positive duration such as 30s", lf.policyTimeout)
	}
	return nil
}

// allowExplicit checks the files named on the command line (files as
// expanded from the arguments; standard input is no file) against the
// repository boundary: a path typed there may be anywhere, but not a
// symbolic link inside the repository that leads out of it (a pull request
// can commit stack.yml -> /etc/shadow; CI names stack.yml).
func (lf *lintFlags) allowExplicit(repo safeio.Root, files []string, overlay map[string][]byte) error {
	check := func(flag, p string) error {
		if p == "" {
			return nil
		}
		if _, ok := overlay[p]; ok {
			return nil
		}
		if err := repo.Allow(p, true); err != nil {
			if flag == "" {
				return err
			}
			return fmt.Errorf("%s: %w", flag, err)
		}
		return nil
	}
	for _, list := range []struct {
		flag  string
		files []string
	}{{"", files}, {"-c", lf.composeFiles}, {"--script", lf.scripts}, {"--cluster", lf.inventory}, {"--data", lf.dataFiles}, {"--policy", lf.policies}} {
		for _, f := range list.files {
			if err := check(list.flag, f); err != nil {
				return err
			}
		}
	}
	for _, c := range [][2]string{{"--daemon-json", lf.daemonJSON}, {"--config", lf.configFile}, {"--baseline", lf.baseline}} {
		if err := check(c[0], c[1]); err != nil {
			return err
		}
	}
	return nil
}

func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env
}

func runLint(ctx context.Context, lf *lintFlags, args []string, stdin io.Reader, stdout, stderr io.Writer) (rerr error) {
	w, err := report.Lookup(lf.format)
	if err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("--format: %w", err)}
	}
	if lf.format == "text" {
		color := lf.output == "" && !lf.noColor && os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
		w = report.TextWriter{Color: color}
	}
	// fail stops the run with exit code 2 and still writes the report: a
	// result without findings whose tool notification says what went wrong
	// (SARIF executionSuccessful false). Text on standard output is left
	// out: the error is on standard error already.
	fail := func(err error) error {
		if lf.format != "text" || lf.output != "" {
			_ = lf.writeReport(w, lint.FailedResult(version(), err), stdout)
		}
		return &exitError{code: ExitError, err: err}
	}
	defer func() {
		if r := recover(); r != nil {
			rerr = fail(fmt.Errorf("internal error: %v", r))
		}
	}()
	if _, ok := levelRank[lf.failOn]; !ok {
		return fail(fmt.Errorf("--fail-on %q: want error, warning, note or none", lf.failOn))
	}
	cfg, err := lf.config(ctx, args, stdin, stderr)
	if err != nil {
		return fail(inputsError(err))
	}
	if lf.debug {
		for _, sw := range cfg.Swarms {
			fmt.Fprintf(stderr, "swarmlint: %s\n", sw.Mode)
		}
	}
	if lf.baseline != "" && lf.writeBaseline == "" {
		if cfg.Baseline, err = lint.ReadBaseline(lf.baseline); err != nil {
			return fail(err)
		}
	}
	cfg.Skipped = func(file string) {
		fmt.Fprintf(stderr, "swarmlint: %s: skipped: not a Compose file\n", file)
	}
	res, _, err := lint.Run(ctx, cfg)
	if err != nil {
		if res == nil {
			return fail(err)
		}
		// The run stopped part way (an inventory or script that does not
		// load, a policy error): write what it did.
		res.Category = lf.category
		if lf.format != "text" || lf.output != "" {
			_ = lf.writeReport(w, res, stdout)
		}
		return &exitError{code: ExitError, err: err}
	}
	res.Category = lf.category
	if err := lf.baselineStep(res, cfg.Baseline, stderr); err != nil {
		return fail(err)
	}
	if !lf.showSuppressed {
		res.Findings = slices.DeleteFunc(res.Findings, func(f report.Finding) bool { return f.Suppression != nil })
	}
	if err := lf.writeReport(w, res, stdout); err != nil {
		return &exitError{code: ExitError, err: err}
	}
	// Tool notifications (a file that cannot be read, a stack linted only in
	// part) are in the report and, for scripts and CI logs, on standard
	// error too.
	for _, n := range res.Notifications {
		fmt.Fprintf(stderr, "swarmlint: %s\n", n.Message)
	}
	if !res.Successful {
		return &exitError{code: ExitError}
	}
	for _, f := range res.Findings {
		if f.Suppression == nil && levelRank[f.Level] >= levelRank[lf.failOn] {
			return &exitError{code: ExitFindings}
		}
	}
	return nil
}

// writeReport writes res in the chosen format to -o or standard output.
func (lf *lintFlags) writeReport(w report.Writer, res *report.Result, stdout io.Writer) error {
	var buf bytes.Buffer
	if err := w.Write(&buf, res); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if lf.output != "" {
		return writeOutput(lf.output, buf.Bytes())
	}
	_, err := stdout.Write(buf.Bytes())
	return err
}

// baselineStep writes the baseline for --write-baseline (which replaces any
// --baseline: the new file covers every current finding, and keeps the
// entries the file already had for files this run did not check) and tells
// on standard error how many findings the baseline covered.
func (lf *lintFlags) baselineStep(res *report.Result, used *lint.Baseline, stderr io.Writer) error {
	if lf.writeBaseline != "" {
		b := lint.NewBaseline(res.Findings)
		recorded := len(b.Findings)
		// The old file's entries of files this run did not check are
		// kept; a symbolic link is replaced, not read.
		var old *lint.Baseline
		if st, err := os.Lstat(lf.writeBaseline); err == nil && st.Mode().IsRegular() {
			if old, err = lint.ReadBaseline(lf.writeBaseline); err != nil {
				fmt.Fprintf(stderr, "swarmlint: writing the baseline anew: %v\n", err)
			}
		}
		checked := map[string]bool{}
		for _, f := range res.Checked {
			checked[f] = true
		}
		kept := b.KeepUnchecked(old, func(f string) bool { return checked[f] })
		if err := b.WriteFile(lf.writeBaseline); err != nil {
			return err
		}
		b.Apply(res.Findings, nil)
		msg := fmt.Sprintf("swarmlint: wrote %s to the baseline %s", countOf(recorded, "finding"), lf.writeBaseline)
		if kept > 0 {
			msg += fmt.Sprintf(" and kept its %s of files this run did not check", countOf(kept, "entry"))
		}
		fmt.Fprintln(stderr, msg)
		return nil
	}
	if used == nil {
		return nil
	}
	fmt.Fprintf(stderr, "swarmlint: %s matched the baseline %s and %s not reported\n",
		countOf(used.Matched, "finding"), lf.baseline, map[bool]string{true: "is", false: "are"}[used.Matched == 1])
	if used.Stale > 0 {
		fmt.Fprintf(stderr, "swarmlint: %s of the baseline %s no finding any more; refresh it with --write-baseline %s\n",
			countOf(used.Stale, "entry"), map[bool]string{true: "matches", false: "match"}[used.Stale == 1], lf.baseline)
	}
	return nil
}
