// Package config reads .swarmlint.yaml: it finds the file (Find), parses
// and validates it with positions (Load, Parse), confines the paths it names
// to the repository, and says where its swarm.init values are (InitAt), for
// the CLI and lint layer to turn into analyzer and lint inputs. The analyzer
// never reads the configuration.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/lazyre"
	"github.com/swarmlint/swarmlint/internal/safeio"

	"go.yaml.in/yaml/v4"
)

// FileName is the configuration file looked up from the working
// directory up to the repository root (Find).
const FileName = ".swarmlint.yaml"

// FileNames are the names the configuration file may have, in the
// order they are looked for in one directory.
var FileNames = []string{FileName, ".swarmlint.yml"}

// Config is .swarmlint.yaml (schema: docs/config.schema.json).
type Config struct {
	// Rules selects rules and overrides their severity.
	Rules Rules `yaml:"rules" json:"rules"`
	// Swarm holds the swarm init flags.
	Swarm Swarm `yaml:"swarm" json:"swarm"`
	// Cluster holds facts about the cluster the files cannot give.
	Cluster Cluster `yaml:"cluster" json:"cluster"`
	// Stacks groups files into stacks merged in order.
	Stacks []Stack `yaml:"stacks" json:"stacks"`
	// Ignore suppresses findings, each with a mandatory reason.
	Ignore []Ignore `yaml:"ignore" json:"ignore"`
	// Scripts are bootstrap shell scripts linted with the stacks.
	Scripts []string `yaml:"scripts" json:"scripts"`
	// DaemonJSON is a daemon.json file (SWL508).
	DaemonJSON string `yaml:"daemon_json" json:"daemon_json"`
	// Swarms are several swarms, each with its own stacks, scripts and
	// settings; stacks of different swarms are not checked against each
	// other. Top-level swarm: and cluster: settings apply to every swarm
	// that does not set them. Not together with top-level stacks: or
	// scripts: (those describe the one swarm of a configuration without
	// swarms:).
	Swarms []SwarmEntry `yaml:"swarms" json:"swarms"`
	// Policies are directories of custom Rego rules.
	Policies []string `yaml:"policies" json:"policies"`
	// Params is data.swarmlint.params for rules.
	Params map[string]any `yaml:"params" json:"params"`

	// File is where the configuration was read from ("" when none).
	File string `yaml:"-" json:"-"`
	// Root is the repository the configuration's paths are confined to.
	Root safeio.Root `yaml:"-" json:"-"`
}

// Rules is the rules: section.
type Rules struct {
	Enable   []string          `yaml:"enable" json:"enable"`
	Disable  []string          `yaml:"disable" json:"disable"`
	Severity map[string]string `yaml:"severity" json:"severity"`
}

// Swarm is the swarm: section.
type Swarm struct {
	// Init is a `docker swarm init ...` command line.
	Init             string   `yaml:"init" json:"init"`
	DefaultAddrPools []string `yaml:"default_addr_pools" json:"default_addr_pools"`
	MaskLength       int      `yaml:"default_addr_pool_mask_length" json:"default_addr_pool_mask_length"`
	DataPathPort     int      `yaml:"data_path_port" json:"data_path_port"`
}

// Cluster is the cluster: section.
type Cluster struct {
	Nodes          int      `yaml:"nodes" json:"nodes"`
	HostNetworks   []string `yaml:"host_networks" json:"host_networks"`
	UnderlayMTU    int      `yaml:"underlay_mtu" json:"underlay_mtu"`
	LegacyIngress  bool     `yaml:"legacy_ingress" json:"legacy_ingress"`
	Docker0        string   `yaml:"docker0" json:"docker0"`
	DockerGwbridge string   `yaml:"docker_gwbridge" json:"docker_gwbridge"`
	// Inventory lists `docker network inspect` / `docker service inspect` JSON files.
	Inventory []string `yaml:"inventory" json:"inventory"`
	// DockerHost is the engine --live reads (unix://, tcp://, ssh://user@host).
	DockerHost string `yaml:"docker_host" json:"docker_host"`
}

// Stack is one stacks: entry.
type Stack struct {
	Name  string   `yaml:"name" json:"name"`
	Files []string `yaml:"files" json:"files"`
}

// SwarmEntry is one swarms: entry.
type SwarmEntry struct {
	Name       string   `yaml:"name" json:"name"`
	Swarm      Swarm    `yaml:"swarm" json:"swarm"`
	Cluster    Cluster  `yaml:"cluster" json:"cluster"`
	Stacks     []Stack  `yaml:"stacks" json:"stacks"`
	Scripts    []string `yaml:"scripts" json:"scripts"`
	DaemonJSON string   `yaml:"daemon_json" json:"daemon_json"`
}

// Ignore is one ignores: entry.
type Ignore struct {
	Rule    string `yaml:"rule" json:"rule"`
	Path    string `yaml:"path" json:"path"` // a glob over file paths; "" = every file
	Reason  string `yaml:"reason" json:"reason"`
	Expires string `yaml:"expires" json:"expires"` // YYYY-MM-DD
	Line    int    `yaml:"-" json:"-"`
}

// Find looks for .swarmlint.yaml (or .swarmlint.yml) from dir upwards, the way git looks
// for .git: it stops at the repository root (the directory holding .git),
// so a parent directory's configuration never applies to a clone; outside
// a repository it looks in dir alone (the repository is then dir, as for
// safeio.RepoRoot), so a checkout without .git is not reached by a
// configuration in /tmp or a CI workspace above it. It never reads a
// directory owned by another user (git's safe.directory rule), nor a
// configuration file owned by another user, so a configuration planted in
// a shared directory never applies either. skipped names a configuration
// left alone for that second reason ("" when none), for a note.
func Find(dir string) (path, skipped string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", ""
	}
	top := safeio.RepoRoot(abs).Dir
	for {
		p := filepath.Join(abs, FileNames[0])
		_, statErr := os.Lstat(p)
		for _, name := range FileNames[1:] {
			if statErr != nil {
				p = filepath.Join(abs, name)
				_, statErr = os.Lstat(p)
			}
		}
		if !safeio.OwnedByUser(abs) {
			if statErr == nil {
				return "", p
			}
			return "", ""
		}
		if statErr == nil {
			if !safeio.OwnedByUser(p) {
				// planted by another user in a directory we own or that
				// is shared with a sticky bit (/tmp when running as root)
				return "", p
			}
			return p, ""
		}
		if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil || abs == top {
			return "", ""
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return "", ""
		}
		abs = parent
	}
}

var dateRe = lazyre.New(`^\d{4}-\d{2}-\d{2}$`)

// Load reads and validates a configuration file: unknown keys and bad
// values are errors naming file:line:col.
//
// Every path in it (stacks, scripts, policies, daemon_json, inventory) is
// relative to the file and must resolve inside the repository that holds
// the file (RepoRoot), symbolic links included: a configuration from a pull
// request cannot make swarmlint read /etc/shadow or a policy from elsewhere.
func Load(path string) (*Config, error) {
	src, err := analyzer.ReadInput(path, safeio.MaxConfigSize)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse parses configuration bytes. Paths are confined to the
// repository holding path (see Load).
func Parse(path string, src []byte) (*Config, error) {
	cfg := &Config{File: path}
	dec0 := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec0.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, nil // empty, or only comments
		}
		return nil, analyzer.YAMLError(path, err)
	}
	var extra yaml.Node
	if err := dec0.Decode(&extra); err == nil {
		line, col := extra.Line, extra.Column
		if len(extra.Content) > 0 {
			line, col = extra.Content[0].Line, extra.Content[0].Column
		}
		return nil, &analyzer.InputError{File: path, Line: line, Col: col, Msg: "invalid configuration: a second YAML document; the configuration is one document (remove the extra ---)"}
	} else if !errors.Is(err, io.EOF) {
		return nil, analyzer.YAMLError(path, err)
	}
	root := analyzer.Deref(&doc)
	if root == nil || root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return cfg, nil // only comments, or `---` alone
	}
	if err := checkConfigNodes(path, root); err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		line, col := 1, 1
		if root != nil {
			line, col = root.Line, root.Column
		}
		return nil, &analyzer.InputError{File: path, Line: line, Col: col, Msg: "configuration must be a mapping (rules:, swarm:, cluster:, stacks:, ignore:, policies:, params:)"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		ie := analyzer.YAMLError(path, err).(*analyzer.InputError)
		ie.Msg = strings.TrimPrefix(ie.Msg, "invalid YAML: ")
		if m := unknownFieldRe().FindStringSubmatch(ie.Msg); m != nil {
			section := strings.ToLower(strings.TrimPrefix(m[2], "Config"))
			if section == "" {
				section = "the top level"
			}
			ie.Msg = fmt.Sprintf("unknown key %q in %s (see docs/config.schema.json)", m[1], section)
		}
		ie.Msg = "invalid configuration: " + ie.Msg
		if ie.Col == 0 {
			ie.Col = keyColumn(src, ie.Line)
		}
		return nil, ie
	}
	cfg.File = path
	d := analyzer.NewDoc(path, src, &doc)
	bad := func(p []any, format string, args ...any) error {
		r, _ := analyzer.Locate([]*analyzer.Doc{d}, p)
		return &analyzer.InputError{File: path, Line: r.StartLine, Col: r.StartCol, Msg: "invalid configuration: " + fmt.Sprintf(format, args...)}
	}
	// badValue points at a scalar value rather than its key
	badValue := func(p []any, format string, args ...any) error {
		err := bad(p, format, args...).(*analyzer.InputError)
		if v := d.Value(p); v != nil && v.Kind == yaml.ScalarNode {
			err.Line, err.Col = v.Line, v.Column
		}
		return err
	}
	for i := range cfg.Ignore {
		ig := &cfg.Ignore[i]
		r, _ := analyzer.Locate([]*analyzer.Doc{d}, []any{"ignore", i})
		ig.Line = r.StartLine
		if strings.TrimSpace(ig.Rule) == "" {
			return nil, bad([]any{"ignore", i}, "ignore entry needs a rule")
		}
		if strings.TrimSpace(ig.Reason) == "" {
			return nil, bad([]any{"ignore", i}, "ignore entry for %s needs a reason", ig.Rule)
		}
		if ig.Expires != "" {
			if !dateRe().MatchString(ig.Expires) {
				return nil, bad([]any{"ignore", i, "expires"}, "expires %q: want YYYY-MM-DD", ig.Expires)
			}
			if _, err := time.Parse("2006-01-02", ig.Expires); err != nil {
				return nil, bad([]any{"ignore", i, "expires"}, "expires %q: not a date", ig.Expires)
			}
		}
		if ig.Path != "" {
			if _, err := filepath.Match(ig.Path, ""); err != nil {
				return nil, bad([]any{"ignore", i, "path"}, "path %q: bad glob: %v", ig.Path, err)
			}
		}
	}
	for id, sev := range cfg.Rules.Severity {
		if sev != "error" && sev != "warning" && sev != "note" {
			return nil, bad([]any{"rules", "severity", id}, "severity of %s must be error, warning or note, not %q", id, sev)
		}
	}
	for i, s := range cfg.Stacks {
		if len(s.Files) == 0 {
			return nil, bad([]any{"stacks", i}, "stack %q needs files", s.Name)
		}
	}
	// checkFacts validates the swarm: and cluster: sections at prefix (the
	// top level, or a swarms: entry).
	checkFacts := func(prefix []any, sw Swarm, cl Cluster) error {
		at := func(p ...any) []any { return append(append([]any{}, prefix...), p...) }
		given := func(p ...any) bool { return d.Value(at(p...)) != nil }
		if err := CheckNodeCount(cl.Nodes, given("cluster", "nodes")); err != nil {
			return badValue(at("cluster", "nodes"), "nodes: %v", err)
		}
		for i, p := range sw.DefaultAddrPools {
			if err := CheckCIDR(p); err != nil {
				return bad(at("swarm", "default_addr_pools", i), "default_addr_pools: %v", err)
			}
		}
		for i, p := range cl.HostNetworks {
			if err := CheckCIDR(p); err != nil {
				return bad(at("cluster", "host_networks", i), "host_networks: %v", err)
			}
		}
		if n := sw.MaskLength; n < 0 || n > 29 {
			return badValue(at("swarm", "default_addr_pool_mask_length"), "default_addr_pool_mask_length %d is out of range: Docker accepts 1 to 29 (subnet size is out of range)", n)
		}
		if n := sw.MaskLength; n > 0 {
			pools := sw.DefaultAddrPools
			if len(pools) == 0 {
				pools = []string{"10.0.0.0/8"}
			}
			for _, p := range pools {
				if pfx, err := netip.ParsePrefix(strings.TrimSpace(p)); err == nil && pfx.Bits() > n {
					return badValue(at("swarm", "default_addr_pool_mask_length"), "default_addr_pool_mask_length %d is shorter than the pool %s: Docker cannot cut /%d subnets out of it", n, p, n)
				}
			}
		}
		if n := sw.DataPathPort; n != 0 && (n < 1024 || n > 49151) {
			return badValue(at("swarm", "data_path_port"), "data_path_port %d is out of range: Docker accepts 1024 to 49151", n)
		}
		mtu := CheckUnderlayMTU
		if given("cluster", "underlay_mtu") {
			mtu = CheckMTUGiven
		}
		if err := mtu(cl.UnderlayMTU); err != nil {
			return badValue(at("cluster", "underlay_mtu"), "underlay_mtu: %v", err)
		}
		for _, kv := range [][2]string{{"docker0", cl.Docker0}, {"docker_gwbridge", cl.DockerGwbridge}} {
			if key, p := kv[0], kv[1]; p != "" && CheckCIDR(p) != nil {
				err := CheckCIDR(p)
				return bad(at("cluster", key), "%s: %v", key, err)
			}
		}
		return nil
	}
	if err := checkFacts(nil, cfg.Swarm, cfg.Cluster); err != nil {
		return nil, err
	}
	if len(cfg.Swarms) > 0 {
		for key, n := range map[string]int{"stacks": len(cfg.Stacks), "scripts": len(cfg.Scripts)} {
			if n > 0 {
				return nil, bad([]any{key}, "top-level %s: cannot be used with swarms:; move it into a swarms: entry", key)
			}
		}
	}
	swarmNames := map[string]bool{}
	for i, sw := range cfg.Swarms {
		if strings.TrimSpace(sw.Name) == "" {
			return nil, bad([]any{"swarms", i}, "swarm entry needs a name")
		}
		if swarmNames[sw.Name] {
			return nil, bad([]any{"swarms", i, "name"}, "swarm name %q given twice", sw.Name)
		}
		swarmNames[sw.Name] = true
		for j, s := range sw.Stacks {
			if len(s.Files) == 0 {
				return nil, bad([]any{"swarms", i, "stacks", j}, "stack %q needs files", s.Name)
			}
		}
		if err := checkFacts([]any{"swarms", i}, sw.Swarm, sw.Cluster); err != nil {
			return nil, err
		}
	}
	// relative paths are relative to the configuration file
	base := filepath.Dir(path)
	rel := func(p string) string {
		if filepath.IsAbs(p) || base == "." {
			return p
		}
		return filepath.Join(base, p)
	}
	for i := range cfg.Stacks {
		for j := range cfg.Stacks[i].Files {
			cfg.Stacks[i].Files[j] = rel(cfg.Stacks[i].Files[j])
		}
	}
	for i := range cfg.Policies {
		cfg.Policies[i] = rel(cfg.Policies[i])
	}
	for i := range cfg.Scripts {
		cfg.Scripts[i] = rel(cfg.Scripts[i])
	}
	if cfg.DaemonJSON != "" {
		cfg.DaemonJSON = rel(cfg.DaemonJSON)
	}
	for i := range cfg.Cluster.Inventory {
		cfg.Cluster.Inventory[i] = rel(cfg.Cluster.Inventory[i])
	}
	repo := safeio.RepoRoot(base)
	confine := func(p []any, key, file string) error {
		if err := repo.Allow(file, false); err != nil {
			var oe *safeio.OutsideError
			if errors.As(err, &oe) {
				oe.Path = pathAt(d, p, file)
			}
			return badValue(p, "%s: %v", key, err)
		}
		return nil
	}
	for i := range cfg.Stacks {
		for j, f := range cfg.Stacks[i].Files {
			if err := confine([]any{"stacks", i, "files", j}, "stacks", f); err != nil {
				return nil, err
			}
		}
	}
	for i, f := range cfg.Policies {
		if err := confine([]any{"policies", i}, "policies", f); err != nil {
			return nil, err
		}
	}
	for i, f := range cfg.Scripts {
		if err := confine([]any{"scripts", i}, "scripts", f); err != nil {
			return nil, err
		}
	}
	if cfg.DaemonJSON != "" {
		if err := confine([]any{"daemon_json"}, "daemon_json", cfg.DaemonJSON); err != nil {
			return nil, err
		}
	}
	for i, f := range cfg.Cluster.Inventory {
		if err := confine([]any{"cluster", "inventory", i}, "inventory", f); err != nil {
			return nil, err
		}
	}
	for i := range cfg.Swarms {
		sw := &cfg.Swarms[i]
		for j := range sw.Stacks {
			for k := range sw.Stacks[j].Files {
				sw.Stacks[j].Files[k] = rel(sw.Stacks[j].Files[k])
				if err := confine([]any{"swarms", i, "stacks", j, "files", k}, "stacks", sw.Stacks[j].Files[k]); err != nil {
					return nil, err
				}
			}
		}
		for j := range sw.Scripts {
			sw.Scripts[j] = rel(sw.Scripts[j])
			if err := confine([]any{"swarms", i, "scripts", j}, "scripts", sw.Scripts[j]); err != nil {
				return nil, err
			}
		}
		if sw.DaemonJSON != "" {
			sw.DaemonJSON = rel(sw.DaemonJSON)
			if err := confine([]any{"swarms", i, "daemon_json"}, "daemon_json", sw.DaemonJSON); err != nil {
				return nil, err
			}
		}
		for j := range sw.Cluster.Inventory {
			sw.Cluster.Inventory[j] = rel(sw.Cluster.Inventory[j])
			if err := confine([]any{"swarms", i, "cluster", "inventory", j}, "inventory", sw.Cluster.Inventory[j]); err != nil {
				return nil, err
			}
		}
	}
	cfg.Root = repo
	return cfg, nil
}

// pathAt is the path as the configuration writes it at p (for messages),
// or file when it cannot be found.
func pathAt(d *analyzer.Doc, p []any, file string) string {
	if v := d.Value(p); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return file
}

// MaxNodes bounds the node count swarmlint models: sizing multiplies it
// by tasks and services, and a count near 2⁶³ wrapped into a negative
// demand (no finding) instead of an error.
const MaxNodes = 100_000

// CheckNodeCount checks a node count (cluster.nodes, --node-count); given
// says it was written, so that 0 is not taken for "unset" (3 nodes).
func CheckNodeCount(n int, given bool) error {
	if n < 0 || given && n == 0 || n > MaxNodes {
		return fmt.Errorf("%d is not a number of nodes: want 1 to %d", n, MaxNodes)
	}
	return nil
}

// CheckUnderlayMTU checks an underlay MTU setting: 0 (unset, 1500) or
// from 68, the smallest MTU IPv4 allows (RFC 791), to 65535, the largest
// an IPv4 packet can be.
func CheckUnderlayMTU(n int) error {
	if n != 0 {
		return CheckMTUGiven(n)
	}
	return nil
}

// CheckMTUGiven is CheckUnderlayMTU for a value that was written: 0 is
// no MTU then, rather than "unset".
func CheckMTUGiven(n int) error {
	if n < 68 || n > 65535 {
		return fmt.Errorf("%d is not an MTU: want 68 to 65535 bytes (1500 on most networks)", n)
	}
	return nil
}

// checkConfigNodes refuses what the YAML decoder would expand or encode
// without bound or without a position: aliases that expand past
// maxConfigExpansion (a small file standing for gigabytes once params are
// encoded), and .inf or .nan, which params cannot hold (JSON has neither).
func checkConfigNodes(path string, root *yaml.Node) error {
	if n := safeio.ExpandedSize(root, maxConfigExpansion); n > maxConfigExpansion {
		return &analyzer.InputError{File: path, Line: root.Line, Col: root.Column,
			Msg: fmt.Sprintf("invalid configuration: its aliases expand to more than %s (the file may be at most %s)", safeio.Bytes(maxConfigExpansion), safeio.Bytes(safeio.MaxConfigSize))}
	}
	if n := safeio.NonFinite(root); n != nil {
		return &analyzer.InputError{File: path, Line: n.Line, Col: n.Column,
			Msg: fmt.Sprintf("invalid configuration: %s is not a number a parameter can hold (JSON has no infinity or NaN); quote it if it is text", n.Value)}
	}
	return nil
}

// maxConfigExpansion bounds a configuration with its aliases expanded.
const maxConfigExpansion = 4 * safeio.MaxConfigSize

// CheckCIDR reports whether s is a CIDR such as 10.20.0.0/16, for settings
// that name networks (pools, host networks): rules could not check them
// otherwise, and Docker refuses them.
func CheckCIDR(s string) error {
	if _, err := netip.ParsePrefix(strings.TrimSpace(s)); err != nil {
		return fmt.Errorf("%q is not a CIDR (want an address/length such as 10.20.0.0/16)", s)
	}
	return nil
}

func keyColumn(src []byte, line int) int {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	return len(l) - len(strings.TrimLeft(l, " -")) + 1
}

// Active reports whether an ignore entry still applies on day now.
func (ig Ignore) Active(now time.Time) bool {
	if ig.Expires == "" {
		return true
	}
	t, err := time.Parse("2006-01-02", ig.Expires)
	if err != nil {
		return false
	}
	return !now.After(t.Add(24*time.Hour - time.Nanosecond))
}

// Matches reports whether an ignore entry covers a finding of rule in file.
func (ig Ignore) Matches(rule, file string) bool {
	if !strings.EqualFold(ig.Rule, rule) && !(strings.HasSuffix(ig.Rule, "*") && strings.HasPrefix(strings.ToUpper(rule), strings.ToUpper(strings.TrimSuffix(ig.Rule, "*")))) {
		return false
	}
	if ig.Path == "" {
		return true
	}
	ok, _ := filepath.Match(ig.Path, filepath.ToSlash(file))
	if !ok {
		ok, _ = filepath.Match(ig.Path, filepath.Base(file))
	}
	return ok
}

var unknownFieldRe = lazyre.New(`field (\S+) not found in type \S*\.(\w+)`)
