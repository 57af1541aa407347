package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := at(gl, i), at(wl, i)
			if g != w {
				t.Fatalf("%s differs at line %d:\n got %q\nwant %q\n(run go test ./report -update to accept)", path, i+1, g, w)
			}
		}
	}
}

func at(ls []string, i int) string {
	if i < len(ls) {
		return ls[i]
	}
	return "<EOF>"
}

// render writes r with w into memory.
func render(t *testing.T, w report.Writer, r *report.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("%T.Write: %v", w, err)
	}
	return buf.Bytes()
}

const stackYML = `version: "3.8"
services:
  web:
    image: nginx:1.25
    privileged: true
    labels:
      note: "🚀 launch"
    ports:
      - "80:80"
    deploy:
      endpoint_mode: dnsrr
  db:
    image: postgres
`

// CRLF line ends and a path that needs percent-encoding.
const spacedYML = "services:\r\n  cache:\r\n    image: memcached\r\n"

func catalog() []rules.Rule {
	return []rules.Rule{
		{ID: "SWL000", Name: "yaml-parse-error", Title: "File could not be parsed as a stack file",
			Description: "swarmlint could not parse this file, so no other rule was checked in it.",
			Severity:    "error", Remediation: "Fix the YAML syntax error and run swarmlint again.", Category: "deploy"},
		{ID: "SWL001", Name: "privileged-service", Title: "Service runs privileged",
			Description: "A privileged container gets all host capabilities;\na compromise of the container is a compromise of the node.\n\nSwarm ignores `privileged` at deploy time.",
			Severity:    "error", Remediation: "Remove `privileged: true` and add only the capabilities the service needs.",
			Security: true, Category: "deploy"},
		{ID: "SWL002", Name: "image-tag-not-pinned", Title: "Image has no tag or digest",
			Description: "An image without tag resolves to latest, so nodes can run different code.",
			Severity:    "warning", Remediation: "Pin the image to a tag or digest.", Category: "deploy"},
		{ID: "SWL003", Name: "label_non_ascii", Title: "Label value contains non-ASCII text",
			Severity: "note", Category: "deploy"},
		{ID: "SWL101", Name: "dnsrr-with-ingress-port", Title: "dnsrr service publishes a port through the routing mesh",
			Description: "A service in dnsrr endpoint mode has no virtual IP, so the ingress routing mesh\ncannot balance to it.\n\nDocker refuses such a service at deploy time.",
			Severity:    "error", Remediation: "Publish the port in host mode, or drop the port.", Category: "ports",
			Related: []rules.Link{{Description: "Swarm ingress", URL: "https://docs.docker.com/engine/swarm/ingress/"}}},
		{ID: "SWL201", Name: "unused-deploy-block", Title: "Deploy block has no effect", Severity: "note",
			Description: "Nothing in this deploy block changes the defaults.", Category: "addressing"},
		{ID: "SWL301", Name: "overlay-not-encrypted", Title: "Overlay network is not encrypted", Severity: "warning",
			Description: "Traffic between nodes is sent in clear text.", Security: true, Category: "encryption",
			Remediation: "Set driver_opts.encrypted."},
		{ID: "ACME001", Name: "team-label", Title: "Service has no team label", Severity: "warning", Custom: true,
			Description: "Every service names its owning team.", Category: "custom",
			Related: []rules.Link{{Description: "wiki", URL: "http://wiki.example/labels"}, {Description: "Labels", URL: "https://wiki.example/labels"}}},
		{ID: "ACME002", Name: "no-latest", Title: "Image uses latest", Severity: "note", Custom: true,
			Description: "Pin images.", Category: "custom"},
	}
}

// sampleResult has findings of every level in two files, an emoji before a
// token (UTF-16 columns), a multi-line region and a related location.
func sampleResult() *report.Result {
	return &report.Result{
		ToolVersion: "v0.3.0",
		Rules:       catalog(),
		Sources:     map[string][]byte{"deploy/stack.yml": []byte(stackYML), "my dir/stack file.yml": []byte(spacedYML)},
		RuleHelp:    map[string]string{"SWL101": "# SWL101 dnsrr-with-ingress-port\n\nUse `mode: host`."},
		Successful:  true,
		Findings: []report.Finding{
			{RuleID: "SWL001", Level: "error", Message: `service "web" runs privileged`, File: "deploy/stack.yml",
				StartLine: 5, StartCol: 5, EndLine: 5, EndCol: 21, Identity: "SWL001|deploy/stack.yml|services.web.privileged"},
			{RuleID: "SWL003", Level: "note", Message: `label "note" of service "web" has non-ASCII text`, File: "deploy/stack.yml",
				StartLine: 7, StartCol: 16, EndLine: 7, EndCol: 22, Identity: "SWL003|deploy/stack.yml|services.web.labels.note"},
			{RuleID: "SWL101", Level: "error", Message: `service "web" uses dnsrr but publishes 80 in ingress mode`, File: "deploy/stack.yml",
				StartLine: 9, StartCol: 9, EndLine: 9, EndCol: 16, Identity: "SWL101|deploy/stack.yml|services.web.ports[0]",
				Related: []report.Location{{File: "deploy/stack.yml", StartLine: 11, StartCol: 22, EndLine: 11, EndCol: 27, Message: "endpoint mode set here"}}},
			{RuleID: "SWL201", Level: "note", Message: `deploy block of service "web" changes nothing.`, File: "deploy/stack.yml",
				StartLine: 10, StartCol: 5, EndLine: 11, EndCol: 27, Identity: "SWL201|deploy/stack.yml|services.web.deploy"},
			{RuleID: "SWL002", Level: "warning", Message: `image "postgres" of service "db" has no tag`, File: "deploy/stack.yml",
				StartLine: 13, StartCol: 12, EndLine: 13, EndCol: 20, Identity: "SWL002|deploy/stack.yml|services.db.image"},
			{RuleID: "SWL002", Level: "warning", Message: `image "memcached" of service "cache" has no tag`, File: "my dir/stack file.yml",
				StartLine: 3, StartCol: 12, EndLine: 3, EndCol: 21, Identity: "SWL002|my dir/stack file.yml|services.cache.image"},
		},
	}
}

// cleanResult has no findings and no notifications.
func cleanResult() *report.Result {
	return &report.Result{
		ToolVersion: "0.3.0",
		Rules:       catalog(),
		Sources:     map[string][]byte{},
		Files:       []string{"deploy/stack.yml"},
		Successful:  true,
	}
}

// suppressedResult has suppressed findings, tool notifications, a failed
// run and a category.
func suppressedResult() *report.Result {
	r := sampleResult()
	r.Findings = r.Findings[:2]
	r.Findings[0].Suppression = &report.Suppression{Kind: "inSource", Justification: "needed for the VPN sidecar",
		Location: &report.Location{File: "deploy/stack.yml", StartLine: 5, StartCol: 23, EndLine: 5, EndCol: 77}}
	r.Findings[1].Suppression = &report.Suppression{Kind: "external"}
	r.Sources["deploy/stack.yml"] = []byte(strings.Replace(stackYML, "privileged: true\n",
		"privileged: true  # swarmlint-disable SWL001 needed for the VPN sidecar\n", 1))
	r.Sources["deploy/broken.yml"] = []byte("services:\n  web:\n    image: [\n")
	r.Findings = append(r.Findings, report.Finding{RuleID: "SWL000", Level: "error",
		Message: "yaml: line 3: did not find expected node content", File: "deploy/broken.yml",
		StartLine: 3, StartCol: 12, Identity: "SWL000|deploy/broken.yml"})
	r.Notifications = []report.Notification{
		{Level: "error", Message: "could not parse deploy/broken.yml: yaml: line 3: did not find expected node content",
			File: "deploy/broken.yml", Line: 3, Col: 12, RuleID: "SWL000"},
		{Level: "warning", Message: "policy directory ./policies is empty"},
	}
	r.Successful = false
	r.Category = "swarm/prod"
	return r
}

// offset is the byte offset of line:col (1-based, code points) in src.
func offset(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		off += strings.IndexByte(src[off:], '\n') + 1
	}
	for c := 1; c < col; c++ {
		_, size := utf8.DecodeRuneInString(src[off:])
		off += size
	}
	return off
}

// fixesResult has a safe fix of two edits (a replacement and an insertion
// after the line's end) and an unsafe fix that deletes a CRLF line.
func fixesResult() *report.Result {
	r := sampleResult()
	r.Findings = []report.Finding{r.Findings[2], r.Findings[5]}
	edit := func(file, src string, sl, sc, el, ec int, text string) report.Edit {
		return report.Edit{File: file, StartLine: sl, StartCol: sc, EndLine: el, EndCol: ec,
			StartOffset: offset(src, sl, sc), EndOffset: offset(src, el, ec), NewText: text}
	}
	r.Findings[0].Fixes = []report.Fix{{Description: "publish 80/tcp in host mode (long syntax, mode: host)", Safe: true,
		Edits: []report.Edit{
			edit("deploy/stack.yml", stackYML, 9, 9, 9, 16, "target: 80"),
			edit("deploy/stack.yml", stackYML, 9, 16, 9, 16, "\n        published: 80\n        mode: host"),
		}}}
	r.Findings[1].Fixes = []report.Fix{{Description: "remove the image", Safe: false,
		Edits: []report.Edit{edit("my dir/stack file.yml", spacedYML, 3, 1, 4, 1, "")}}}
	return r
}

// cases are the fixtures every golden test renders.
var cases = map[string]func() *report.Result{
	"fixes":      fixesResult,
	"sample":     sampleResult,
	"clean":      cleanResult,
	"suppressed": suppressedResult,
}
