package analyzer

import "strconv"

// daemonConfig reads default-address-pools from a daemon.json.
func (b *builder) daemonConfig(d *Doc) {
	src := "daemon:" + d.File
	dc := &DaemonConfig{File: d.File, DefaultAddressPools: []DaemonPool{}, Ref: Ref{Src: src, Path: []any{}}}
	m := d.resolve([]any{"default-address-pools"})
	if m.depth == 1 {
		dc.Ref = Ref{Src: src, Path: []any{"default-address-pools"}}
		if seq := deref(m.value); seq != nil {
			for i := range seq.Content {
				p := DaemonPool{Ref: Ref{Src: src, Path: []any{"default-address-pools", i}}}
				if _, v, _ := mapLookup(seq.Content[i], "base"); v != nil {
					p.Base = deref(v).Value
				}
				if _, v, _ := mapLookup(seq.Content[i], "size"); v != nil {
					p.Size, _ = strconv.Atoi(deref(v).Value)
				}
				dc.DefaultAddressPools = append(dc.DefaultAddressPools, p)
			}
		}
	}
	b.m.Swarm.Daemon = dc
}
