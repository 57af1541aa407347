// Package plan renders the address plan of the swarm a model describes:
// every network's subnet and where it came from, usable addresses against
// demand, what is left of the pools, and the firewall openings nodes need.
package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/safeio"
)

// Plan is the JSON form of the address plan.
type Plan struct {
	// Swarm says which inputs the plan is of and which of them are checked
	// against each other (empty when the caller does not say).
	Swarm string `json:"swarm,omitempty"`
	// Live is the engine a --live run read the swarm from ("" otherwise).
	Live     string    `json:"live,omitempty"`
	Nodes    int       `json:"nodes"`
	Networks []Network `json:"networks"`
	Pools    Pools     `json:"pools"`
	Firewall []Opening `json:"firewall"`
}

// Network is one row of the plan.
type Network struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Stack       string  `json:"stack"`
	Ingress     bool    `json:"ingress"`
	Subnet      string  `json:"subnet"`
	Source      string  `json:"source"` // explicit | pool | inventory | live | script | unknown
	Usable      int     `json:"usable"`
	Demand      int     `json:"demand"`
	Utilisation float64 `json:"utilisation"` // demand / usable, 0 when unknown
	Encrypted   bool    `json:"encrypted"`
	Services    int     `json:"services"`
	// Stacks are the stacks whose services use the network, sorted: several
	// when stacks share it (one creates it, the others use it as external),
	// and the demand is then theirs together.
	Stacks []string `json:"stacks"`
}

// Pools describes the default address pools.
type Pools struct {
	Prefixes    []string `json:"prefixes"`
	MaskLength  int      `json:"mask_length"`
	SubnetsLeft int      `json:"subnets_left"`
	Shortfall   int      `json:"shortfall"`
}

// Opening is one firewall rule between nodes.
type Opening struct {
	Port     string `json:"port"` // "2377" or "" for IP protocols
	Protocol string `json:"protocol"`
	Between  string `json:"between"`
	Why      string `json:"why"`
}

// Build computes the plan of a model.
func Build(m *analyzer.Model) Plan {
	p := Plan{Networks: []Network{}, Nodes: m.Swarm.NodeCount}
	if m.Swarm.Live != nil {
		p.Live = m.Swarm.Live.Engine
	}
	encrypted := false
	for _, n := range m.Networks {
		if n.Implicit && !n.Used && !n.Ingress {
			continue
		}
		if !n.Used && !n.Ingress && n.Origin == "stack" {
			continue // never created by stack deploy
		}
		row := Network{ID: n.ID, Name: n.Name, Stack: n.Stack, Ingress: n.Ingress, Subnet: n.Subnet, Source: n.SubnetSource,
			Usable: n.Usable, Demand: n.Demand.Total, Encrypted: n.Encrypted, Services: len(n.Services)}
		if row.Subnet == "" {
			row.Subnet = "unknown"
		}
		if n.Live {
			row.Source, row.Stack = "live", n.CreatedByStack // exists in the running swarm
		}
		row.Stacks = usedBy(m, n)
		if n.Usable > 0 {
			row.Utilisation = float64(n.Demand.Total) / float64(n.Usable)
		}
		if n.Encrypted && n.Used {
			encrypted = true
		}
		p.Networks = append(p.Networks, row)
	}
	sort.Slice(p.Networks, func(i, j int) bool {
		a, b := p.Networks[i], p.Networks[j]
		if a.Ingress != b.Ingress {
			return a.Ingress
		}
		return a.ID < b.ID
	})
	for _, pool := range m.Swarm.DefaultAddrPools {
		p.Pools.Prefixes = append(p.Pools.Prefixes, pool.CIDR)
	}
	p.Pools.MaskLength = m.Swarm.MaskLength
	p.Pools.SubnetsLeft = m.Swarm.PoolSubnetsLeft
	p.Pools.Shortfall = m.Swarm.PoolShortfall
	p.Firewall = []Opening{
		{"2377", "tcp", "all nodes → managers", "cluster management (swarm join, raft)"},
		{"7946", "tcp", "all nodes ↔ all nodes", "overlay network node discovery"},
		{"7946", "udp", "all nodes ↔ all nodes", "overlay network node discovery"},
		{fmt.Sprint(m.Swarm.DataPathPort), "udp", "all nodes ↔ all nodes", "VXLAN overlay data path; never open it to untrusted networks"},
	}
	if encrypted {
		p.Firewall = append(p.Firewall, Opening{"", "esp (IP protocol 50)", "all nodes ↔ all nodes", "IPsec for encrypted overlay networks"})
	}
	return p
}

// usedBy lists the stacks of the services on n, sorted.
func usedBy(m *analyzer.Model, n *analyzer.Network) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, id := range n.Services {
		if s := m.Services[id]; s != nil && s.Stack != "" && !seen[s.Stack] {
			seen[s.Stack] = true
			out = append(out, s.Stack)
		}
	}
	sort.Strings(out)
	return out
}

// shared marks a row whose network several stacks use (not ingress: every
// stack that publishes a port uses it).
func shared(n Network) string {
	if len(n.Stacks) < 2 || n.Ingress {
		return ""
	}
	return " (" + strings.Join(n.Stacks, "+") + ")"
}

// Formats lists the plan's output formats.
var Formats = []string{"text", "json", "markdown"}

// WriteAll renders the plans of several swarms: one after the other (text,
// markdown), or a JSON array; a single plan is written as Write does.
func WriteAll(w io.Writer, ps []Plan, format string) error {
	if len(ps) == 1 {
		return Write(w, ps[0], format)
	}
	if format == "json" {
		b, err := json.MarshalIndent(ps, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	for i, p := range ps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := Write(w, p, format); err != nil {
			return err
		}
	}
	return nil
}

// Write renders the plan.
func Write(w io.Writer, p Plan, format string) error {
	switch format {
	case "json":
		b, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	case "markdown":
		return writeMarkdown(w, p)
	case "text":
		return writeText(w, p)
	}
	return fmt.Errorf("unknown plan format %q (want %s)", format, strings.Join(Formats, ", "))
}

func bar(u float64, width int) string {
	n := int(u*float64(width) + 0.5)
	if n > width {
		n = width
	}
	if n < 0 {
		n = 0
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

func pct(n Network) string {
	if n.Usable == 0 {
		return "   ?"
	}
	return fmt.Sprintf("%3.0f%%", n.Utilisation*100)
}

func writeText(w io.Writer, p Plan) error {
	if p.Swarm != "" {
		fmt.Fprintf(w, "Swarm: %s\n\n", p.Swarm)
	}
	if p.Live != "" {
		fmt.Fprintf(w, "Live swarm at %s (%d nodes), with the linted stacks applied.\n\n", p.Live, p.Nodes)
	}
	fmt.Fprintln(w, "Networks (ingress first):")
	// The columns are as wide as their longest entry (at least 28 and 18
	// characters), so that long stack and network names keep them aligned.
	names := make([]string, len(p.Networks))
	nameW, subnetW := 28, 18
	for i, n := range p.Networks {
		name := safeio.Printable(n.Name) // a script can name a network anything
		if n.Ingress {
			name += " (ingress)"
		}
		if n.Encrypted {
			name += " [enc]"
		}
		name += shared(n)
		names[i] = name
		nameW = max(nameW, utf8.RuneCountInString(name))
		subnetW = max(subnetW, utf8.RuneCountInString(n.Subnet))
	}
	fmt.Fprintf(w, "  %-*s %-*s %-10s %7s %7s  %s\n", nameW, "NETWORK", subnetW, "SUBNET", "SOURCE", "USABLE", "DEMAND", "UTILISATION")
	for i, n := range p.Networks {
		fmt.Fprintf(w, "  %-*s %-*s %-10s %7d %7d  %s %s\n", nameW, names[i], subnetW, n.Subnet, n.Source, n.Usable, n.Demand, bar(n.Utilisation, 20), pct(n))
	}
	fmt.Fprintf(w, "\nDefault address pools: %s, /%d subnets; %d left", strings.Join(p.Pools.Prefixes, ", "), p.Pools.MaskLength, p.Pools.SubnetsLeft)
	if p.Pools.Shortfall > 0 {
		fmt.Fprintf(w, "; %d networks get NO subnet (pools exhausted)", p.Pools.Shortfall)
	}
	fmt.Fprintln(w, "\n\nFirewall openings between nodes:")
	for _, o := range p.Firewall {
		port := o.Port
		if port != "" {
			port += "/"
		}
		fmt.Fprintf(w, "  %-28s %-24s %s\n", port+o.Protocol, o.Between, o.Why)
	}
	return nil
}

func writeMarkdown(w io.Writer, p Plan) error {
	if p.Swarm != "" {
		fmt.Fprintf(w, "# Swarm\n\n%s\n\n", p.Swarm)
	}
	if p.Live != "" {
		fmt.Fprintf(w, "Live swarm at `%s` (%d nodes), with the linted stacks applied.\n\n", p.Live, p.Nodes)
	}
	fmt.Fprintln(w, "## Networks\n\n| network | subnet | source | usable | demand | utilisation |\n|---|---|---|---:|---:|---|")
	for _, n := range p.Networks {
		name := "`" + safeio.Printable(n.Name) + "`"
		if n.Ingress {
			name += " (ingress)"
		}
		if n.Encrypted {
			name += " (encrypted)"
		}
		if len(n.Stacks) > 1 && !n.Ingress {
			name += " (shared by " + strings.Join(n.Stacks, ", ") + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %d | %d | `%s` %s |\n", name, n.Subnet, n.Source, n.Usable, n.Demand, bar(n.Utilisation, 10), strings.TrimSpace(pct(n)))
	}
	fmt.Fprintf(w, "\n## Default address pools\n\n%s, /%d subnets, %d left.\n", strings.Join(p.Pools.Prefixes, ", "), p.Pools.MaskLength, p.Pools.SubnetsLeft)
	fmt.Fprintln(w, "\n## Firewall openings between nodes\n\n| port | between | why |\n|---|---|---|")
	for _, o := range p.Firewall {
		port := o.Port
		if port != "" {
			port += "/"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", port+o.Protocol, o.Between, o.Why)
	}
	return nil
}
