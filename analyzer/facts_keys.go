package analyzer

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// keys classifies, per stack, the keys `docker stack deploy` (docker/cli's
// v3 loader) rejects, ignores or treats differently from compose-go.
func (b *builder) keys() {
	for _, sd := range b.stacks {
		b.deployRefineKeys(sd)
		b.deployKeys(sd)
		b.deployExternalKeys(sd)
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

// Key classes from docker/cli's stack loader (docs/swarm-behaviour.md#stack-file-keys).
var (
	topLevelV3   = set("version", "services", "networks", "volumes", "secrets", "configs")
	forbiddenSvc = set("extends", "volume_driver", "volumes_from", "cpu_quota", "cpu_shares", "cpuset", "mem_limit", "memswap_limit")
	ignoredSvc   = set("build", "cgroupns_mode", "cgroup_parent", "devices", "domainname", "external_links", "ipc", "links", "mac_address", "network_mode", "pid", "privileged", "restart", "security_opt", "shm_size", "userns_mode")
	deprecSvc    = set("container_name", "expose")
	composeSvc   = set("profiles", "platform", "pull_policy", "scale", "develop", "attach", "blkio_config", "cpu_count", "cpu_percent", "cpu_period", "cpu_rt_runtime", "cpu_rt_period", "cpus", "device_cgroup_rules", "dns_opt", "env_file", "gpus", "label_file", "links", "mem_reservation", "mem_swappiness", "models", "oom_kill_disable", "oom_score_adj", "post_start", "pre_stop", "provider", "runtime", "storage_opt", "uts", "use_api_socket", "volumes_from", "annotations", "mem_limit", "memswap_limit", "cpuset", "cpu_shares", "cpu_quota")
	networkV3    = set("name", "driver", "driver_opts", "ipam", "external", "internal", "attachable", "labels")
	ipamV3       = set("driver", "config")
	ipamConfigV3 = set("subnet")
)

func (b *builder) classifyKey(sd *stackData, d *Doc, p []any) {
	strs := make([]string, len(p))
	for i, x := range p {
		strs[i] = fmt.Sprint(x)
	}
	add := func(pattern, class, owner string) {
		b.m.Keys = append(b.m.Keys, KeyUse{Key: pattern, Class: class, Stack: sd.name, Owner: owner,
			Ref: Ref{Src: sd.src, File: d.File, Path: p}})
	}
	last := strs[len(strs)-1]
	if strings.HasPrefix(last, "x-") {
		return
	}
	switch {
	case len(p) == 1:
		if !topLevelV3[last] {
			add(last, "compose-only", "")
		}
	case len(p) == 3 && strs[0] == "services":
		owner := sd.name + "_" + strs[1]
		switch {
		case forbiddenSvc[last]:
			add("services.*."+last, "forbidden", owner)
		case ignoredSvc[last]:
			add("services.*."+last, "unsupported", owner)
		case deprecSvc[last]:
			add("services.*."+last, "deprecated", owner)
		case composeSvc[last]:
			add("services.*."+last, "compose-only", owner)
		}
	case len(p) == 5 && strs[0] == "services" && strs[2] == "depends_on":
		add("services.*.depends_on.*."+last, "compose-only", sd.name+"_"+strs[1])
	case len(p) == 5 && strs[0] == "services" && strs[2] == "networks" && (last == "ipv4_address" || last == "ipv6_address" || last == "link_local_ips" || last == "mac_address" || last == "priority" || last == "gw_priority" || last == "interface_name" || last == "driver_opts"):
		add("services.*.networks.*."+last, "ignored", sd.name+"_"+strs[1])
	case len(p) == 5 && strs[0] == "services" && strs[2] == "ports" && last == "host_ip":
		add("services.*.ports.*.host_ip", "compose-only", sd.name+"_"+strs[1])
	case len(p) == 3 && strs[0] == "networks":
		if !networkV3[last] {
			add("networks.*."+last, "not-deployable", b.netID(sd, strs[1]))
		}
	case len(p) == 4 && strs[0] == "networks" && strs[2] == "ipam":
		if !ipamV3[last] {
			add("networks.*.ipam."+last, "not-deployable", b.netID(sd, strs[1]))
		}
	case len(p) == 6 && strs[0] == "networks" && strs[2] == "ipam" && strs[3] == "config":
		if !ipamConfigV3[last] {
			add("networks.*.ipam.config.*."+last, "not-deployable", b.netID(sd, strs[1]))
		}
	}
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
