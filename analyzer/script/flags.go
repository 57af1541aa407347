package script

import (
	"strings"
	"unicode/utf8"
)

// flagSet describes the flags one docker command accepts, as declared in
// docker/cli with pflag.
type flagSet struct {
	takesValue map[string]bool   // long name -> needs a value (false: boolean)
	short      map[string]string // shorthand letter -> long name
}

// newFlagSet builds a flagSet from definitions "name", "name=",
// "name|x" and "name|x=": a trailing '=' marks a flag that takes a value,
// "|x" gives its one-letter shorthand.
func newFlagSet(defs ...[]string) *flagSet {
	fs := &flagSet{takesValue: map[string]bool{}, short: map[string]string{}}
	for _, group := range defs {
		for _, d := range group {
			value := strings.HasSuffix(d, "=")
			d = strings.TrimSuffix(d, "=")
			name, sh, _ := strings.Cut(d, "|")
			fs.takesValue[name] = value
			if sh != "" {
				fs.short[sh] = name
			}
		}
	}
	return fs
}

// cmdSpec describes one docker subcommand.
type cmdSpec struct {
	kind         string
	flags        *flagSet
	minArgs      int
	maxArgs      int  // < 0: unbounded
	interspersed bool // flags may follow positionals (false: "IMAGE [COMMAND] [ARG...]")
}

var (
	helpFlag = []string{"help|h"}

	// docker/cli cli/flags/options.go InstallFlags and cmd/docker/docker.go.
	globalFlags = newFlagSet(helpFlag, []string{
		"config=", "context|c=", "debug|D", "host|H=", "log-level|l=", "tls",
		"tlscacert=", "tlscert=", "tlskey=", "tlsverify", "version|v",
	})

	// Flags of a management command, accepted between it and the subcommand
	// (cobra TraverseChildren). docker stack has a deprecated persistent flag.
	parentFlags = map[string]*flagSet{
		"swarm":   newFlagSet(helpFlag),
		"network": newFlagSet(helpFlag),
		"service": newFlagSet(helpFlag),
		"stack":   newFlagSet(helpFlag, []string{"orchestrator="}),
	}

	// docker/cli cli/command/swarm/opts.go addSwarmFlags, addSwarmCAFlags.
	swarmCommonFlags = []string{
		"task-history-limit=", "dispatcher-heartbeat=", "max-snapshots=", "snapshot-interval=",
		"cert-expiry=", "external-ca=",
	}

	// docker/cli cli/command/service/opts.go addServiceFlags.
	serviceCommonFlags = []string{
		"detach|d", "quiet|q", "workdir|w=", "user|u=", "credential-spec=", "hostname=", "entrypoint=",
		"cap-add=", "cap-drop=", "limit-cpu=", "limit-memory=", "reserve-cpu=", "reserve-memory=",
		"limit-pids=", "memory-swap=", "memory-swappiness=", "stop-grace-period=", "replicas=",
		"max-concurrent=", "replicas-max-per-node=", "restart-condition=", "restart-delay=",
		"restart-max-attempts=", "restart-window=", "update-parallelism=", "update-delay=",
		"update-monitor=", "update-failure-action=", "update-max-failure-ratio=", "update-order=",
		"rollback-parallelism=", "rollback-delay=", "rollback-monitor=", "rollback-failure-action=",
		"rollback-max-failure-ratio=", "rollback-order=", "endpoint-mode=", "with-registry-auth",
		"no-resolve-image", "log-driver=", "log-opt=", "health-cmd=", "health-interval=",
		"health-timeout=", "health-retries=", "health-start-period=", "health-start-interval=",
		"no-healthcheck", "tty|t", "read-only", "stop-signal=", "isolation=",
	}

	networkRm = &cmdSpec{kind: KindNetworkRm, flags: newFlagSet(helpFlag, []string{"force|f"}), minArgs: 1, maxArgs: -1, interspersed: true}
	serviceRm = &cmdSpec{kind: KindServiceRm, flags: newFlagSet(helpFlag), minArgs: 1, maxArgs: -1, interspersed: true}
	stackDep  = &cmdSpec{kind: KindStackDeploy, flags: newFlagSet(helpFlag, []string{
		"compose-file|c=", "with-registry-auth", "prune", "resolve-image=", "detach|d", "quiet|q",
		"orchestrator=",
	}), minArgs: 1, maxArgs: 1, interspersed: true}

	// commands maps management command and subcommand (or alias) to its spec.
	commands = map[string]map[string]*cmdSpec{
		"swarm": {
			// docker/cli cli/command/swarm/init.go
			"init": {kind: KindSwarmInit, flags: newFlagSet(helpFlag, swarmCommonFlags, []string{
				"listen-addr=", "advertise-addr=", "data-path-addr=", "data-path-port=",
				"force-new-cluster", "autolock", "availability=", "default-addr-pool=",
				"default-addr-pool-mask-length=",
			}), interspersed: true},
			// join.go
			"join": {kind: KindSwarmJoin, flags: newFlagSet(helpFlag, []string{
				"listen-addr=", "advertise-addr=", "data-path-addr=", "token=", "availability=",
			}), minArgs: 1, maxArgs: 1, interspersed: true},
			// update.go
			"update": {kind: KindSwarmUpdate, flags: newFlagSet(helpFlag, swarmCommonFlags, []string{"autolock"}), interspersed: true},
			// leave.go
			"leave": {kind: KindSwarmLeave, flags: newFlagSet(helpFlag, []string{"force|f"}), interspersed: true},
		},
		"network": {
			// docker/cli cli/command/network/create.go
			"create": {kind: KindNetworkCreate, flags: newFlagSet(helpFlag, []string{
				"driver|d=", "opt|o=", "label=", "internal", "ipv4", "ipv6", "attachable", "ingress",
				"scope=", "config-only", "config-from=", "ipam-driver=", "subnet=", "ip-range=",
				"gateway=", "aux-address=", "ipam-opt=",
			}), minArgs: 1, maxArgs: 1, interspersed: true},
			// remove.go
			"rm":     networkRm,
			"remove": networkRm,
		},
		"service": {
			// docker/cli cli/command/service/create.go (SetInterspersed(false))
			"create": {kind: KindServiceCreate, flags: newFlagSet(helpFlag, serviceCommonFlags, []string{
				"mode=", "name=", "label|l=", "container-label=", "env|e=", "env-file=", "mount=",
				"constraint=", "placement-pref=", "network=", "secret=", "config=", "publish|p=",
				"group=", "dns=", "dns-option=", "dns-search=", "host=", "init", "sysctl=", "ulimit=",
				"oom-score-adj=", "generic-resource=",
			}), minArgs: 1, maxArgs: -1},
			// update.go
			"update": {kind: KindServiceUpdate, flags: newFlagSet(helpFlag, serviceCommonFlags, []string{
				"image=", "args=", "rollback", "force", "env-rm=", "group-rm=", "label-rm=",
				"container-label-rm=", "mount-rm=", "publish-rm=", "constraint-rm=", "dns-rm=",
				"dns-option-rm=", "dns-search-rm=", "host-rm=", "label-add=", "container-label-add=",
				"env-add=", "secret-rm=", "secret-add=", "config-rm=", "config-add=", "mount-add=",
				"constraint-add=", "placement-pref-add=", "placement-pref-rm=", "network-add=",
				"network-rm=", "publish-add=", "group-add=", "dns-add=", "dns-option-add=",
				"dns-search-add=", "host-add=", "init", "sysctl-add=", "sysctl-rm=", "ulimit-add=",
				"ulimit-rm=", "oom-score-adj=", "generic-resource-rm=", "generic-resource-add=",
			}), minArgs: 1, maxArgs: 1, interspersed: true},
			// remove.go
			"rm":     serviceRm,
			"remove": serviceRm,
		},
		"stack": {
			// docker/cli cli/command/stack/deploy.go
			"deploy": stackDep,
			"up":     stackDep,
		},
	}

	globalSpec = &cmdSpec{flags: globalFlags, minArgs: 1, maxArgs: -1}
)

// argParser reads the words of a docker command line the way pflag does.
type argParser struct {
	li       *lineIndex
	spec     *cmdSpec
	ws       []rword
	args     []Arg
	flags    []Flag
	npos     int
	dashdash bool
}

// isFlagWord reports whether a word starts with a resolved '-' and is not
// a lone "-".
func isFlagWord(w *rword) bool {
	return len(w.text) >= 2 && w.text[0] == '-' && !w.unknown[0]
}

// run parses p.ws[i:]. With stop it returns the index of the first
// positional word without consuming it (used for the command names);
// otherwise it returns len(p.ws).
func (p *argParser) run(i int, stop bool) int {
	for i < len(p.ws) {
		w := &p.ws[i]
		switch {
		case p.dashdash || (!p.spec.interspersed && p.npos > 0) || !isFlagWord(w):
			if stop {
				return i
			}
			p.args = append(p.args, Arg{Word: w.word(p.li, 0), Kind: ArgPositional, Flag: -1})
			p.npos++
			i++
		case w.isLit("--"):
			p.args = append(p.args, Arg{Word: w.word(p.li, 0), Kind: ArgEndOfFlags, Flag: -1})
			p.dashdash = true
			i++
		default:
			i = p.flag(i)
		}
	}
	return i
}

// flag parses the flag word at p.ws[i] (and its value word, if any) and
// returns the index of the next word.
func (p *argParser) flag(i int) int {
	w := &p.ws[i]
	t := w.text
	region := p.li.region(w.start, w.end)
	first := len(p.flags)
	next := i + 1
	valueWord := -1
	add := func(f Flag) {
		f.Pos = region
		p.flags = append(p.flags, f)
	}
	takeNext := func(f *Flag) {
		if next < len(p.ws) {
			f.Value = p.ws[next].word(p.li, 0)
			f.HasValue = true
			valueWord = next
			next++
		}
	}
	if t[1] == '-' && !w.unknown[1] {
		eq := -1
		for j := 2; j < len(t); j++ {
			if t[j] == '=' && !w.unknown[j] {
				eq = j
				break
			}
		}
		nameEnd := len(t)
		if eq >= 0 {
			nameEnd = eq
		}
		f := Flag{Name: string(t[2:nameEnd]), Spelling: string(t[:nameEnd])}
		nameKnown := w.known(2, nameEnd)
		takes, known := p.spec.flags.takesValue[f.Name]
		f.Unknown = !known || !nameKnown || f.Name == ""
		switch {
		case eq >= 0:
			f.Value = w.word(p.li, eq+1)
			f.HasValue = true
		case f.Unknown:
			if nameKnown && p.guessValue(next) {
				takeNext(&f)
			}
		case takes:
			takeNext(&f)
		}
		add(f)
	} else {
		for j := 1; j < len(t); {
			if w.unknown[j] {
				add(Flag{Name: string(t[j:]), Spelling: "-" + string(t[j:]), Unknown: true})
				break
			}
			_, n := utf8.DecodeRune(t[j:])
			sh := string(t[j : j+n])
			long, ok := p.spec.flags.short[sh]
			f := Flag{Name: long, Spelling: "-" + sh}
			if !ok {
				f.Name, f.Unknown = sh, true
			}
			rest := j + n
			if rest < len(t) && t[rest] == '=' && !w.unknown[rest] {
				f.Value = w.word(p.li, rest+1)
				f.HasValue = true
				add(f)
				break
			}
			if !ok || !p.spec.flags.takesValue[long] {
				// Boolean (or unknown: assumed boolean unless it ends the word).
				if !ok && rest == len(t) && p.guessValue(next) {
					takeNext(&f)
				}
				add(f)
				j = rest
				continue
			}
			if rest < len(t) {
				f.Value = w.word(p.li, rest)
				f.HasValue = true
			} else {
				takeNext(&f)
			}
			add(f)
			break
		}
	}
	p.args = append(p.args, Arg{Word: w.word(p.li, 0), Kind: ArgFlag, Flag: first})
	if valueWord >= 0 {
		p.args = append(p.args, Arg{Word: p.ws[valueWord].word(p.li, 0), Kind: ArgFlagValue, Flag: len(p.flags) - 1})
	}
	return next
}

// guessValue decides whether an unknown flag takes the word at index next
// as its value: only when that word does not look like a flag and the
// command still gets the positionals it needs without it.
func (p *argParser) guessValue(next int) bool {
	if p.spec == globalSpec || next >= len(p.ws) {
		return false
	}
	w := &p.ws[next]
	if isFlagWord(w) || w.isLit("--") {
		return false
	}
	if p.spec.maxArgs == 0 {
		return true
	}
	need := max(p.spec.minArgs-p.npos, 0)
	return p.countPositionals(next+1) >= need
}

// countPositionals counts the positional words in p.ws[from:], treating
// unknown flags as booleans.
func (p *argParser) countPositionals(from int) int {
	n := 0
	for i := from; i < len(p.ws); i++ {
		w := &p.ws[i]
		if w.isLit("--") || (!p.spec.interspersed && p.npos+n > 0) {
			if w.isLit("--") {
				i++
			}
			return n + len(p.ws) - i
		}
		if !isFlagWord(w) {
			n++
			continue
		}
		if p.consumesNext(w) {
			i++
		}
	}
	return n
}

// consumesNext reports whether a known flag word takes the next word as
// its value.
func (p *argParser) consumesNext(w *rword) bool {
	t := w.text
	if t[1] == '-' {
		for j := 2; j < len(t); j++ {
			if t[j] == '=' || w.unknown[j] {
				return false
			}
		}
		return p.spec.flags.takesValue[string(t[2:])]
	}
	for j := 1; j < len(t); {
		if w.unknown[j] {
			return false
		}
		_, n := utf8.DecodeRune(t[j:])
		long, ok := p.spec.flags.short[string(t[j:j+n])]
		if ok && p.spec.flags.takesValue[long] {
			return j+n == len(t)
		}
		if j+n < len(t) && t[j+n] == '=' {
			return false
		}
		j += n
	}
	return false
}
