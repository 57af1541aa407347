package analyzer

import (
	"net/netip"
	"testing"
)

func TestUsable(t *testing.T) {
	for cidr, want := range map[string]int{
		"10.0.0.0/24": 253, "10.0.0.0/26": 61, "10.0.0.0/16": 65533, "10.0.0.0/30": 1,
		"10.0.0.0/31": 1, "10.0.0.0/32": 0, "10.0.0.0/8": 1<<24 - 3, "fd00::/64": 0,
	} {
		if got := Usable(netip.MustParsePrefix(cidr)); got != want {
			t.Errorf("Usable(%s) = %d, want %d", cidr, got, want)
		}
	}
}

func TestDemand(t *testing.T) {
	m := loadAddressingStack(t, `
services:
  worker:
    image: python:3.12-slim
    deploy:
      replicas: 70
      update_config:
        parallelism: 20
        order: start-first
    networks: [jobs]
  api:
    image: node:20-alpine
    deploy:
      replicas: 6
      update_config:
        parallelism: 4
    ports:
      - "8080:8080"
    networks: [jobs]
  agent:
    image: portainer/agent:2.20.3
    deploy:
      mode: global
      endpoint_mode: dnsrr
    networks: [jobs]
networks:
  jobs:
    ipam:
      config:
        - subnet: 172.30.8.0/26
        - subnet: 172.30.9.0/26
`, Settings{NodeCount: 5})
	jobs := m.Networks["app_jobs"]
	want := Demand{Total: 70 + 6 + 5 + 20 + 2 + 5, VIPs: 2, Tasks: 81, UpdateExtra: 20, LB: 5, UpdateBatch: 4, UpdateBatchService: "app_api"}
	if jobs.Demand != want {
		t.Errorf("demand = %+v, want %+v", jobs.Demand, want)
	}
	if jobs.Usable != 2*61 {
		t.Errorf("two /26 subnets: usable %d, want 122", jobs.Usable)
	}
	ing := m.Networks["ingress"]
	wantIng := Demand{Total: 1 + 6 + 5, VIPs: 1, Tasks: 6, LB: 5, UpdateBatch: 4, UpdateBatchService: "app_api"}
	if ing.Demand != wantIng {
		t.Errorf("ingress demand = %+v, want %+v", ing.Demand, wantIng)
	}
}
