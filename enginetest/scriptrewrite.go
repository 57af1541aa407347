package enginetest

import (
	"net"
	"net/netip"
	"strings"
)

// FixtureRewrite returns a ScriptOptions.Rewrite that makes a bootstrap
// script written for a real cluster safe to run on this machine, changing
// only what would leave it or pull an image:
//
//   - `docker swarm init|join`: an --advertise-addr or --data-path-addr that
//     is an address (or interface) of another machine becomes advertise;
//     a value that is wrong in itself (0.0.0.0, an address with a port on
//     --data-path-addr, a host name) is kept, because it is the point of
//     the experiment and Docker rejects it before using it. `swarm init`
//     without --advertise-addr gets `--advertise-addr advertise`. The
//     manager address of `swarm join` becomes advertise (same port), so
//     that a join never contacts another machine.
//   - `docker service create`: the image becomes image (the probe, by ID),
//     the command after it is dropped, and --no-resolve-image --detach are
//     added, so that no registry is asked and the CLI does not wait.
//   - a statement that creates or removes docker_gwbridge is skipped: it
//     would change this machine's own networking.
func FixtureRewrite(image, advertise string) func([]string) ([]string, string) {
	return func(args []string) ([]string, string) {
		if len(args) < 2 {
			return args, ""
		}
		cmd := args[0] + " " + args[1]
		switch cmd {
		case "swarm init", "swarm join":
			return rewriteSwarmFlags(args, advertise, cmd == "swarm join"), ""
		case "service create":
			return rewriteServiceCreate(args, image), ""
		case "network create", "network rm":
			for i, a := range args[2:] {
				v := unquote(a)
				if v == "docker_gwbridge" || strings.HasSuffix(v, "bridge.name=docker_gwbridge") ||
					(v == "--opt" || v == "-o") && i+3 < len(args) && strings.HasSuffix(unquote(args[i+3]), "bridge.name=docker_gwbridge") {
					return nil, "would change this machine's docker_gwbridge"
				}
			}
		}
		return args, ""
	}
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// rewriteSwarmFlags rewrites the address flags of swarm init/join, and the
// manager address of a join.
func rewriteSwarmFlags(args []string, advertise string, join bool) []string {
	out := []string{args[0], args[1]}
	hasAdvertise := false
	lastPositional := -1
	for i := 2; i < len(args); i++ {
		a := args[i]
		name, val, inline := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
			lastPositional = len(out) - 1
			continue
		}
		switch name {
		case "--advertise-addr", "--data-path-addr":
			if name == "--advertise-addr" {
				hasAdvertise = true
			}
			if !inline {
				if i+1 >= len(args) {
					out = append(out, a)
					continue
				}
				i++
				val = args[i]
			}
			val = localAddr(val, advertise, name == "--advertise-addr")
			if inline {
				out = append(out, name+"="+val)
			} else {
				out = append(out, name, val)
			}
		default:
			out = append(out, a)
			if !inline && takesValue(name) && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
		}
	}
	if join && lastPositional >= 0 {
		remote := unquote(out[lastPositional])
		port := "2377"
		if h, p, err := net.SplitHostPort(remote); err == nil {
			_, port = h, p
		}
		out[lastPositional] = net.JoinHostPort(advertise, port)
	}
	if !join && !hasAdvertise {
		out = append(out, "--advertise-addr", advertise)
	}
	return out
}

// localAddr maps an address flag's value onto this machine: another
// machine's IP (optionally with a port, kept on --advertise-addr) or an
// interface this machine lacks becomes advertise; values that are invalid
// in themselves are kept.
func localAddr(val, advertise string, portAllowed bool) string {
	v := unquote(val)
	host, port := v, ""
	if h, p, err := net.SplitHostPort(v); err == nil {
		host, port = h, p
	}
	if port != "" && !portAllowed {
		return val // a port on --data-path-addr: rejected by Docker, the point of the fixture
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.IsUnspecified() || isLocalIP(ip) {
			return val
		}
	} else if strings.Contains(host, ".") || host == "" || strings.HasPrefix(host, "$") {
		return val // a host name (Docker does not resolve names here) or a variable
	} else if _, err := net.InterfaceByName(host); err == nil {
		return val
	}
	if port != "" {
		return net.JoinHostPort(advertise, port)
	}
	return advertise
}

func isLocalIP(ip netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr() == ip {
			return true
		}
	}
	return false
}

// serviceCreateBool are the `docker service create` flags that take no value.
var serviceCreateBool = map[string]bool{
	"-d": true, "--detach": true, "--init": true, "--no-healthcheck": true, "--no-resolve-image": true,
	"--read-only": true, "-q": true, "--quiet": true, "-t": true, "--tty": true, "--with-registry-auth": true,
	"--help": true, "--oom-kill-disable": true,
}

// takesValue reports whether a swarm init/join flag takes a value.
func takesValue(flag string) bool {
	switch flag {
	case "--force-new-cluster", "--autolock", "--help":
		return false
	}
	return true
}

// rewriteServiceCreate replaces the image and drops the command.
func rewriteServiceCreate(args []string, image string) []string {
	out := []string{args[0], args[1]}
	for i := 2; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			out = append(out, a)
			if !strings.Contains(a, "=") && !serviceCreateBool[a] && i+1 < len(args) {
				i++
				out = append(out, args[i])
			}
			continue
		}
		// The image: everything after it is the command.
		return append(out, "--no-resolve-image", "--detach", image)
	}
	return out
}
