package analyzer

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// StackDeployMerger merges a stack's files the way `docker stack deploy -c a
// -c b` does (docker/cli cli/compose/loader merge.go;
// docs/swarm-behaviour.md#network-override-replaces), then loads the merged document with compose-go:
//
//   - a later file's top-level networks/volumes/secrets/configs entry
//     replaces the earlier entry whole (so `encrypted`, MTU and ipam set by
//     the earlier file are dropped);
//   - services merge field by field: scalars are overridden, mappings merged,
//     lists appended, except ports (merged by published port), volumes (by
//     target), secrets and configs (by source), command and entrypoint
//     (replaced) and a service network entry (aliases replaced);
//   - `!reset` and `!override` tags are not honoured (they are plain values).
type StackDeployMerger struct{}

// Load implements Merger.
func (StackDeployMerger) Load(ctx context.Context, files []types.ConfigFile, env map[string]string) (*types.Project, error) {
	if len(files) == 1 {
		return ComposeMerger{}.Load(ctx, files, env)
	}
	var merged map[string]any
	for _, f := range files {
		// Decoded into plain values: tags such as !reset and !override are
		// dropped, as docker stack deploy ignores them.
		var m map[string]any
		if err := yaml.Unmarshal(f.Content, &m); err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", f.Filename, err)
		}
		if merged == nil {
			merged = m
			continue
		}
		merged = mergeStackFile(merged, m)
	}
	b, err := yaml.Marshal(merged)
	if err != nil {
		return nil, err
	}
	return ComposeMerger{}.Load(ctx, []types.ConfigFile{{Filename: files[0].Filename, Content: b}}, env)
}

var wholeEntrySections = map[string]bool{"networks": true, "volumes": true, "secrets": true, "configs": true}

func mergeStackFile(base, over map[string]any) map[string]any {
	for _, k := range sortedKeys(over) {
		v := over[k]
		switch {
		case k == "services" || wholeEntrySections[k]:
			bs, _ := base[k].(map[string]any)
			os, _ := v.(map[string]any)
			if bs == nil {
				base[k] = v
				continue
			}
			for _, name := range sortedKeys(os) {
				bs[name] = mergeEntry(k, bs[name], os[name])
			}
		default:
			base[k] = v
		}
	}
	return base
}

// mergeEntry merges one named entry of a top-level section: a service field
// by field, a network, volume, secret or config replaced whole.
func mergeEntry(section string, cur, over any) any {
	if section == "services" {
		if c, ok := cur.(map[string]any); ok {
			if o, ok := over.(map[string]any); ok {
				return mergeService(c, o)
			}
		}
	}
	return over
}

func mergeService(base, over map[string]any) map[string]any {
	for _, k := range sortedKeys(over) {
		ov := over[k]
		bv, exists := base[k]
		if !exists || bv == nil {
			base[k] = ov
			continue
		}
		switch k {
		case "command", "entrypoint":
			if s, ok := ov.([]any); !ok || len(s) > 0 {
				base[k] = ov
			}
		case "ports":
			base[k] = mergeKeyed(bv, ov, portKey)
		case "volumes":
			base[k] = mergeKeyed(bv, ov, func(x any) string { return fieldOr(x, "target", volumeTarget) })
		case "secrets", "configs":
			base[k] = mergeKeyed(bv, ov, func(x any) string { return fieldOr(x, "source", func(s string) string { return s }) })
		case "networks":
			base[k] = mergeServiceNetworks(bv, ov)
		case "environment", "labels":
			base[k] = mergeMaps(toMap(bv), toMap(ov))
		default:
			base[k] = mergeValue(bv, ov)
		}
	}
	return base
}

// mergeValue is mergo's WithOverride + WithAppendSlice on plain values.
func mergeValue(bv, ov any) any {
	switch o := ov.(type) {
	case map[string]any:
		if b, ok := bv.(map[string]any); ok {
			for _, k := range sortedKeys(o) {
				if cur, ok := b[k]; ok && cur != nil {
					b[k] = mergeValue(cur, o[k])
				} else {
					b[k] = o[k]
				}
			}
			return b
		}
		return ov
	case []any:
		if b, ok := bv.([]any); ok {
			return append(b, o...)
		}
		return ov
	case nil:
		return bv
	default:
		return ov
	}
}

func toMap(v any) map[string]any { return listToMap(v, true) }

// listToMap normalises the list form of a mapping ([K=V] for environment
// and labels when splitEq, [name] for a service's networks) to a map.
func listToMap(v any, splitEq bool) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return x
	case []any:
		m := map[string]any{}
		for _, it := range x {
			s := fmt.Sprint(it)
			if k, val, ok := strings.Cut(s, "="); ok && splitEq {
				m[k] = val
			} else {
				m[s] = nil
			}
		}
		return m
	}
	return map[string]any{}
}

func mergeMaps(b, o map[string]any) map[string]any {
	for k, v := range o {
		b[k] = v
	}
	return b
}

// mergeServiceNetworks merges a service's network attachments: list and map
// forms are normalised; an override entry replaces aliases and addresses.
func mergeServiceNetworks(bv, ov any) any {
	b, o := toNetMap(bv), toNetMap(ov)
	for _, k := range sortedKeys(o) {
		oc, _ := o[k].(map[string]any)
		bc, _ := b[k].(map[string]any)
		if bc == nil || oc == nil {
			if _, ok := b[k]; !ok || oc != nil {
				b[k] = o[k]
			}
			continue
		}
		if a, ok := oc["aliases"]; ok {
			bc["aliases"] = a
		}
		for _, f := range []string{"ipv4_address", "ipv6_address"} {
			if s, ok := oc[f].(string); ok && s != "" {
				bc[f] = s
			}
		}
	}
	return b
}

func toNetMap(v any) map[string]any { return listToMap(v, false) }

// mergeKeyed merges two lists by a key: an override item replaces the base
// item with the same key; new keys are added. Order: base order, then new.
func mergeKeyed(bv, ov any, key func(any) string) any {
	b, _ := bv.([]any)
	o, _ := ov.([]any)
	if b == nil || o == nil {
		return ov
	}
	idx := map[string]int{}
	out := append([]any{}, b...)
	for i, it := range out {
		idx[key(it)] = i
	}
	for _, it := range o {
		k := key(it)
		if i, ok := idx[k]; ok {
			out[i] = it
			continue
		}
		idx[k] = len(out)
		out = append(out, it)
	}
	return out
}

// portKey is the published port of a ports item (docker/cli keys the merge
// by PortConfig.Published).
func portKey(it any) string {
	switch x := it.(type) {
	case map[string]any:
		return fmt.Sprint(x["published"])
	default:
		s := fmt.Sprint(x)
		pcs, err := types.ParsePortConfig(s)
		if err != nil || len(pcs) == 0 {
			return s
		}
		return pcs[0].Published
	}
}

func fieldOr(it any, field string, short func(string) string) string {
	if m, ok := it.(map[string]any); ok {
		return fmt.Sprint(m[field])
	}
	return short(fmt.Sprint(it))
}

func volumeTarget(s string) string {
	parts := strings.Split(s, ":")
	if len(parts) >= 2 {
		return parts[1]
	}
	return parts[0]
}

var _ = sort.Strings
