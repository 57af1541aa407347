package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// Two alternatives of one app: a local Compose file and the production
// stack, both publishing port 80 through the routing mesh.
const (
	devCompose = "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n"
	prodStack  = "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n    deploy:\n      replicas: 2\n"
	// frontNet and backNet declare overlapping subnets (SWL211 when they
	// are in one swarm).
	frontNet = "services:\n  web:\n    image: nginx\n    networks: [front]\nnetworks:\n  front:\n    driver: overlay\n    ipam:\n      config:\n        - subnet: 10.20.0.0/16\n"
	backNet  = "services:\n  api:\n    image: nginx\n    networks: [back]\nnetworks:\n  back:\n    driver: overlay\n    ipam:\n      config:\n        - subnet: 10.20.5.0/24\n"
	cleanNet = "services:\n  db:\n    image: postgres\n"
)

// runStdin runs the CLI with stdin.
func runStdin(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// findingsOf runs swarmlint with --format json and returns "RULE file" for
// every finding.
func findingsOf(t *testing.T, args ...string) ([]string, int, string) {
	t.Helper()
	out, errs, code := run(t, append([]string{"--format", "json"}, args...)...)
	var doc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
			File   string `json:"file"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out, errs)
	}
	var got []string
	for _, f := range doc.Findings {
		got = append(got, f.RuleID+" "+f.File)
	}
	return got, code, errs
}

func TestIndependentFilesAndSameSwarm(t *testing.T) {
	inTempDir(t, map[string]string{"docker-compose.yml": devCompose, "deploy/docker-stack.yml": prodStack})
	got, code, errs := findingsOf(t, "--enable", "SWL103", "docker-compose.yml", "deploy/docker-stack.yml")
	if code != 0 || len(got) != 0 {
		t.Errorf("independent files: exit %d, findings %q\n%s", code, got, errs)
	}
	got, code, errs = findingsOf(t, "--enable", "SWL103", "--same-swarm", "docker-compose.yml", "deploy/docker-stack.yml")
	if code != ExitFindings || !slices.Contains(got, "SWL103 deploy/docker-stack.yml") && !slices.Contains(got, "SWL103 docker-compose.yml") {
		t.Errorf("--same-swarm: exit %d, findings %q\n%s", code, got, errs)
	}
}

// The same file given twice (also written two ways) is one input: its
// network does not overlap itself.
func TestSameFileTwiceIsOneInput(t *testing.T) {
	inTempDir(t, map[string]string{"x.yml": frontNet})
	for _, args := range [][]string{{"x.yml", "x.yml"}, {"x.yml", "./x.yml"}, {"--same-swarm", "x.yml", "x.yml"}, {"-c", "x.yml", "x.yml"}} {
		got, code, errs := findingsOf(t, append([]string{"--enable", "SWL211"}, args...)...)
		if code != 0 || len(got) != 0 {
			t.Errorf("%q: exit %d, findings %q\n%s", args, code, got, errs)
		}
	}
}

// Without file arguments swarmlint lints the configured stacks as one
// swarm; a cross-stack overlap fails the run.
func TestNoArgumentsLintsConfiguredStacks(t *testing.T) {
	for _, name := range []string{".swarmlint.yaml", ".swarmlint.yml"} {
		t.Run(name, func(t *testing.T) {
			inTempDir(t, map[string]string{
				name:                 "rules:\n  enable: [SWL211]\nstacks:\n  - name: front\n    files: [stacks/front.yml]\n  - name: back\n    files: [stacks/back.yml]\n",
				"stacks/front.yml":   frontNet,
				"stacks/back.yml":    backNet,
				"docker-compose.yml": devCompose,
			})
			out, errs, code := run(t)
			if code != ExitFindings || !strings.Contains(out, "SWL211") || !strings.Contains(out, "stacks/back.yml") {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			// A file of a configured stack is linted in its swarm.
			out, errs, code = run(t, "stacks/back.yml")
			if code != ExitFindings || !strings.Contains(out, "SWL211") {
				t.Fatalf("stacks/back.yml: exit %d\n%s%s", code, out, errs)
			}
			// A file outside the configuration is an independent stack.
			out, errs, code = run(t, "docker-compose.yml")
			if code != 0 {
				t.Fatalf("docker-compose.yml: exit %d\n%s%s", code, out, errs)
			}
			out, _, code = run(t, "plan")
			if code != 0 || !strings.Contains(out, "Swarm: the swarm of "+name+": 2 stacks checked against each other") {
				t.Errorf("plan does not say which swarm:\n%s", out)
			}
		})
	}
}

func TestConfiguredSwarms(t *testing.T) {
	inTempDir(t, map[string]string{
		".swarmlint.yaml": `rules:
  enable: [SWL211, SWL501]
swarm:
  default_addr_pool_mask_length: 24
swarms:
  - name: prod
    stacks:
      - {name: front, files: [prod/front.yml]}
  - name: staging
    swarm:
      init: docker swarm init --default-addr-pool 10.60.0.0/16 --default-addr-pool-mask-length 30
    stacks:
      - {name: front, files: [staging/front.yml]}
      - {name: back, files: [staging/back.yml]}
`,
		"prod/front.yml":    frontNet,
		"staging/front.yml": frontNet,
		"staging/back.yml":  backNet,
	})
	got, code, errs := findingsOf(t)
	want := []string{"SWL501 .swarmlint.yaml", "SWL211 staging/back.yml"}
	slices.Sort(got)
	slices.Sort(want)
	if code != ExitFindings || !slices.Equal(got, want) {
		t.Errorf("exit %d, findings %q, want %q\n%s", code, got, want, errs)
	}
	got, code, _ = findingsOf(t, "--swarm", "prod")
	if code != 0 || len(got) != 0 {
		t.Errorf("--swarm prod: exit %d, findings %q", code, got)
	}
	_, errs, code = run(t, "--swarm", "qa")
	if code != ExitError || !strings.Contains(errs, `no such swarm`) || !strings.Contains(errs, `"staging"`) {
		t.Errorf("--swarm qa: exit %d %s", code, errs)
	}
	out, _, code := run(t, "plan", "--format", "json")
	var plans []struct {
		Swarm string `json:"swarm"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &plans) != nil || len(plans) != 2 || !strings.Contains(plans[1].Swarm, `swarm "staging"`) {
		t.Errorf("plan of two swarms: exit %d\n%s", code, out)
	}
	// top-level stacks: and swarms: together are refused at the key
	inTempDir(t, map[string]string{".swarmlint.yaml": "stacks:\n  - files: [a.yml]\nswarms:\n  - name: x\n"})
	_, errs, code = run(t)
	if code != ExitError || !strings.Contains(errs, ".swarmlint.yaml:1:1: invalid configuration: top-level stacks: cannot be used with swarms:") {
		t.Errorf("stacks + swarms: exit %d %s", code, errs)
	}
}

// The configuration's script given again with --script (or as an argument)
// is loaded once: its network does not overlap itself.
func TestScriptNotLoadedTwice(t *testing.T) {
	inTempDir(t, map[string]string{
		".swarmlint.yaml": "rules:\n  enable: [SWL211]\nscripts: [bootstrap.sh]\nstacks:\n  - files: [stack.yml]\n",
		"bootstrap.sh":    "#!/bin/sh\ndocker network create -d overlay --subnet 10.30.0.0/24 shared\n",
		"stack.yml":       cleanNet,
	})
	for _, args := range [][]string{nil, {"--script", "bootstrap.sh"}, {"bootstrap.sh"}, {"--script", "./bootstrap.sh", "stack.yml"}} {
		got, code, errs := findingsOf(t, args...)
		if code != 0 || len(got) != 0 {
			t.Errorf("%q: exit %d, findings %q\n%s", args, code, got, errs)
		}
	}
}

func TestDirectoryGlobAndStdinArguments(t *testing.T) {
	inTempDir(t, map[string]string{
		".gitignore":                       "ignored/\n*.local.yml\n",
		".git/HEAD":                        "ref: refs/heads/main\n",
		"stacks/web/docker-stack.yml":      frontNet,
		"stacks/api/stack.yml":             backNet,
		"stacks/api/notes.yml":             "not: [a, stack\n",
		"stacks/db/app.yaml":               cleanNet, // a Compose file by its content
		"stacks/ci/build.yml":              "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    services:\n      db: {image: postgres}\n",
		"stacks/compose.local.yml":         "bad: [\n",
		"ignored/docker-compose.yml":       "bad: [\n",
		"vendor/x/docker-compose.yml":      "bad: [\n",
		"localstack.yml":                   "bad: [\n",
		"stacks/web/.git/docker-stack.yml": "bad: [\n",
	})
	files := func(args ...string) []string {
		t.Helper()
		out, errs, code := run(t, append([]string{"inspect", "--same-swarm"}, args...)...)
		if code != 0 {
			t.Fatalf("inspect %q: exit %d\n%s", args, code, errs)
		}
		var m struct {
			Stacks map[string]struct {
				Files []string `json:"files"`
			} `json:"stacks"`
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range m.Stacks {
			got = append(got, s.Files...)
		}
		slices.Sort(got)
		return got
	}
	want := []string{"stacks/api/stack.yml", "stacks/db/app.yaml", "stacks/web/docker-stack.yml"}
	for _, args := range [][]string{{"."}, {"stacks/"}, {"stacks"}, {"stacks/**/*stack.yml", "stacks/db"}, {"stacks/*/*stack.yml", "stacks/**/app.yaml"}} {
		got := files(args...)
		for i := range got {
			got[i] = strings.TrimPrefix(filepath.ToSlash(got[i]), "./")
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: files %q, want %q", args, got, want)
		}
	}
	got, code, errs := findingsOf(t, "--enable", "SWL211", "--same-swarm", ".")
	if code != ExitFindings || len(got) != 1 {
		t.Errorf("'.': exit %d %q\n%s", code, got, errs)
	}
	_, errs, code = run(t, "stacks/**/nothing*.yml")
	if code != ExitError || !strings.Contains(errs, "stacks/**/nothing*.yml: the pattern matches no file") {
		t.Errorf("no-match glob: exit %d %s", code, errs)
	}
	out, errs, code := runStdin(t, devCompose, "--enable", "SWL104,SWL103", "-")
	if code != 0 {
		t.Errorf("stdin: exit %d\n%s%s", code, out, errs)
	}
	// stdin with a name: positions and configuration matching use it
	write(t, ".", ".swarmlint.yaml", "rules:\n  enable: [SWL211]\nstacks:\n  - {name: web, files: [stacks/web/docker-stack.yml]}\n  - {name: api, files: [stacks/api/stack.yml]}\n")
	out, errs, code = runStdin(t, backNet, "--stdin-filename", "stacks/api/stack.yml", "-")
	if code != ExitFindings || !strings.Contains(out, "stacks/api/stack.yml:10:11: error SWL211") {
		t.Errorf("stdin as a configured stack: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = runStdin(t, cleanNet, "--stdin-filename", "stacks/api/stack.yml", "-")
	if code != 0 {
		t.Errorf("stdin replaces the file's content: exit %d\n%s%s", code, out, errs)
	}
}

func TestVersionFlagAndSuggestions(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-V"}, {"version"}} {
		out, errs, code := run(t, args...)
		if code != 0 || !strings.HasPrefix(out, "swarmlint ") || errs != "" {
			t.Errorf("%q: exit %d %q %q", args, code, out, errs)
		}
	}
	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/swarmlint/swarmlint", Version: "v1.2.3"}}
	if v := versionOf(bi); v != "v1.2.3" {
		t.Errorf("go install @v1.2.3 reports %q", v)
	}
	bi = &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	if v := versionOf(bi); v != "dev (0123456789ab, modified)" {
		t.Errorf("a build from a clone reports %q", v)
	}
	inTempDir(t, nil)
	_, errs, code := run(t, "explian", "SWL101")
	if code != ExitError || !strings.Contains(errs, `unknown command "explian"; did you mean "explain"?`) {
		t.Errorf("explian: exit %d %s", code, errs)
	}
	_, errs, code = run(t, "--formt", "json", "x.yml")
	if code != ExitError || !strings.Contains(errs, "did you mean --format?") {
		t.Errorf("--formt: exit %d %s", code, errs)
	}
	_, errs, code = run(t, "plna")
	if code != ExitError || !strings.Contains(errs, `did you mean "plan"?`) {
		t.Errorf("plna: exit %d %s", code, errs)
	}
	// a file that exists is a file, whatever its name
	write(t, ".", "plna", cleanNet)
	if _, errs, code = run(t, "plna"); code != 0 {
		t.Errorf("existing file plna: exit %d %s", code, errs)
	}
}

// A file's stack name and its findings' fingerprints do not depend on the
// order of the arguments or on which other files are linted.
func TestStableIdentities(t *testing.T) {
	inTempDir(t, map[string]string{"o/a.yml": frontNet, "o/b.yml": backNet, "o/c.yml": cleanNet, "p/d.yml": cleanNet})
	for _, mode := range [][]string{nil, {"--same-swarm"}} {
		base := append([]string{"--enable", "SWL211,SWL2*"}, mode...)
		if _, errs, code := run(t, append(base, "--write-baseline", "base.json", "o/a.yml", "o/b.yml")...); code != 0 {
			t.Fatalf("%q: write-baseline: exit %d %s", mode, code, errs)
		}
		for _, order := range [][]string{{"o/b.yml", "o/a.yml"}, {"o/c.yml", "o/b.yml", "o/a.yml"}, {"p/d.yml", "o/a.yml", "o/b.yml", "o/c.yml"}} {
			out, errs, code := run(t, append(base, append([]string{"--baseline", "base.json"}, order...)...)...)
			if code != 0 || strings.Contains(errs, "no longer") || strings.Contains(errs, "match no finding") {
				t.Errorf("%q %q: exit %d\n%s%s", mode, order, code, out, errs)
			}
		}
	}
	// pre-commit passes only the staged files: the baseline's entries for
	// the others are neither reported nor called stale
	base := []string{"--enable", "SWL211,SWL2*,SWL101"}
	writeAll(t, ".", map[string]string{"o/e.yml": "services:\n  cache:\n    image: memcached\n    deploy: {endpoint_mode: dnsrr}\n    ports: [\"11211:11211\"]\n"})
	if out, errs, code := run(t, append(base, "--write-baseline", "base.json", "o/a.yml", "o/e.yml", "o/b.yml")...); code != 0 || !strings.Contains(errs, "wrote 2 findings") {
		t.Fatalf("write-baseline: exit %d %s%s", code, out, errs)
	}
	for _, subset := range [][]string{{"o/e.yml"}, {"o/b.yml"}, {"o/c.yml", "o/e.yml"}, {"--changed", "o/e.yml"}, {"--changed", "o/a.yml"}} {
		out, errs, code := run(t, append(base, append([]string{"--baseline", "base.json"}, subset...)...)...)
		if code != 0 || strings.Contains(errs, "match no finding") {
			t.Errorf("%q: exit %d\n%s%s", subset, code, out, errs)
		}
	}
	// an entry of a file the run checked and no longer has is stale
	if _, errs, _ := run(t, append(base, "--baseline", "base.json", "--disable", "SWL101", "o/e.yml")...); !strings.Contains(errs, "1 entry of the baseline matches no finding any more") {
		t.Errorf("stale entry not reported: %s", errs)
	}
	// writing the baseline from a subset keeps the other files' entries
	if _, errs, code := run(t, append(base, "--write-baseline", "base.json", "o/e.yml")...); code != 0 ||
		!strings.Contains(errs, "wrote 1 finding to the baseline base.json and kept its 1 entry of files this run did not check") {
		t.Errorf("write-baseline from a subset: exit %d %s", code, errs)
	}
	if out, errs, code := run(t, append(base, "--baseline", "base.json", "o/a.yml", "o/e.yml", "o/b.yml")...); code != 0 || !strings.Contains(errs, "2 findings matched") {
		t.Errorf("after writing from a subset: exit %d\n%s%s", code, out, errs)
	}
	// a full run drops what is fixed: entries of checked files are rewritten
	if _, errs, code := run(t, append(base, "--disable", "SWL101", "--write-baseline", "base.json", "o/a.yml", "o/e.yml", "o/b.yml")...); code != 0 ||
		!strings.Contains(errs, "wrote 1 finding to the baseline base.json\n") {
		t.Errorf("full rewrite: exit %d %s", code, errs)
	}
	names := func(args ...string) map[string]string {
		out, errs, code := run(t, append([]string{"inspect", "--same-swarm"}, args...)...)
		if code != 0 {
			t.Fatalf("inspect: %d %s", code, errs)
		}
		var m struct {
			Stacks map[string]struct {
				Files []string `json:"files"`
			} `json:"stacks"`
		}
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		byFile := map[string]string{}
		for name, s := range m.Stacks {
			byFile[s.Files[0]] = name
		}
		return byFile
	}
	x, y := names("o/a.yml", "o/b.yml"), names("o/b.yml", "o/a.yml")
	if x["o/a.yml"] != y["o/a.yml"] || x["o/b.yml"] != y["o/b.yml"] || x["o/a.yml"] == x["o/b.yml"] {
		t.Errorf("stack names depend on the order: %v vs %v", x, y)
	}
}

// --changed (the pre-commit hook): the problems a change has or causes
// fail the run; problems the other files of its swarm had before do not.
func TestChangedReportsOnlyWhatTheChangeCauses(t *testing.T) {
	inTempDir(t, map[string]string{
		".swarmlint.yaml": "rules:\n  enable: [SWL211, SWL101]\nstacks:\n  - {name: front, files: [front.yml]}\n  - {name: back, files: [back.yml]}\n  - {name: old, files: [old.yml]}\n",
		"front.yml":       frontNet,
		"back.yml":        backNet,
		// a problem of its own, there before the change
		"old.yml": "services:\n  cache:\n    image: memcached\n    ports: [\"11211:11211\"]\n    deploy:\n      endpoint_mode: dnsrr\n",
	})
	got, code, errs := findingsOf(t, "--changed", "back.yml")
	if code != ExitFindings || !slices.Contains(got, "SWL211 back.yml") && !slices.Contains(got, "SWL211 front.yml") || slices.Contains(got, "SWL101 old.yml") {
		t.Errorf("changed back.yml: exit %d %q\n%s", code, got, errs)
	}
	if !strings.Contains(errs, "1 finding in other files of the swarm, not caused by the changed files, is not reported") {
		t.Errorf("no note about the finding left out:\n%s", errs)
	}
	// without --changed every finding of the swarm is reported
	got, _, _ = findingsOf(t, "back.yml")
	if !slices.Contains(got, "SWL101 old.yml") {
		t.Errorf("back.yml without --changed: %q", got)
	}
	// a change that causes nothing passes
	write(t, ".", "back.yml", cleanNet)
	got, code, errs = findingsOf(t, "--changed", "back.yml")
	if code != 0 || len(got) != 0 {
		t.Errorf("clean change: exit %d %q\n%s", code, got, errs)
	}
	_ = os.Remove
}

// TestDirectorySearchNamesSkippedLinks: a directory search does not follow
// symbolic links, and says which YAML-named links it passed over, so a
// stack file kept as a link is never dropped without a word.
func TestDirectorySearchNamesSkippedLinks(t *testing.T) {
	inTempDir(t, map[string]string{
		".git/HEAD":                   "ref: refs/heads/main\n",
		"stacks/web/docker-stack.yml": frontNet,
		".gitignore":                  "ignored-link.yml\n",
	})
	outside := t.TempDir()
	write(t, outside, "stack.yml", backNet)
	for link, target := range map[string]string{
		"stacks/prod.yml":   filepath.Join(outside, "stack.yml"),
		"stacks/again.yaml": "web/docker-stack.yml",
		"ignored-link.yml":  filepath.Join(outside, "stack.yml"),
		"stacks/README":     "web/docker-stack.yml",
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	out, errs, code := run(t, "--enable", "SWL211", ".")
	if code != 0 {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	want := "swarmlint: stacks/again.yaml: skipped: a symbolic link (a directory search does not follow links; name the file to lint it)\n" +
		"swarmlint: stacks/prod.yml: skipped: a symbolic link (a directory search does not follow links; name the file to lint it)\n"
	if errs != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, want)
	}
}
