package analyzer

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Key classes: what `docker stack deploy` (docker/cli's v3 loader and its
// v3.13 schema) does with a key of a stack file that compose-go accepts
// (docs/swarm-behaviour.md#stack-file-keys). One table, keySections, and
// one classifier, keyClass, used by the scan of every key (build.go
// scanDocs); facts add only the keys of external networks (externalKeys).
var (
	topLevelV3   = set("version", "services", "networks", "volumes", "secrets", "configs")
	forbiddenSvc = set("extends", "volume_driver", "volumes_from", "cpu_quota", "cpu_shares", "cpuset", "mem_limit", "memswap_limit")
	ignoredSvc   = set("build", "cgroupns_mode", "cgroup_parent", "devices", "domainname", "external_links", "ipc", "links", "mac_address", "network_mode", "pid", "privileged", "restart", "security_opt", "shm_size", "userns_mode")
	deprecSvc    = set("container_name", "expose")
	serviceV3    = set("deploy", "build", "cap_add", "cap_drop", "cgroupns_mode", "cgroup_parent", "command",
		"configs", "container_name", "credential_spec", "depends_on", "devices", "dns", "dns_search",
		"domainname", "entrypoint", "env_file", "environment", "expose", "external_links", "extra_hosts",
		"healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging",
		"mac_address", "network_mode", "networks", "oom_score_adj", "pid", "ports", "privileged",
		"read_only", "restart", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period",
		"stop_signal", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "volumes", "working_dir")
	serviceNetworkV3 = set("aliases", "driver_opts", "ipv4_address", "ipv6_address")
	portLongV3       = set("mode", "target", "published", "protocol")
	networkV3        = set("name", "driver", "driver_opts", "ipam", "external", "internal", "attachable", "labels")
	ipamV3           = set("driver", "config")
	ipamConfigV3     = set("subnet")
)

// keySection is a mapping whose keys stack deploy restricts.
type keySection struct {
	at         string            // its dotted path: "" the top level, * any name or list index
	classes    map[string]string // the class of a named key
	allowed    map[string]bool   // the other keys of the v3.13 schema: no class
	other      string            // the class of every other key
	extensions bool              // x- keys are allowed: no class
}

// keySections is the key classification table.
var keySections = []keySection{
	{at: "", allowed: topLevelV3, other: "compose-only", extensions: true},
	{at: "services.*", classes: serviceClasses(), allowed: serviceV3, other: "compose-only", extensions: true},
	{at: "services.*.depends_on.*", other: "compose-only", extensions: true},
	// ipv4_address and ipv6_address pass the schema, but swarm gives
	// addresses itself; the other keys the schema rejects.
	{at: "services.*.networks.*", classes: map[string]string{"ipv4_address": "ignored", "ipv6_address": "ignored"},
		allowed: serviceNetworkV3, other: "compose-only"},
	{at: "services.*.ports.*", allowed: portLongV3, other: "compose-only"},
	{at: "networks.*", allowed: networkV3, other: "not-deployable", extensions: true},
	{at: "networks.*.ipam", allowed: ipamV3, other: "not-deployable", extensions: true},
	{at: "networks.*.ipam.config.*", allowed: ipamConfigV3, other: "not-deployable", extensions: true},
}

// serviceClasses: keys the loader refuses (forbidden), drops with a
// warning (unsupported) or still takes but deprecates.
func serviceClasses() map[string]string {
	c := map[string]string{}
	for k := range deprecSvc {
		c[k] = "deprecated"
	}
	for k := range ignoredSvc {
		c[k] = "unsupported"
	}
	for k := range forbiddenSvc {
		c[k] = "forbidden"
	}
	return c
}

// v3Since is the first v3 minor version whose schema allows a key that 3.0
// did not (keys are dotted paths, * for a name or list index): an older file
// version makes it class needs-version.
var v3Since = map[string]int{
	"secrets":                                           1,
	"configs":                                           3,
	"services.*.secrets":                                1,
	"services.*.configs":                                3,
	"services.*.credential_spec":                        3,
	"services.*.isolation":                              5,
	"services.*.init":                                   7,
	"services.*.cgroupns_mode":                          9,
	"services.*.oom_score_adj":                          13,
	"services.*.deploy.endpoint_mode":                   2,
	"services.*.deploy.rollback_config":                 7,
	"services.*.deploy.placement.preferences":           3,
	"services.*.deploy.placement.max_replicas_per_node": 8,
	"services.*.networks.*.driver_opts":                 13,
	"services.*.ports.*":                                2, // long syntax (a mapping item)
	"networks.*.attachable":                             2,
	"networks.*.name":                                   5,
}

// matchPattern reports whether path matches the dotted pattern (* any
// segment).
func matchPattern(pattern []string, path []string) bool {
	if len(pattern) != len(path) {
		return false
	}
	for i, s := range pattern {
		if s != "*" && s != path[i] {
			return false
		}
	}
	return true
}

var (
	sectionPaths = func() [][]string {
		out := make([][]string, len(keySections))
		for i, s := range keySections {
			if s.at != "" {
				out[i] = strings.Split(s.at, ".")
			}
		}
		return out
	}()
	sincePaths = func() [][]string {
		var out [][]string
		for _, p := range sortedKeys(v3Since) {
			out = append(out, strings.Split(p, "."))
		}
		return out
	}()
)

// keyClass classifies the key at path (its segments as strings): the key's
// pattern and class, or class "" when stack deploy takes it as compose-go
// does.
func keyClass(path []string) (pattern, class string) {
	last := path[len(path)-1]
	for i, s := range keySections {
		if !matchPattern(sectionPaths[i], path[:len(path)-1]) {
			continue
		}
		pattern = last
		if s.at != "" {
			pattern = s.at + "." + last
		}
		switch c, named := s.classes[last]; {
		case named:
			return pattern, c
		case s.allowed[last], s.extensions && strings.HasPrefix(last, "x-"):
			return pattern, ""
		}
		return pattern, s.other
	}
	return "", ""
}

// sinceVersion returns the pattern of path in v3Since and the minor
// version it needs, if any.
func sinceVersion(path []string) (string, int, bool) {
	for _, segs := range sincePaths {
		if segs[len(segs)-1] != "*" && segs[len(segs)-1] != path[len(path)-1] {
			continue
		}
		if matchPattern(segs, path) {
			p := strings.Join(segs, ".")
			return p, v3Since[p], true
		}
	}
	return "", 0, false
}

// keyScan classifies the keys of one file of a stack as the scan reaches
// them.
type keyScan struct {
	b         *builder
	sd        *stackData
	d         *Doc
	minor     int  // the file's v3 minor version
	versionOK bool // the file's version is a v3 version stack deploy knows
	// nets maps each network key of the stack to its network's id (netID),
	// built on first use: the stack's networks are all in the model when
	// its files are scanned.
	nets map[string]string
}

func (b *builder) newKeyScan(sd *stackData, d *Doc) *keyScan {
	ks := &keyScan{b: b, sd: sd, d: d}
	ks.minor, ks.versionOK = v3Minor(effectiveVersion(fileVersion(d)))
	return ks
}

// key records the class of the key at p, or, for a key of the schema, the
// version it needs when the file's version is older (needs-version).
func (ks *keyScan) key(p []any) {
	strs := make([]string, len(p))
	for i, x := range p {
		strs[i] = fmt.Sprint(x)
	}
	if pattern, class := keyClass(strs); class != "" {
		ks.add(KeyUse{Key: pattern, Class: class}, p)
		return
	}
	ks.since(strs, p)
}

// item records the version a mapping item of a list needs (long-syntax
// ports).
func (ks *keyScan) item(p []any) {
	strs := make([]string, len(p))
	for i, x := range p {
		strs[i] = fmt.Sprint(x)
	}
	ks.since(strs, p)
}

func (ks *keyScan) since(strs []string, p []any) {
	if !ks.versionOK {
		return
	}
	pattern, need, ok := sinceVersion(strs)
	if !ok || ks.minor >= need {
		return
	}
	ks.add(KeyUse{Key: pattern, Class: "needs-version", NeedsVersion: fmt.Sprintf("3.%d", need), FileVersion: fmt.Sprintf("3.%d", ks.minor)}, p)
}

// add appends k at p, owned by its service or network.
func (ks *keyScan) add(k KeyUse, p []any) {
	k.Stack = ks.sd.name
	if len(p) > 1 {
		switch p[0] {
		case "services":
			k.Owner = ks.sd.name + "_" + fmt.Sprint(p[1])
		case "networks":
			k.Owner = ks.netID(fmt.Sprint(p[1]))
		}
	}
	k.Ref = Ref{Src: ks.sd.src, File: ks.d.File, Path: p}
	ks.b.m.Keys = append(ks.b.m.Keys, k)
}

// netID is builder.netID through a map built once per file.
func (ks *keyScan) netID(key string) string {
	if ks.nets == nil {
		ks.nets = map[string]string{}
		for _, id := range sortedKeys(ks.b.m.Networks) {
			n := ks.b.m.Networks[id]
			if _, seen := ks.nets[n.Key]; n.Stack == ks.sd.name && !seen {
				ks.nets[n.Key] = id
			}
		}
	}
	return ks.nets[key]
}

// externalKeys adds, per stack, the keys stack deploy ignores on external
// networks (deployExternalKeys).
func (b *builder) externalKeys() {
	for _, sd := range b.stacks {
		b.deployExternalKeys(sd)
	}
}

// externalIgnored are the network keys stack deploy never looks at on an
// external network (docker/cli convert.Networks skips external networks).
var externalIgnored = []string{"driver", "driver_opts", "ipam", "labels", "internal", "attachable"}

// deployExternalKeys adds class external-ignored for each such key of an
// external network's effective entry (the last file that declares it:
// stack deploy replaces earlier entries whole).
func (b *builder) deployExternalKeys(sd *stackData) {
	type declared struct {
		doc   *Doc
		entry *yaml.Node
	}
	lastOf := map[string]declared{} // the last file's entry of each network key
	for _, d := range sd.docs {
		for _, ne := range entries(lookup(d.Root, "networks")) {
			lastOf[ne[0].Value] = declared{d, ne[1]}
		}
	}
	for _, key := range networkKeys(sd) {
		last, entry := lastOf[key].doc, lastOf[key].entry
		if last == nil || !isExternal(lookup(entry, "external")) {
			continue
		}
		for _, k := range externalIgnored {
			if lookup(entry, k) == nil {
				continue
			}
			b.m.Keys = append(b.m.Keys, KeyUse{Key: "networks.*." + k, Class: "external-ignored", Stack: sd.name,
				Owner: b.netID(sd, key), Ref: Ref{Src: sd.src, File: last.File, Path: []any{"networks", key, k}}})
		}
	}
}

func isExternal(n *yaml.Node) bool {
	n = deref(n)
	if n == nil {
		return false
	}
	if n.Kind == yaml.MappingNode {
		return true // external: {name: ...}
	}
	return n.Kind == yaml.ScalarNode && truthy(n.Value)
}

func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "on":
		return true
	}
	return false
}

// netID is the id of the network of sd with this key (the smallest id when
// several share the key), or "".
func (b *builder) netID(sd *stackData, key string) string {
	found := ""
	for id, n := range b.m.Networks {
		if n.Stack == sd.name && n.Key == key && (found == "" || id < found) {
			found = id
		}
	}
	return found
}
