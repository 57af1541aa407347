package analyzer

import "testing"

// TestEffectiveMTU: the figures of docs/swarm-behaviour.md#overlay-mtu, 1450 and 1424 by default.
func TestEffectiveMTU(t *testing.T) {
	for _, c := range []struct {
		base      int
		encrypted bool
		want      int
	}{{1500, false, 1450}, {1500, true, 1424}, {1400, true, 1324}, {1450, true, 1372}, {9000, false, 8950}} {
		if got := EffectiveMTU(c.base, c.encrypted); got != c.want {
			t.Errorf("EffectiveMTU(%d, %v) = %d, want %d", c.base, c.encrypted, got, c.want)
		}
	}
	m := loadText(t, `
services:
  app:
    image: nginx
    networks: [plain, secret, low, bad, zero]
networks:
  plain: {}
  secret:
    driver_opts: {encrypted: "true"}
  low:
    driver_opts: {com.docker.network.driver.mtu: "1400", encrypted: ""}
  bad:
    driver_opts: {com.docker.network.driver.mtu: " 1400"}
  zero:
    driver_opts: {com.docker.network.driver.mtu: 0}
  external:
    external: true
`, nil)
	for id, want := range map[string]struct {
		set       bool
		effective int
	}{"s_plain": {false, 1450}, "s_secret": {false, 1424}, "s_low": {true, 1324}, "s_bad": {true, 0}, "s_zero": {true, 1450}, "ingress": {false, 1450}} {
		n := m.Networks[id]
		if n == nil || n.MTU == nil {
			t.Errorf("%s: no mtu", id)
			continue
		}
		if n.MTU.Set != want.set || n.MTU.Effective != want.effective {
			t.Errorf("%s: mtu %+v, want set=%v effective=%d", id, *n.MTU, want.set, want.effective)
		}
	}
	if n := m.Networks["external"]; n != nil && n.MTU != nil {
		t.Errorf("external network got an mtu: %+v", *n.MTU)
	}
}
