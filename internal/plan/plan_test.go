package plan

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
)

// TestPlanMaskLength: with --default-addr-pool-mask-length 28 every
// auto-allocated network gets a /28 from that pool, ingress first.
func TestPlanMaskLength(t *testing.T) {
	a, err := analyzer.Load(context.Background(), analyzer.Options{
		Stacks:   []analyzer.StackInput{{Name: "wp", Files: []string{"../../examples/wordpress/docker-stack.yml"}}},
		Settings: analyzer.Settings{DefaultAddrPools: []string{"10.60.0.0/16"}, MaskLength: 28},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := Build(a.Model)
	if len(p.Networks) != 2 || !p.Networks[0].Ingress || p.Networks[0].Subnet != "10.60.0.0/28" ||
		p.Networks[1].Subnet != "10.60.0.16/28" || p.Networks[1].Source != "pool" || p.Networks[1].Usable != 13 {
		t.Fatalf("plan = %+v", p.Networks)
	}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, p, f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "10.60.0.16/28") || !strings.Contains(buf.String(), "7946") {
			t.Errorf("%s output lacks the allocated subnet or firewall rows:\n%s", f, buf.String())
		}
	}
	for _, o := range p.Firewall {
		if strings.HasPrefix(o.Protocol, "esp") {
			t.Error("ESP listed although no overlay is encrypted")
		}
	}
}
