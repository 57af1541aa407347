package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swarmlint/swarmlint/report/sariftest"
)

// fixStack is a dnsrr service with a short-syntax port, comments and an
// anchor around it.
const fixStack = `# shop cache tier
version: "3.8"
x-common: &common
  image: memcached:1.6   # pinned
services:
  cache:
    <<: *common
    deploy:
      endpoint_mode: dnsrr   # clients resolve every task
    ports:
      # the memcached port
      - "11211:11211"   # for the app servers
`

const fixStackFixed = `# shop cache tier
version: "3.8"
x-common: &common
  image: memcached:1.6   # pinned
services:
  cache:
    <<: *common
    deploy:
      endpoint_mode: dnsrr   # clients resolve every task
    ports:
      # the memcached port
      - target: 11211   # for the app servers
        published: 11211
        mode: host
`

// TestFixSWL101 is the acceptance: fix --diff shows the SWL101 fix
// and changes nothing; fix applies it keeping every comment and the
// anchor; a lint afterwards has no SWL101; fixing again changes nothing.
func TestFixSWL101(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // SARIF names files relative to the working directory
	p := "docker-stack.yml"
	write(t, dir, p, fixStack)

	// The SARIF of the original file carries the fix, schema-valid; so
	// does the JSON.
	sarifLog, _, code := run(t, "--format", "sarif", p)
	if code != ExitFindings {
		t.Fatalf("lint: exit %d", code)
	}
	sariftest.Check(t, []byte(sarifLog), map[string][]byte{p: []byte(fixStack)})
	for _, want := range []string{`"fixes"`, `"artifactChanges"`, `"deletedRegion"`, `"text": "target: 11211"`} {
		if !strings.Contains(sarifLog, want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
	if js, _, _ := run(t, "--format", "json", p); !strings.Contains(js, `"new_text": "target: 11211"`) {
		t.Errorf("JSON lacks the fix:\n%s", js)
	}

	out, errs, code := run(t, "fix", "--diff", p)
	if code != ExitOK {
		t.Fatalf("fix --diff: exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"-      - \"11211:11211\"   # for the app servers", "+      - target: 11211   # for the app servers", "+        published: 11211", "+        mode: host"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "would fix SWL101") {
		t.Errorf("stderr does not name the fix: %q", errs)
	}
	if b, _ := os.ReadFile(p); string(b) != fixStack {
		t.Fatalf("fix --diff changed the file:\n%s", b)
	}

	out, errs, code = run(t, "fix", p)
	if code != ExitOK {
		t.Fatalf("fix: exit %d, stdout %q stderr %q", code, out, errs)
	}
	if b, _ := os.ReadFile(p); string(b) != fixStackFixed {
		t.Fatalf("fixed file:\n%s\nwant:\n%s", b, fixStackFixed)
	}
	out, _, code = run(t, p)
	if code != ExitOK || strings.Contains(out, "SWL101") {
		t.Fatalf("lint after fix: exit %d\n%s", code, out)
	}
	if _, errs, code = run(t, "fix", p); code != ExitOK || !strings.Contains(errs, "fixed 0 findings in 0 files") {
		t.Fatalf("fixing again: exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(p); string(b) != fixStackFixed {
		t.Fatalf("fixing again changed the file:\n%s", b)
	}
}

// TestFixExitCodes: what remains after fixing decides the exit code, as in
// lint; standard input cannot be rewritten (usage error); a symbolic link
// is followed to the file it names, and stays a link.
func TestFixExitCodes(t *testing.T) {
	dir := t.TempDir()
	// SWL302 has only an unsafe fix: without --unsafe the warning stays.
	p := write(t, dir, "stack.yml", `services:
  web:
    image: nginx
    networks: [back]
    deploy: {endpoint_mode: dnsrr}
    ports: ["8080:80"]
networks:
  back:
    driver: overlay
    driver_opts: {encrypted: "false"}
`)
	_, errs, code := run(t, "fix", "--enable", "SWL101,SWL302", p)
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1 (SWL302 remains); stderr %q", code, errs)
	}
	b, _ := os.ReadFile(p)
	if !strings.Contains(string(b), `ports: [{target: 80, published: 8080, mode: host}]`) {
		t.Fatalf("the flow-style port was not fixed in flow style:\n%s", b)
	}
	if _, errs, code := run(t, "fix", "--enable", "SWL101", "-", "--stdin-filename", "x.yml"); code != ExitError || !strings.Contains(errs, "standard input") {
		t.Fatalf("fix of standard input: exit %d, stderr %q", code, errs)
	}

	real := write(t, dir, "real.yml", "services:\n  c:\n    image: memcached\n    deploy: {endpoint_mode: dnsrr}\n    ports:\n      - 11211:11211\n")
	link := filepath.Join(dir, "link.yml")
	if err := os.Symlink("real.yml", link); err != nil {
		t.Skip(err)
	}
	if _, errs, code := run(t, "fix", link); code != ExitOK {
		t.Fatalf("fix through a link: exit %d, stderr %q", code, errs)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(real); !strings.Contains(string(b), "mode: host") {
		t.Fatalf("the linked file was not fixed:\n%s", b)
	}
}

// TestFixCustomRule: a custom rule offers a fix the way built-in rules do
// (result.with_fix with edits naming model elements), and swarmlint fix
// applies it; an unsafe one only with --unsafe.
func TestFixCustomRule(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	body := "\tsome s in input.services\n\ts.image == \"nginx\"\n" +
		"\tf := result.finding(rego.metadata.chain(), s, sprintf(\"service %q uses an unpinned nginx\", [s.key]))\n" +
		"\tfinding := result.with_fix(f, result.fix(\"pin nginx to 1.27\", false, [result.edit_set(s, [\"image\"], \"nginx:1.27\")]))"
	writeAll(t, dir, map[string]string{
		"pol/pin.rego": customRule("ACME001", "acme.rules.pin", body),
		"stack.yml":    "services:\n  web:\n    image: nginx   # the proxy\n",
	})
	if _, errs, code := run(t, "fix", "--policy", "pol", "--enable", "ACME001", "stack.yml"); code != ExitFindings || !strings.Contains(errs, "1 finding has an unsafe fix") {
		t.Fatalf("without --unsafe: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := run(t, "fix", "--unsafe", "--policy", "pol", "--enable", "ACME001", "stack.yml"); code != ExitOK {
		t.Fatalf("with --unsafe: exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile("stack.yml"); string(b) != "services:\n  web:\n    image: nginx:1.27   # the proxy\n" {
		t.Fatalf("fixed file:\n%s", b)
	}
}

// TestFixOverlapping: two rules fix one port (SWL012 drops the host IP,
// SWL101 turns it into the long syntax); their edits overlap, so fix
// applies one, lints again and applies the other.
func TestFixOverlapping(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "stack.yml", "services:\n  db:\n    image: postgres:16\n    deploy: {endpoint_mode: dnsrr}\n    ports:\n      - \"127.0.0.1:5432:5432\"   # local tools\n")
	_, errs, code := run(t, "fix", "--enable", "SWL012,SWL101", p)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := "services:\n  db:\n    image: postgres:16\n    deploy: {endpoint_mode: dnsrr}\n    ports:\n" +
		"      # host IP 127.0.0.1 dropped: docker stack deploy ignores it and publishes the port on every address of every node\n" +
		"      - target: 5432   # local tools\n        published: 5432\n        mode: host\n"
	if b, _ := os.ReadFile(p); string(b) != want {
		t.Fatalf("fixed file:\n%s\nwant:\n%s", b, want)
	}
	if !strings.Contains(errs, "fixed 2 findings in 1 file") {
		t.Errorf("stderr %q", errs)
	}
}

// TestFixMultiFileStack: a key written in two files of a stack is removed
// from both (the later file's in the first round, the earlier one's in the
// next), each file keeping its comments.
func TestFixMultiFileStack(t *testing.T) {
	dir := t.TempDir()
	base := write(t, dir, "base.yml", "services:\n  web:\n    image: nginx   # base image\n    expose: [\"80\"]\n")
	prod := write(t, dir, "prod.yml", "# production\nservices:\n  web:\n    expose: [\"8080\"]\n    hostname: web\n")
	if _, errs, code := run(t, "fix", "-c", base, "-c", prod, "--stack", "shop"); code != ExitOK || !strings.Contains(errs, "fixed 2 findings in 2 files") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(base); string(b) != "services:\n  web:\n    image: nginx   # base image\n" {
		t.Errorf("base.yml:\n%s", b)
	}
	if b, _ := os.ReadFile(prod); string(b) != "# production\nservices:\n  web:\n    hostname: web\n" {
		t.Errorf("prod.yml:\n%s", b)
	}
}
