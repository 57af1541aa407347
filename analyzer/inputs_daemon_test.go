package analyzer

import "testing"

func TestDaemonJSON(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "daemon.json", `{"default-address-pools": [{"base": "172.80.0.0/16", "size": 24}]}`)
	a := loadScripts(t, Options{DaemonJSON: f})
	d := a.Model.Swarm.Daemon
	if d == nil || len(d.DefaultAddressPools) != 1 || d.DefaultAddressPools[0].Base != "172.80.0.0/16" || d.DefaultAddressPools[0].Size != 24 {
		t.Fatalf("daemon = %+v", d)
	}
	if r, ok := a.Locate(d.Ref, nil); !ok || r.StartLine != 1 || r.StartCol != 2 {
		t.Errorf("locate = %+v %v", r, ok)
	}
}
