package analyzer

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// swarmInit records a swarm init and applies what Docker accepts of it.
func (b *builder) swarmInit(c *Command) {
	sw := &b.m.Swarm
	si := SwarmInit{Present: true, Command: c.Order, Pools: []Pool{}, Ref: c.Ref,
		MaskLength: c.intFlag("default-addr-pool-mask-length"), DataPathPort: c.intFlag("data-path-port")}
	allKnown := true
	for _, f := range c.Flags["default-addr-pool"] {
		// pflag's IP-net slice flag takes comma-separated lists too
		for _, part := range strings.Split(f.Value, ",") {
			p := Pool{CIDR: part}
			ref := f.ValueRef
			p.Ref = &ref
			if !f.Known {
				allKnown = false
			} else if pfx, err := netip.ParsePrefix(strings.TrimSpace(part)); err == nil {
				p.Prefix, p.Valid = pfx.Masked().String(), true
			}
			si.Pools = append(si.Pools, p)
		}
	}
	addrs := b.nodeAddresses(c, "advertise-addr", "data-path-addr", "listen-addr")
	for i := range addrs {
		a := addrs[i]
		switch a.Flag {
		case "advertise-addr":
			si.AdvertiseAddr = &a
		case "data-path-addr":
			si.DataPathAddr = &a
		case "listen-addr":
			si.ListenAddr = &a
		}
	}
	// What Docker validates (docs/swarm-behaviour.md#pool-mask-length-range, docs/swarm-behaviour.md#pool-mask-shorter-than-pool, docs/swarm-behaviour.md#data-path-port-range). Known pools always enter
	// the model (pool rules point at them); the mask length and the data
	// path port only when Docker accepts them.
	mask := 24
	maskOK := true
	if si.MaskLength.Set {
		maskOK = si.MaskLength.Valid && si.MaskLength.Value <= 29
		if si.MaskLength.Valid && si.MaskLength.Value != 0 {
			mask = si.MaskLength.Value
		}
	}
	var pools []Pool
	for _, p := range si.Pools {
		if !p.Valid {
			continue
		}
		if pfx, err := netip.ParsePrefix(p.Prefix); err == nil && pfx.Bits() > mask {
			maskOK = false
		}
		pools = append(pools, p)
	}
	portOK := !si.DataPathPort.Set || si.DataPathPort.Valid && (si.DataPathPort.Value == 0 || si.DataPathPort.Value >= 1024 && si.DataPathPort.Value <= 49151)
	poolsOK := allKnown && len(pools) == len(si.Pools)
	si.Applied = maskOK && portOK && poolsOK
	if allKnown && len(pools) > 0 {
		sw.DefaultAddrPools = pools
		sw.PoolsExplicit = true
		if maskOK {
			sw.MaskLength = mask
		}
	}
	if portOK && si.DataPathPort.Set {
		sw.DataPathPort = si.DataPathPort.Value
		if sw.DataPathPort == 0 {
			sw.DataPathPort = 4789
		}
	}
	// The default ingress network is created by this init.
	if ing := b.m.Networks[sw.Ingress]; ing != nil && ing.Origin == "default" {
		ing.Ref = c.Ref
	}
	sw.Inits = append(sw.Inits, si)
	sw.Init = si
}

// nodeAddresses checks the address flags of a swarm init or join.
func (b *builder) nodeAddresses(c *Command, flags ...string) []NodeAddress {
	var out []NodeAddress
	for _, name := range flags {
		f, ok := c.last(name)
		if !ok {
			continue
		}
		a := NodeAddress{Command: c.Order, Kind: c.Kind, Flag: name, Raw: f.Value, Known: f.Known, Ref: f.Ref}
		if f.Known {
			a.Host, a.Port, a.IP, a.Problem = checkNodeAddr(name, f.Value)
		}
		b.m.Swarm.NodeAddresses = append(b.m.Swarm.NodeAddresses, a)
		out = append(out, a)
	}
	return out
}

// checkNodeAddr splits and checks an address flag value as Docker reads it
// (docs/swarm-behaviour.md#advertise-addr, #data-path-addr, #listen-addr): an IP address or a network interface name, with an
// optional port except for --data-path-addr; 0.0.0.0 only for --listen-addr.
func checkNodeAddr(flag, raw string) (host, port string, isIP bool, problem string) {
	v := strings.TrimSpace(raw)
	if flag == "listen-addr" {
		if scheme, rest, ok := strings.Cut(v, "://"); ok {
			if scheme != "tcp" {
				return "", "", false, fmt.Sprintf("scheme %s:// is not tcp://", scheme)
			}
			v = rest
		}
	}
	if v == "" {
		return "", "", false, "empty address"
	}
	hasPort := false
	switch {
	case strings.HasPrefix(v, "["):
		end := strings.Index(v, "]")
		if end < 0 {
			return "", "", false, "unclosed [ in an IPv6 address"
		}
		host = v[1:end]
		rest := v[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return host, "", false, "text after ] that is not :PORT"
			}
			port, hasPort = rest[1:], true
		}
	case strings.Count(v, ":") == 1:
		host, port, _ = strings.Cut(v, ":")
		hasPort = true
	default:
		host = v
	}
	if hasPort {
		if flag == "data-path-addr" {
			return host, port, false, fmt.Sprintf("it has a port (%s)", port)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return host, port, false, fmt.Sprintf("port %q is not a number from 1 to 65535", port)
		}
	}
	if host == "" {
		if flag == "listen-addr" {
			return host, port, false, "" // ":PORT" listens on every address
		}
		return host, port, false, "no host before the port"
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.IsUnspecified() && flag != "listen-addr" {
			return host, port, true, fmt.Sprintf("%s is not an address other nodes can reach", host)
		}
		return host, port, true, ""
	}
	// Not an IP address: Docker takes it as a network interface name.
	switch {
	case strings.Contains(host, "/"):
		return host, port, false, "it is a CIDR range, not an address"
	case strings.Trim(host, "0123456789.") == "":
		return host, port, false, "it is not a valid IPv4 address"
	case strings.Contains(host, ":"):
		return host, port, false, "it is not a valid IPv6 address"
	case len(host) > 15 || strings.ContainsAny(host, " \t"):
		return host, port, false, "it is neither an IP address nor a network interface name (at most 15 characters); host names are not accepted"
	}
	return host, port, false, ""
}
