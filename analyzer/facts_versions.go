package analyzer

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

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

// fileVersions records, per stack, the version of every file.
func (b *builder) fileVersions() {
	for _, sd := range b.stacks {
		b.stackFileVersions(sd)
	}
}

// stackFileVersions records the version of every file of the stack.
func (b *builder) stackFileVersions(sd *stackData) {
	st := b.m.Stacks[sd.name]
	if st == nil {
		return
	}
	st.FileVersions = []FileVersion{}
	for _, d := range sd.docs {
		fv := FileVersion{File: d.File, Ref: Ref{Src: sd.src, File: d.File, Path: []any{"version"}}}
		fv.Version = fileVersion(d)
		fv.Effective = effectiveVersion(fv.Version)
		_, fv.Supported = v3Minor(fv.Effective)
		st.FileVersions = append(st.FileVersions, fv)
	}
}

func fileVersion(d *Doc) string {
	if v := deref(lookup(d.Root, "version")); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}
