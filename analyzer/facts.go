package analyzer

// factStep is one computation of facts, with the steps whose results it
// reads.
type factStep struct {
	name  string
	needs []string
	run   func(*builder)
}

// factSteps compute everything rules need that is not written in the files,
// in this order; each step runs after the steps it needs (checked by
// TestFactStepsOrder).
var factSteps = []factStep{
	{"hostnames", nil, (*builder).hostnames},                                    // facts_hostnames.go: service names in environment and commands
	{"allocate", nil, (*builder).allocate},                                      // facts_allocation.go: subnets from the pools
	{"demand", []string{"allocate"}, (*builder).demand},                         // facts_demand.go: addresses needed and usable per network
	{"indexes", []string{"hostnames"}, (*builder).indexes},                      // facts_indexes.go: the joins rules use, overlapping subnets
	{"versions", nil, (*builder).fileVersions},                                  // facts_versions.go: each file's version
	{"external-keys", nil, (*builder).externalKeys},                             // facts_keys.go: keys stack deploy ignores on external networks (the others are classified as the files are scanned)
	{"overrides", nil, (*builder).overrides},                                    // facts_overrides.go: what a later file replaces
	{"variables", nil, (*builder).variableCasts},                                // facts_variables.go: operators and number/boolean casts of ${VAR}
	{"collisions", nil, (*builder).nameCollisions},                              // facts_collisions.go: names equal ignoring case
	{"published-ranges", []string{"indexes"}, (*builder).expandPublishedRanges}, // facts_ports.go: host-port ranges in the published-port index
	{"duplicate-ports", nil, (*builder).duplicatePorts},                         // facts_ports.go: repeated ports items
	{"mtu", nil, (*builder).effectiveMTU},                                       // facts_mtu.go: the containers' MTU on overlay networks
	{"update-batches", []string{"demand"}, (*builder).updateBatches},            // facts_demand.go: addresses a rolling update holds twice
}

// facts runs factSteps.
func (b *builder) facts() {
	for _, s := range factSteps {
		s.run(b)
	}
}
