package analyzer

import "strconv"

// Overlay encapsulation overheads (docs/swarm-behaviour.md#overlay-mtu): VXLAN adds 50 bytes (inner
// Ethernet 14, outer IP 20, UDP 8, VXLAN 8); IPsec ESP adds 26 more.
const (
	defaultMTU  = 1500
	vxlanEncap  = 50
	espOverhead = 26
)

// effectiveMTU fills mtu.effective for every overlay network whose options
// are known, also those without the option (docs/swarm-behaviour.md#overlay-mtu): (option or 1500) − 50,
// then − 26 and rounded down to a multiple of 4 when encrypted. It uses
// Docker's own parse (strconv.Atoi on the raw value, no trimming); when
// that fails or the value is negative, Docker cannot create the network
// (docs/swarm-behaviour.md#mtu-option-value) and effective stays 0.
func (b *builder) effectiveMTU() {
	for _, id := range sortedKeys(b.m.Networks) {
		n := b.m.Networks[id]
		if n.Driver != "overlay" || n.External {
			continue
		}
		if n.MTU == nil {
			n.MTU = &MTU{Valid: true, Ref: n.Ref}
		} else {
			n.MTU.Set = true
		}
		base := defaultMTU
		if n.MTU.Set {
			v, err := strconv.Atoi(n.MTU.Raw)
			if err != nil || v < 0 {
				n.MTU.Effective = 0
				continue
			}
			if v != 0 {
				base = v
			}
		}
		n.MTU.Effective = EffectiveMTU(base, n.Encrypted)
	}
}

// EffectiveMTU is the MTU Docker gives the containers of an overlay network
// whose com.docker.network.driver.mtu is base (docs/swarm-behaviour.md#overlay-mtu).
func EffectiveMTU(base int, encrypted bool) int {
	mtu := base - vxlanEncap
	if encrypted {
		mtu -= espOverhead
		mtu -= mtu % 4
	}
	return mtu
}
