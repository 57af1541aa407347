package analyzer

import (
	"sort"

	"go.yaml.in/yaml/v4"
)

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

// overrides records what a later file of a multi-file stack changes: the
// networks it replaces whole and the files that set each service's deploy
// mode and replicas.
func (b *builder) overrides() {
	for _, n := range b.m.Networks {
		if n.Replaced == nil {
			n.Replaced = []NetworkReplacement{}
		}
	}
	for _, sd := range b.stacks {
		b.networkReplacements(sd)
		b.modeSources(sd)
	}
}

// networkReplacements finds, in a multi-file stack, the networks that a
// later file declares again: docker/cli merges top-level networks with
// mergo.Map(WithOverride), so the last file's entry replaces the earlier ones
// whole (docs/swarm-behaviour.md#network-override-replaces), and every setting only the earlier
// files make is dropped. A later entry that makes the network external
// drops only the name: nothing is created from the others.
func (b *builder) networkReplacements(sd *stackData) {
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

// modeSources records, for each service of the stack, the last file that
// writes its deploy.mode and the last that writes deploy.replicas (`<<`
// merge keys followed): docker/cli merges a service's deploy section key by
// key, so replicas from a base file survive an override that switches the
// mode to global, and convertDeployMode then refuses the service.
func (b *builder) modeSources(sd *stackData) {
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
