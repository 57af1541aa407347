package rules

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/util"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"go.yaml.in/yaml/v4"
)

// ReadParams reads rule parameters from JSON or YAML files (--data) and
// merges them in order: objects merge key by key, anything else is replaced
// by the later file. The result is what rules see as data.swarmlint.params.
func ReadParams(files ...string) (map[string]any, error) {
	var params map[string]any
	for _, file := range files {
		b, err := safeio.ReadFile(file, safeio.MaxDataSize)
		if err != nil {
			return nil, fmt.Errorf("--data %s: %s", file, safeio.Reason(err))
		}
		m, err := parseParams(file, b)
		if err != nil {
			return nil, err
		}
		params = MergeParams(params, m)
	}
	return params, nil
}

// parseParams decodes one data file (YAML, which includes JSON) into plain
// JSON values: objects with string keys, arrays, json.Number, strings,
// booleans and null.
func parseParams(file string, b []byte) (map[string]any, error) {
	// Check the nodes before decoding: decoding expands aliases, and a
	// 4 MiB file whose anchored scalar is used thousands of times stands
	// for gigabytes once encoded as JSON; .inf and .nan would fail the
	// encoding without a position.
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("--data %s: %w", file, err)
	}
	if n := safeio.ExpandedSize(&doc, maxDataExpansion); n > maxDataExpansion {
		return nil, fmt.Errorf("--data %s: its aliases expand to more than %s (the file may be at most %s)", file, safeio.Bytes(maxDataExpansion), safeio.Bytes(safeio.MaxDataSize))
	}
	if n := safeio.NonFinite(&doc); n != nil {
		return nil, fmt.Errorf("--data %s:%d:%d: %s is not a number a parameter can hold (JSON has no infinity or NaN); quote it if it is text", file, n.Line, n.Column, n.Value)
	}
	var v any
	if err := yaml.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("--data %s: %w", file, err)
	}
	if v == nil && len(bytes.TrimSpace(b)) == 0 {
		return map[string]any{}, nil
	}
	v, err := jsonKeys(v, "")
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", file, err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", file, err)
	}
	var out any
	if err := util.UnmarshalJSON(j, &out); err != nil {
		return nil, fmt.Errorf("--data %s: %w", file, err)
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("--data %s: the top level must be an object (key: value), not %T", file, out)
	}
	return m, nil
}

// maxDataExpansion bounds a --data file with its aliases expanded.
const maxDataExpansion = 4 * safeio.MaxDataSize

// normalizeParams turns params from any source (a config file decoded by
// another YAML library, a Go caller) into plain JSON values, so that the
// store never sees a value it cannot hold.
func normalizeParams(params map[string]any) (map[string]any, error) {
	if params == nil {
		return map[string]any{}, nil
	}
	v, err := jsonKeys(params, "")
	if err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	var out map[string]any
	if err := util.UnmarshalJSON(j, &out); err != nil {
		return nil, fmt.Errorf("params: %w", err)
	}
	return out, nil
}

// jsonKeys turns YAML maps into map[string]any: scalar keys become
// strings, other keys (lists, maps) are refused.
func jsonKeys(v any, at string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			ne, err := jsonKeys(e, at+"."+k)
			if err != nil {
				return nil, err
			}
			x[k] = ne
		}
		return x, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			var ks string
			switch kk := k.(type) {
			case string:
				ks = kk
			case int, int64, uint64, float64, bool:
				ks = fmt.Sprint(kk) // 1: x is the key "1", as in JSON
			default:
				return nil, fmt.Errorf("key %v at %s is not a string", k, orRoot(at))
			}
			ne, err := jsonKeys(e, at+"."+ks)
			if err != nil {
				return nil, err
			}
			out[ks] = ne
		}
		return out, nil
	case []any:
		for i, e := range x {
			ne, err := jsonKeys(e, fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return nil, err
			}
			x[i] = ne
		}
		return x, nil
	}
	return v, nil
}

func orRoot(at string) string {
	if at == "" {
		return "the top level"
	}
	return at[1:]
}

// MergeParams merges b into a (changing a) and returns the result: objects
// merge key by key, anything else in b replaces the value in a.
func MergeParams(a, b map[string]any) map[string]any {
	if a == nil {
		return b
	}
	for k, bv := range b {
		am, aok := a[k].(map[string]any)
		bm, bok := bv.(map[string]any)
		if aok && bok {
			a[k] = MergeParams(am, bm)
			continue
		}
		a[k] = bv
	}
	return a
}
