package analyzer

import (
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// badPort is a ports item of one file that does not parse.
type badPort struct {
	file    string
	service string
	index   int
	raw     string
	err     string
	// unknown is true when the item holds a required variable without
	// value: it is left out of the load and not reported.
	unknown bool
}

// findBadPorts parses every short-syntax ports item of the stack's files
// (after interpolation) as compose-go and docker do. compose-go refuses the
// whole file on such an item without saying where; swarmlint reports it as a
// finding at the item instead.
func findBadPorts(docs []*Doc, env map[string]string) []badPort {
	var out []badPort
	serviceListScalars(docs, "ports", env, func(d *Doc, service string, index int, raw, val string) {
		if _, err := types.ParsePortConfig(val); err != nil {
			out = append(out, badPort{file: d.File, service: service, index: index, raw: raw, err: lowerFirst(err.Error()), unknown: isUnknown(val)})
		}
	})
	return out
}

// serviceListScalars calls fn for every scalar item of the list
// services.NAME.KEY in the files, in file order, with its raw text and its
// value after interpolation from env. Items whose interpolation fails are
// skipped: the loader reports those.
func serviceListScalars(docs []*Doc, key string, env map[string]string, fn func(d *Doc, service string, index int, raw, val string)) {
	lookup := template.Mapping(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	for _, d := range docs {
		_, svcs, _ := mapLookup(d.Root, "services")
		svcs = deref(svcs)
		if svcs == nil || svcs.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(svcs.Content); i += 2 {
			_, list, _ := mapLookup(svcs.Content[i+1], key)
			list = deref(list)
			if list == nil || list.Kind != yaml.SequenceNode {
				continue
			}
			for j, item := range list.Content {
				it := deref(item)
				if it.Kind != yaml.ScalarNode {
					continue
				}
				val, err := template.Substitute(it.Value, lookup)
				if err != nil {
					continue
				}
				fn(d, svcs.Content[i].Value, j, it.Value, val)
			}
		}
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// withoutBadPorts returns the files with the unparsable ports items removed,
// so the rest of the stack still loads.
func withoutBadPorts(cfs []types.ConfigFile, bad []badPort) ([]types.ConfigFile, error) {
	out := make([]types.ConfigFile, len(cfs))
	for i, cf := range cfs {
		out[i] = cf
		drop := map[string]map[int]bool{}
		for _, b := range bad {
			if b.file == cf.Filename {
				if drop[b.service] == nil {
					drop[b.service] = map[int]bool{}
				}
				drop[b.service][b.index] = true
			}
		}
		if len(drop) == 0 {
			continue
		}
		var m map[string]any
		if err := yaml.Unmarshal(cf.Content, &m); err != nil {
			return nil, err
		}
		svcs, _ := m["services"].(map[string]any)
		for name, idx := range drop {
			svc, _ := svcs[name].(map[string]any)
			ports, _ := svc["ports"].([]any)
			var keep []any
			for j, p := range ports {
				if !idx[j] {
					keep = append(keep, p)
				}
			}
			if keep == nil {
				delete(svc, "ports")
			} else {
				svc["ports"] = keep
			}
		}
		b, err := yaml.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cf.Filename, err)
		}
		out[i].Content = b
	}
	return out, nil
}
