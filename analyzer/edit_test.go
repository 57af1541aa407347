package analyzer

import (
	"encoding/json"
	"net/netip"
	"os"
	"strings"
	"testing"
)

// applyEdits runs one fix's edits on a one-file stack and returns the
// file's new text (or the error).
func applyEdits(t *testing.T, src string, reqs ...EditRequest) (string, error) {
	t.Helper()
	a := loadFiles(t, map[string]string{}, [2]string{"stack.yml", src})
	if len(a.Model.LoadErrors) > 0 {
		t.Fatalf("the test stack does not load: %v", a.Model.LoadErrors[0].Message)
	}
	for i := range reqs {
		reqs[i].Ref.Src = "stack:ledger"
	}
	edits, err := a.Edits(reqs)
	if err != nil {
		return "", err
	}
	raw, err := os.ReadFile(a.Inputs[0])
	if err != nil {
		t.Fatal(err)
	}
	out, at := []byte{}, 0
	for _, e := range edits {
		out = append(append(out, raw[at:e.Start]...), e.NewText...)
		at = e.End
	}
	return string(append(out, raw[at:]...)), nil
}

func path(p ...any) Ref { return Ref{Path: p} }

func TestEdits(t *testing.T) {
	long := map[string]any{"target": json.Number("80"), "published": json.Number("8080"), "mode": "host"}
	cases := []struct {
		name, src string
		reqs      []EditRequest
		want      string // "" with wantErr
		wantErr   string
	}{
		{"remove block entry with its lines and deeper comments",
			"services:\n  web:\n    image: nginx\n    expose:   # ignored\n      # the app port\n      - \"80\"\n\n    networks: [a]\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "expose")}},
			"services:\n  web:\n    image: nginx\n\n    networks: [a]\n", ""},
		{"an entry between blank lines leaves one",
			"services:\n  web:\n    image: nginx\n\n    privileged: true\n\n    hostname: w\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "privileged")}},
			"services:\n  web:\n    image: nginx\n\n    hostname: w\n", ""},
		{"remove the last entry, a block sequence at the key's column",
			"services:\n  web:\n    image: nginx\n    expose:\n    - \"80\"\n    - \"81\"\n# end\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "expose")}},
			"services:\n  web:\n    image: nginx\n# end\n", ""},
		{"remove the first key of a sequence item: the next key moves up",
			"services:\n  web:\n    image: nginx\n    ports:\n      - mode: ingress\n        target: 80\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "ports", 0, "mode")}},
			"services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n", ""},
		{"remove a block sequence item with its lines",
			"services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        published: 80\n      - \"9090:90\"\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "ports", 0)}},
			"services:\n  web:\n    image: nginx\n    ports:\n      - \"9090:90\"\n", ""},
		{"remove from a flow mapping, middle and last",
			"services:\n  web: {image: nginx, expose: [\"80\"], hostname: w}\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "expose")}},
			"services:\n  web: {image: nginx, hostname: w}\n", ""},
		{"remove the last key of a flow mapping",
			"services:\n  web: {image: nginx, expose: [\"80\"]}\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "expose")}},
			"services:\n  web: {image: nginx}\n", ""},
		{"CRLF line ends are kept",
			"services:\r\n  web:\r\n    image: nginx\r\n    deploy: {endpoint_mode: dnsrr}\r\n    ports:\r\n      - \"8080:80\" # public\r\n",
			[]EditRequest{{Op: "set", Ref: path("services", "web", "ports", 0), Value: long}},
			"services:\r\n  web:\r\n    image: nginx\r\n    deploy: {endpoint_mode: dnsrr}\r\n    ports:\r\n      - target: 80 # public\r\n        published: 8080\r\n        mode: host\r\n", ""},
		{"a flow sequence item becomes a flow mapping",
			"services:\n  web:\n    image: nginx\n    ports: [\"8080:80\", \"9090:90\"]\n",
			[]EditRequest{{Op: "set", Ref: path("services", "web", "ports", 0), Value: long}},
			"services:\n  web:\n    image: nginx\n    ports: [{target: 80, published: 8080, mode: host}, \"9090:90\"]\n", ""},
		{"set adds a missing key to a block mapping after its last entry",
			"services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        published: 8080   # web\n    hostname: w\n",
			[]EditRequest{{Op: "set", Ref: path("services", "web", "ports", 0), Sub: []any{"mode"}, Value: "host"}},
			"services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        published: 8080   # web\n        mode: host\n    hostname: w\n", ""},
		{"set keeps a quoted scalar's quotes; a comment line above",
			"services:\n  web:\n    image: nginx\n    ports:\n      - '127.0.0.1:80:80'\n",
			[]EditRequest{{Op: "set", Ref: path("services", "web", "ports", 0), Value: "80:80"},
				{Op: "comment", Ref: path("services", "web", "ports", 0), Text: "host IP dropped"}},
			"services:\n  web:\n    image: nginx\n    ports:\n      # host IP dropped\n      - '80:80'\n", ""},
		{"a plain value that would read as something else is quoted",
			"services:\n  web:\n    image: nginx\n    hostname: web\n",
			[]EditRequest{{Op: "set", Ref: path("services", "web", "hostname"), Value: "80:80"}},
			"services:\n  web:\n    image: nginx\n    hostname: \"80:80\"\n", ""},
		{"not through a merge key",
			"x-base: &base\n  image: nginx\n  expose: [\"80\"]\nservices:\n  web:\n    <<: *base\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "expose")}}, "", "alias or a merge key"},
		{"not an anchored value",
			"services:\n  web:\n    image: nginx\n    expose: &ports [\"80\"]\n  api:\n    image: nginx\n    expose: *ports\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "expose")}}, "", "alias or a merge key"},
		{"overlapping edits of one fix",
			"services:\n  web:\n    image: nginx\n    hostname: web\n",
			[]EditRequest{{Op: "set", Ref: path("services", "web", "hostname"), Value: "a"},
				{Op: "remove", Ref: path("services", "web", "hostname")}}, "", "overlap"},
		{"an element not written",
			"services:\n  web:\n    image: nginx\n",
			[]EditRequest{{Op: "remove", Ref: path("services", "web", "expose")}}, "", "not written"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := applyEdits(t, c.src, c.reqs...)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want one saying %q (result %q)", err, c.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// A file with a UTF-8 byte-order mark: offsets count it; UTF-16 files are
// never edited.
func TestEditsEncodings(t *testing.T) {
	src := "\ufeffservices:\n  web:\n    image: nginx\n    expose: [\"80\"]\n"
	got, err := applyEdits(t, src, EditRequest{Op: "remove", Ref: path("services", "web", "expose")})
	if err != nil || got != "\ufeffservices:\n  web:\n    image: nginx\n" {
		t.Fatalf("BOM file: %q, %v", got, err)
	}
	u16 := []byte{0xFF, 0xFE}
	for _, r := range "services:\n  web:\n    image: nginx\n    expose: [\"80\"]\n" {
		u16 = append(u16, byte(r), 0)
	}
	_, err = applyEdits(t, string(u16), EditRequest{Op: "remove", Ref: path("services", "web", "expose")})
	if err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Fatalf("UTF-16 file: %v", err)
	}
}

// FreeSubnet avoids every known subnet and host network, and lies beyond
// what the pools hand out to networks without a subnet.
func TestFreeSubnet(t *testing.T) {
	a := loadFiles(t, map[string]string{}, [2]string{"stack.yml", `services:
  web:
    image: nginx
    networks: [auto, fixed]
networks:
  auto: {driver: overlay}
  fixed:
    driver: overlay
    ipam: {config: [{subnet: 10.0.2.0/23}]}
`})
	a.Model.Swarm.HostNetworks = []string{"10.0.4.0/24"}
	got, ok := a.Model.FreeSubnet("ledger_fixed", 24, nil)
	// ingress 10.0.0.0/24, auto 10.0.1.0/24, fixed 10.0.2.0/23, host 10.0.4.0/24
	if !ok || got.String() != "10.0.5.0/24" {
		t.Fatalf("FreeSubnet = %v %v, want 10.0.5.0/24", got, ok)
	}
	if got, _ := a.Model.FreeSubnet("ledger_fixed", 24, []netip.Prefix{got}); got.String() != "10.0.6.0/24" {
		t.Fatalf("with 10.0.5.0/24 taken: %v", got)
	}
}
