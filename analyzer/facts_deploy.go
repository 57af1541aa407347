package analyzer

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"go.yaml.in/yaml/v4"
)

// factsDeploy computes the model facts the deploy rules (SWL0xx) need: what
// `docker stack deploy` (docker/cli's v3 loader) rejects, ignores or merges
// differently from compose-go. It runs after demand and indexes are computed.
func (b *builder) factsDeploy() {
	for _, n := range b.m.Networks {
		if n.Replaced == nil {
			n.Replaced = []NetworkReplacement{}
		}
	}
	for _, sd := range b.stacks {
		b.deployFileVersions(sd)
		b.deployRefineKeys(sd)
		b.deployKeys(sd)
		b.deployExternalKeys(sd)
		b.deployReplacements(sd)
		b.deployModes(sd)
	}
	b.deployVariables()
	b.deployNameCollisions()
}

// v3Latest is the last minor version docker stack deploy has a schema for:
// it knows 3.0 to 3.13 (docker/cli cli/compose/schema/data), and a missing
// version or "3" means 3.13 (schema.Version).
const v3Latest = 13

// v3Minor returns the minor version of a supported v3 version string.
func v3Minor(v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, "3.")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || n > v3Latest || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// effectiveVersion is the version docker/cli reads from a `version:` value.
func effectiveVersion(raw string) string {
	if raw == "" || raw == "3" {
		return fmt.Sprintf("3.%d", v3Latest)
	}
	return raw
}

// deployFileVersions records the version of every file of the stack.
func (b *builder) deployFileVersions(sd *stackData) {
	st := b.m.Stacks[sd.name]
	if st == nil {
		return
	}
	st.FileVersions = []FileVersion{}
	for _, d := range sd.docs {
		fv := FileVersion{File: d.File, Ref: Ref{Src: sd.src, File: d.File, Path: []any{"version"}}}
		if _, v, _ := mapLookup(d.Root, "version", 0); v != nil {
			if vv := deref(v); vv != nil && vv.Kind == yaml.ScalarNode {
				fv.Version = vv.Value
			}
		}
		fv.Effective = effectiveVersion(fv.Version)
		_, fv.Supported = v3Minor(fv.Effective)
		st.FileVersions = append(st.FileVersions, fv)
	}
}

// Keys of the docker/cli v3.13 schema that decide what a stack file may say.
var (
	serviceV3 = set("deploy", "build", "cap_add", "cap_drop", "cgroupns_mode", "cgroup_parent", "command",
		"configs", "container_name", "credential_spec", "depends_on", "devices", "dns", "dns_search",
		"domainname", "entrypoint", "env_file", "environment", "expose", "external_links", "extra_hosts",
		"healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging",
		"mac_address", "network_mode", "networks", "oom_score_adj", "pid", "ports", "privileged",
		"read_only", "restart", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period",
		"stop_signal", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "volumes", "working_dir")
	serviceNetworkV3 = set("aliases", "driver_opts", "ipv4_address", "ipv6_address")
	portLongV3       = set("mode", "target", "published", "protocol")
	// v3Since is the first v3 minor version whose schema allows a key that
	// 3.0 did not (keys are dotted paths, * for a name).
	v3Since = map[string]int{
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
)

// entries lists a mapping's key/value pairs, `<<` merge keys resolved
// (explicit keys win, then merged mappings in order).
func entries(n *yaml.Node) [][2]*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Tag == "!!merge" || (k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Style == 0) {
			merges = append(merges, n.Content[i+1])
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, n.Content[i+1]})
	}
	for _, m := range merges {
		for _, c := range mergeSources(m) {
			for _, e := range entries(c) {
				if !seen[e[0].Value] {
					seen[e[0].Value] = true
					out = append(out, e)
				}
			}
		}
	}
	return out
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	for _, e := range entries(n) {
		if e[0].Value == key {
			return e[1]
		}
	}
	return nil
}

func keyID(stack, file string, path []any) string {
	return stack + "\x00" + file + "\x00" + fmt.Sprint(path...)
}

// deployRefineKeys corrects the key classes the generic scan gives where the
// v3 schema says otherwise: env_file and oom_score_adj are v3 service keys,
// a service network's driver_opts is passed to swarm (3.13), and
// link_local_ips, mac_address, priority, gw_priority and interface_name under
// a service network are not ignored but rejected by the schema.
func (b *builder) deployRefineKeys(sd *stackData) {
	out := b.m.Keys[:0]
	for _, k := range b.m.Keys {
		if k.Stack == sd.name {
			switch {
			case k.Key == "services.*.env_file" || k.Key == "services.*.oom_score_adj":
				continue
			case k.Key == "services.*.networks.*.driver_opts":
				continue
			case strings.HasPrefix(k.Key, "services.*.networks.*.") && k.Class == "ignored" &&
				k.Key != "services.*.networks.*.ipv4_address" && k.Key != "services.*.networks.*.ipv6_address":
				k.Class = "compose-only"
			}
		}
		out = append(out, k)
	}
	b.m.Keys = out
}

// deployKeys adds the keys the generic scan does not classify: any service
// key outside the v3.13 schema, long-syntax port and service-network keys
// outside it, service keys reached through a `<<` merge key, and the keys
// the file's own version is too old for (class needs-version).
func (b *builder) deployKeys(sd *stackData) {
	have := map[string]bool{}
	for _, k := range b.m.Keys {
		have[keyID(k.Stack, k.Ref.File, k.Ref.Path)] = true
	}
	for _, d := range sd.docs {
		minor, versionOK := v3Minor(effectiveVersion(fileVersion(d)))
		add := func(pattern, class, owner string, path []any) {
			id := keyID(sd.name, d.File, path)
			if have[id] {
				return
			}
			have[id] = true
			b.m.Keys = append(b.m.Keys, KeyUse{Key: pattern, Class: class, Stack: sd.name, Owner: owner,
				Ref: Ref{Src: sd.src, File: d.File, Path: path}})
		}
		since := func(pattern, owner string, path []any) {
			need, ok := v3Since[pattern]
			if !ok || !versionOK || minor >= need {
				return
			}
			id := keyID(sd.name, d.File, path)
			if have[id] {
				return
			}
			have[id] = true
			b.m.Keys = append(b.m.Keys, KeyUse{Key: pattern, Class: "needs-version", Stack: sd.name, Owner: owner,
				Ref: Ref{Src: sd.src, File: d.File, Path: path}, NeedsVersion: fmt.Sprintf("3.%d", need), FileVersion: fmt.Sprintf("3.%d", minor)})
		}
		for _, top := range entries(d.Root) {
			since(top[0].Value, "", []any{top[0].Value})
		}
		for _, se := range entries(lookup(d.Root, "services")) {
			svc := se[0].Value
			owner := sd.name + "_" + svc
			base := []any{"services", svc}
			for _, e := range entries(se[1]) {
				k := e[0].Value
				p := append(append([]any{}, base...), k)
				if strings.HasPrefix(k, "x-") {
					continue
				}
				// Keys reached through a `<<` merge key are classified here too.
				switch {
				case forbiddenSvc[k]:
					add("services.*."+k, "forbidden", owner, p)
				case ignoredSvc[k]:
					add("services.*."+k, "unsupported", owner, p)
				case deprecSvc[k]:
					add("services.*."+k, "deprecated", owner, p)
				case !serviceV3[k]:
					add("services.*."+k, "compose-only", owner, p)
				}
				since("services.*."+k, owner, p)
			}
			dep := lookup(se[1], "deploy")
			for _, e := range entries(dep) {
				since("services.*.deploy."+e[0].Value, owner, append(append([]any{}, base...), "deploy", e[0].Value))
			}
			for _, e := range entries(lookup(dep, "placement")) {
				since("services.*.deploy.placement."+e[0].Value, owner, append(append([]any{}, base...), "deploy", "placement", e[0].Value))
			}
			for _, ne := range entries(lookup(se[1], "networks")) {
				for _, e := range entries(ne[1]) {
					p := append(append([]any{}, base...), "networks", ne[0].Value, e[0].Value)
					if !serviceNetworkV3[e[0].Value] {
						add("services.*.networks.*."+e[0].Value, "compose-only", owner, p)
					}
					since("services.*.networks.*."+e[0].Value, owner, p)
				}
			}
			if ports := deref(lookup(se[1], "ports")); ports != nil && ports.Kind == yaml.SequenceNode {
				for i, it := range ports.Content {
					if deref(it).Kind != yaml.MappingNode {
						continue
					}
					since("services.*.ports.*", owner, append(append([]any{}, base...), "ports", i))
					for _, e := range entries(it) {
						if !portLongV3[e[0].Value] {
							add("services.*.ports.*."+e[0].Value, "compose-only", owner, append(append([]any{}, base...), "ports", i, e[0].Value))
						}
					}
				}
			}
		}
		ids := b.netIDs(sd)
		for _, ne := range entries(lookup(d.Root, "networks")) {
			for _, e := range entries(ne[1]) {
				since("networks.*."+e[0].Value, ids[ne[0].Value], []any{"networks", ne[0].Value, e[0].Value})
			}
		}
	}
}

func fileVersion(d *Doc) string {
	if v := deref(lookup(d.Root, "version")); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
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

// networkKeys lists the top-level network keys of every file, sorted.
func networkKeys(sd *stackData) []string {
	seen := map[string]bool{}
	var keys []string
	for _, d := range sd.docs {
		for _, ne := range entries(lookup(d.Root, "networks")) {
			if !seen[ne[0].Value] {
				seen[ne[0].Value] = true
				keys = append(keys, ne[0].Value)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// deployReplacements finds, in a multi-file stack, the networks that a
// later file declares again: docker/cli merges top-level networks with
// mergo.Map(WithOverride), so the last file's entry replaces the earlier ones
// whole (docs/swarm-behaviour.md#network-override-replaces), and every setting only the earlier
// files make is dropped. A later entry that makes the network external
// drops only the name: nothing is created from the others.
func (b *builder) deployReplacements(sd *stackData) {
	if len(sd.docs) < 2 {
		return
	}
	for _, key := range networkKeys(sd) {
		var files []string
		var settings []map[string]bool
		var lastEntry *yaml.Node
		for _, d := range sd.docs {
			for _, ne := range entries(lookup(d.Root, "networks")) {
				if ne[0].Value == key {
					files = append(files, d.File)
					settings = append(settings, networkSettings(ne[1]))
					lastEntry = ne[1]
				}
			}
		}
		if len(files) < 2 {
			continue
		}
		last := settings[len(settings)-1]
		dropped := map[string]bool{}
		for _, s := range settings[:len(settings)-1] {
			for k := range s {
				if !last[k] {
					dropped[k] = true
				}
			}
		}
		if v := deref(lookup(lastEntry, "driver")); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
			// The later entry names its driver itself (overlay, the same
			// one, or another on purpose): that driver is what it asks for,
			// nothing is lost.
			delete(dropped, "driver")
		}
		if last["external"] {
			// The later file points the key at an existing network on
			// purpose: stack deploy creates nothing, so the earlier files'
			// creation settings (driver, options, ipam, attachable, labels)
			// would not apply anyway. Only the name still says which
			// existing network is used.
			for k := range dropped {
				if k != "name" {
					delete(dropped, k)
				}
			}
		}
		if len(dropped) == 0 {
			continue
		}
		n := b.m.Networks[b.netID(sd, key)]
		if n == nil {
			continue
		}
		lastFile := files[len(files)-1]
		n.Replaced = append(n.Replaced, NetworkReplacement{File: lastFile, Earlier: dedupe(files[:len(files)-1]),
			Dropped: sortStrings(keysOf(dropped)), Ref: Ref{Src: sd.src, File: lastFile, Path: []any{"networks", key}}})
	}
}

// deployModes records, for each service of the stack, the last file that
// writes its deploy.mode and the last that writes deploy.replicas (`<<`
// merge keys followed): docker/cli merges a service's deploy section key by
// key, so replicas from a base file survive an override that switches the
// mode to global, and convertDeployMode then refuses the service.
func (b *builder) deployModes(sd *stackData) {
	for _, key := range sortedKeys(sd.project.Services) {
		s := b.m.Services[sd.name+"_"+key]
		if s == nil || s.Stack != sd.name {
			continue
		}
		sc := sd.project.Services[key]
		for _, field := range []string{"mode", "replicas"} {
			if field == "replicas" && (sc.Deploy == nil || sc.Deploy.Replicas == nil) {
				continue // `replicas: null` merges to no replicas at all
			}
			path := []any{"services", key, "deploy", field}
			var ref *Ref
			for _, d := range sd.docs {
				if m := d.resolve(path); m.depth == len(path) {
					ref = &Ref{Src: sd.src, File: d.File, Path: path}
				}
			}
			if field == "mode" {
				s.ModeRef = ref
			} else {
				s.ReplicasRef = ref
			}
		}
	}
}

// networkSettings lists what one network entry sets that a replacement
// without it would change: each driver_opts key, ipam, a non-overlay
// driver, and internal, attachable, external, name and labels.
func networkSettings(entry *yaml.Node) map[string]bool {
	out := map[string]bool{}
	for _, e := range entries(entry) {
		k, v := e[0].Value, deref(e[1])
		switch k {
		case "driver_opts":
			for _, o := range entries(v) {
				out["driver_opts."+o[0].Value] = true
			}
		case "ipam", "labels", "name":
			if v != nil && !(v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "")) {
				out[k] = true
			}
		case "driver":
			if v != nil && v.Kind == yaml.ScalarNode && v.Value != "" && v.Value != "overlay" {
				out[k] = true
			}
		case "internal", "attachable":
			if v != nil && v.Kind == yaml.ScalarNode && truthy(v.Value) {
				out[k] = true
			}
		case "external":
			if isExternal(v) {
				out[k] = true
			}
		}
	}
	return out
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// castPaths are the values docker/cli converts after interpolation
// (cli/compose/loader/interpolate.go): a variable that leaves them empty or
// non-numeric makes docker stack deploy fail. "*" is any key, "[]" a list item.
var castPaths = []struct {
	path []string
	cast string
}{
	{[]string{"services", "*", "configs", "[]", "mode"}, "int"},
	{[]string{"services", "*", "secrets", "[]", "mode"}, "int"},
	{[]string{"services", "*", "healthcheck", "retries"}, "int"},
	{[]string{"services", "*", "healthcheck", "disable"}, "bool"},
	{[]string{"services", "*", "deploy", "replicas"}, "int"},
	{[]string{"services", "*", "deploy", "update_config", "parallelism"}, "int"},
	{[]string{"services", "*", "deploy", "update_config", "max_failure_ratio"}, "float"},
	{[]string{"services", "*", "deploy", "rollback_config", "parallelism"}, "int"},
	{[]string{"services", "*", "deploy", "rollback_config", "max_failure_ratio"}, "float"},
	{[]string{"services", "*", "deploy", "restart_policy", "max_attempts"}, "int"},
	{[]string{"services", "*", "deploy", "placement", "max_replicas_per_node"}, "int"},
	{[]string{"services", "*", "ports", "[]", "target"}, "int"},
	{[]string{"services", "*", "ports", "[]", "published"}, "int"},
	{[]string{"services", "*", "ulimits", "*"}, "int"},
	{[]string{"services", "*", "ulimits", "*", "hard"}, "int"},
	{[]string{"services", "*", "ulimits", "*", "soft"}, "int"},
	{[]string{"services", "*", "privileged"}, "bool"},
	{[]string{"services", "*", "oom_score_adj"}, "int"},
	{[]string{"services", "*", "read_only"}, "bool"},
	{[]string{"services", "*", "stdin_open"}, "bool"},
	{[]string{"services", "*", "tty"}, "bool"},
	{[]string{"services", "*", "volumes", "[]", "read_only"}, "bool"},
	{[]string{"services", "*", "volumes", "[]", "volume", "nocopy"}, "bool"},
	{[]string{"networks", "*", "external"}, "bool"},
	{[]string{"networks", "*", "internal"}, "bool"},
	{[]string{"networks", "*", "attachable"}, "bool"},
	{[]string{"volumes", "*", "external"}, "bool"},
	{[]string{"secrets", "*", "external"}, "bool"},
	{[]string{"configs", "*", "external"}, "bool"},
}

// dockerField renders a YAML path the way docker/cli names it in
// interpolation errors: list items become "[]".
func dockerField(path []any) []string {
	out := make([]string, len(path))
	for i, p := range path {
		if _, ok := p.(int); ok {
			out[i] = "[]"
		} else {
			out[i] = fmt.Sprint(p)
		}
	}
	return out
}

func castFor(field []string) string {
	for _, cp := range castPaths {
		if len(cp.path) != len(field) {
			continue
		}
		ok := true
		for i, s := range cp.path {
			if s != "*" && s != field[i] {
				ok = false
				break
			}
		}
		if ok {
			return cp.cast
		}
	}
	return ""
}

func castFails(cast, v string) bool {
	var err error
	switch cast {
	case "int":
		_, err = strconv.Atoi(v)
	case "float":
		_, err = strconv.ParseFloat(v, 64)
	case "bool":
		switch strings.ToLower(v) {
		case "y", "yes", "true", "on", "n", "no", "false", "off":
		default:
			return true
		}
	}
	return err != nil
}

// deployVariables adds to every ${VAR} use its operator and, where docker
// stack deploy converts the value to a number or boolean, whether the
// interpolated value converts.
func (b *builder) deployVariables() {
	docs := map[string]*Doc{}
	for _, sd := range b.stacks {
		for _, d := range sd.docs {
			docs[sd.src+"\x00"+d.File] = d
		}
	}
	for i := range b.m.Variables {
		v := &b.m.Variables[i]
		v.Operator = variableOperator(v.Syntax, v.Name)
		field := dockerField(v.Ref.Path)
		v.Field = strings.Join(field, ".")
		v.Cast = castFor(field)
		if v.Cast == "" {
			continue
		}
		d := docs[v.Ref.Src+"\x00"+v.Ref.File]
		if d == nil {
			continue
		}
		m := d.resolve(v.Ref.Path)
		n := deref(m.value)
		if m.depth != len(v.Ref.Path) || n == nil || n.Kind != yaml.ScalarNode {
			continue
		}
		val, err := template.Substitute(n.Value, func(k string) (string, bool) {
			x, ok := b.env[k]
			return x, ok
		})
		if err != nil || val == n.Value {
			continue
		}
		v.CastFails = castFails(v.Cast, val)
	}
}

// variableOperator reads the operator after the name in ${NAME<op>...}.
func variableOperator(syntax, name string) string {
	rest, ok := strings.CutPrefix(syntax, "${"+name)
	if !ok {
		return ""
	}
	for _, op := range []string{":-", ":?", ":+", "-", "?", "+"} {
		if strings.HasPrefix(rest, op) {
			return op
		}
	}
	return ""
}

// deployNameCollisions finds the objects swarm would create under names
// equal ignoring case: SwarmKit's store compares names lower-cased (docs/swarm-behaviour.md#network-name-taken).
// Networks: those the linted stacks create (not external, used by a service)
// against each other and against networks that already exist (inventory,
// scripts) unless that network belongs to the same stack (a redeploy).
// Services: the stacks' services.
func (b *builder) deployNameCollisions() {
	ix := &b.m.Indexes
	ix.NameCollisions = []NameCollision{}
	type obj struct {
		id, name, stack string
		existing        bool
	}
	pairs := func(kind string, objs []obj) {
		groups := map[string][]obj{}
		for _, o := range objs {
			groups[strings.ToLower(o.name)] = append(groups[strings.ToLower(o.name)], o)
		}
		for _, k := range sortedKeys(groups) {
			g := groups[k]
			sort.Slice(g, func(i, j int) bool { return g[i].id < g[j].id })
			for i := 0; i < len(g); i++ {
				for j := i + 1; j < len(g); j++ {
					a, c := g[i], g[j]
					if a.existing && c.existing {
						continue
					}
					ix.NameCollisions = append(ix.NameCollisions, NameCollision{Kind: kind, A: a.id, B: c.id,
						NameA: a.name, NameB: c.name, Exact: a.name == c.name, SameStack: a.stack != "" && a.stack == c.stack})
				}
			}
		}
	}
	var nets []obj
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		switch {
		case n.Origin == "stack" && !n.External && n.Used:
			nets = append(nets, obj{id: id, name: n.Name, stack: n.Stack})
		case n.Origin == "inventory" || n.Origin == "script":
			nets = append(nets, obj{id: id, name: n.Name, existing: true, stack: n.Labels["com.docker.stack.namespace"]})
		}
	}
	// An existing network labelled with the stack's namespace is that stack's
	// own network from an earlier deploy: stack deploy reuses it.
	var keep []obj
	for _, o := range nets {
		if o.existing && o.stack != "" {
			reused := false
			for _, c := range nets {
				if !c.existing && c.stack == o.stack && c.name == o.name {
					reused = true
				}
			}
			if reused {
				continue
			}
		}
		keep = append(keep, o)
	}
	pairs("network", keep)
	var svcs []obj
	for _, id := range sortedKeys(b.m.Services) {
		s := b.m.Services[id]
		if s.Origin == "stack" || s.Origin == "" {
			svcs = append(svcs, obj{id: id, name: s.Name, stack: s.Stack})
		}
	}
	pairs("service", svcs)
}
