package analyzer

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/swarmlint/swarmlint/internal/safeio"

	"go.yaml.in/yaml/v4"
)

// ConfigFileName is the configuration file looked up from the working
// directory upwards.
const ConfigFileName = ".swarmlint.yaml"

// Config is .swarmlint.yaml (schema: docs/config.schema.json).
type Config struct {
	// Rules selects rules and overrides their severity.
	Rules ConfigRules `yaml:"rules" json:"rules"`
	// Swarm holds the swarm init flags.
	Swarm ConfigSwarm `yaml:"swarm" json:"swarm"`
	// Cluster holds facts about the cluster the files cannot give.
	Cluster ConfigCluster `yaml:"cluster" json:"cluster"`
	// Stacks groups files into stacks merged in order.
	Stacks []ConfigStack `yaml:"stacks" json:"stacks"`
	// Ignore suppresses findings, each with a mandatory reason.
	Ignore []ConfigIgnore `yaml:"ignore" json:"ignore"`
	// Scripts are bootstrap shell scripts linted with the stacks.
	Scripts []string `yaml:"scripts" json:"scripts"`
	// DaemonJSON is a daemon.json file (SWL508).
	DaemonJSON string `yaml:"daemon_json" json:"daemon_json"`
	// Policies are directories of custom Rego rules.
	Policies []string `yaml:"policies" json:"policies"`
	// Params is data.swarmlint.params for rules.
	Params map[string]any `yaml:"params" json:"params"`

	// File is where the configuration was read from ("" when none).
	File string `yaml:"-" json:"-"`
	// Lines maps ignore entries to their line in the file.
	ignoreLines []int
}

// ConfigRules is the rules: section.
type ConfigRules struct {
	Enable   []string          `yaml:"enable" json:"enable"`
	Disable  []string          `yaml:"disable" json:"disable"`
	Severity map[string]string `yaml:"severity" json:"severity"`
}

// ConfigSwarm is the swarm: section.
type ConfigSwarm struct {
	// Init is a `docker swarm init ...` command line.
	Init             string   `yaml:"init" json:"init"`
	DefaultAddrPools []string `yaml:"default_addr_pools" json:"default_addr_pools"`
	MaskLength       int      `yaml:"default_addr_pool_mask_length" json:"default_addr_pool_mask_length"`
	DataPathPort     int      `yaml:"data_path_port" json:"data_path_port"`
}

// ConfigCluster is the cluster: section.
type ConfigCluster struct {
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

// ConfigStack is one stacks: entry.
type ConfigStack struct {
	Name  string   `yaml:"name" json:"name"`
	Files []string `yaml:"files" json:"files"`
}

// ConfigIgnore is one ignores: entry.
type ConfigIgnore struct {
	Rule    string `yaml:"rule" json:"rule"`
	Path    string `yaml:"path" json:"path"` // a glob over file paths; "" = every file
	Reason  string `yaml:"reason" json:"reason"`
	Expires string `yaml:"expires" json:"expires"` // YYYY-MM-DD
	Line    int    `yaml:"-" json:"-"`
}

// FindConfig looks for .swarmlint.yaml from dir upwards.
func FindConfig(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(abs, ConfigFileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		abs = parent
	}
}

var dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// LoadConfig reads and validates a configuration file: unknown keys and bad
// values are errors naming file:line:col.
func LoadConfig(path string) (*Config, error) {
	src, err := ReadInput(path, safeio.MaxConfigSize)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, src)
}

// ParseConfig parses configuration bytes.
func ParseConfig(path string, src []byte) (*Config, error) {
	cfg := &Config{File: path}
	if len(bytes.TrimSpace(src)) == 0 {
		return cfg, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	root := deref(&doc)
	if root == nil || root.Kind != yaml.MappingNode {
		line, col := 1, 1
		if root != nil {
			line, col = root.Line, root.Column
		}
		return nil, &InputError{File: path, Line: line, Col: col, Msg: "configuration must be a mapping (rules:, swarm:, cluster:, stacks:, ignore:, policies:, params:)"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		ie := yamlError(path, err).(*InputError)
		ie.Msg = strings.TrimPrefix(ie.Msg, "invalid YAML: ")
		if m := unknownFieldRe.FindStringSubmatch(ie.Msg); m != nil {
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
	d := NewDoc(path, src, &doc)
	bad := func(p []any, format string, args ...any) error {
		r, _ := Locate([]*Doc{d}, p)
		return &InputError{File: path, Line: r.StartLine, Col: r.StartCol, Msg: "invalid configuration: " + fmt.Sprintf(format, args...)}
	}
	for i := range cfg.Ignore {
		ig := &cfg.Ignore[i]
		r, _ := Locate([]*Doc{d}, []any{"ignore", i})
		ig.Line = r.StartLine
		if strings.TrimSpace(ig.Rule) == "" {
			return nil, bad([]any{"ignore", i}, "ignore entry needs a rule")
		}
		if strings.TrimSpace(ig.Reason) == "" {
			return nil, bad([]any{"ignore", i}, "ignore entry for %s needs a reason", ig.Rule)
		}
		if ig.Expires != "" {
			if !dateRe.MatchString(ig.Expires) {
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
	if n := cfg.Cluster.Nodes; n < 0 {
		return nil, bad([]any{"cluster", "nodes"}, "nodes must be positive")
	}
	for i, p := range cfg.Swarm.DefaultAddrPools {
		if err := CheckCIDR(p); err != nil {
			return nil, bad([]any{"swarm", "default_addr_pools", i}, "default_addr_pools: %v", err)
		}
	}
	for i, p := range cfg.Cluster.HostNetworks {
		if err := CheckCIDR(p); err != nil {
			return nil, bad([]any{"cluster", "host_networks", i}, "host_networks: %v", err)
		}
	}
	for _, kv := range [][2]string{{"docker0", cfg.Cluster.Docker0}, {"docker_gwbridge", cfg.Cluster.DockerGwbridge}} {
		if key, p := kv[0], kv[1]; p != "" && CheckCIDR(p) != nil {
			err := CheckCIDR(p)
			return nil, bad([]any{"cluster", key}, "%s: %v", key, err)
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
	return cfg, nil
}

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
func (ig ConfigIgnore) Active(now time.Time) bool {
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
func (ig ConfigIgnore) Matches(rule, file string) bool {
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

var unknownFieldRe = regexp.MustCompile(`field (\S+) not found in type \S*\.(\w+)`)
