package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	dockerloader "github.com/docker/cli/cli/compose/loader"
	dockertypes "github.com/docker/cli/cli/compose/types"

	"github.com/swarmlint/swarmlint/analyzer"
)

// rejectRules are the rules whose error findings say that the loader behind
// `docker stack deploy` refuses the file (schema, version, interpolation,
// forbidden keys, port syntax). SWL018 is an error exactly when an unset
// variable sits where docker/cli casts to a number or boolean.
// SWL000 is the loader's own refusal; SWL019 (a note) names a required
// variable without a value, which docker/cli's interpolation refuses.
var rejectRules = map[string]bool{"SWL000": true, "SWL001": true, "SWL002": true, "SWL013": true, "SWL106": true, "SWL018": true}

var missingFileRe = regexp.MustCompile(`^open (.*): no such file or directory$`)

// dockerLoadWithStandIns copies the files into a temporary folder and
// creates every file docker/cli says is missing, empty, until it loads.
func dockerLoadWithStandIns(t *testing.T, files []string) (*dockertypes.Config, error) {
	dir := t.TempDir()
	var copies []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		copies = append(copies, p)
	}
	var err error
	var cfg *dockertypes.Config
	for i := 0; i < 10; i++ {
		cfg, err = dockerLoad(copies)
		m := missingFileRe.FindStringSubmatch(fmt.Sprint(err))
		if err == nil || m == nil || !strings.HasPrefix(m[1], dir) {
			return cfg, err
		}
		if err := os.MkdirAll(filepath.Dir(m[1]), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(m[1], nil, 0o644); err != nil {
			return nil, err
		}
	}
	return cfg, err
}

// dockerLoad loads files with docker/cli's own stack loader (the oracle).
func dockerLoad(files []string) (*dockertypes.Config, error) {
	var cfs []dockertypes.ConfigFile
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m, err := dockerloader.ParseYAML(b)
		if err != nil {
			return nil, err
		}
		cfs = append(cfs, dockertypes.ConfigFile{Filename: f, Config: m})
	}
	return dockerloader.Load(dockertypes.ConfigDetails{WorkingDir: filepath.Dir(files[0]), ConfigFiles: cfs, Environment: map[string]string{}})
}

type oracleCase struct {
	name  string
	files []string
}

func oracleCases(t *testing.T) []oracleCase {
	var cases []oracleCase
	dirs, _ := os.ReadDir("../fixtures")
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := FixtureFiles(filepath.Join("../fixtures", d.Name()))
		if err != nil {
			t.Fatal(err)
		}
		subs, _ := os.ReadDir(filepath.Join("../fixtures", d.Name()))
		for _, sub := range subs {
			if sub.IsDir() {
				multi, err := FixtureFiles(filepath.Join("../fixtures", d.Name(), sub.Name()))
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, oracleCase{"fixtures/" + d.Name() + "/" + sub.Name(), multi})
			}
		}
		for _, f := range files {
			if !strings.HasSuffix(f, ".yml") && !strings.HasSuffix(f, ".yaml") {
				continue
			}
			cases = append(cases, oracleCase{"fixtures/" + d.Name() + "/" + filepath.Base(f), []string{f}})
		}
	}
	if root := corpusDir(t); root != "" {
		for _, f := range corpusFiles(t) {
			rel, _ := filepath.Rel(root, f)
			cases = append(cases, oracleCase{"corpus/" + rel, []string{f}})
		}
	} else {
		t.Log(corpusAbsent + ": corpus files not checked")
	}
	cases = append(cases, oracleCase{"merge/base+prod", []string{"testdata/merge/base.yml", "testdata/merge/prod.yml"}})
	return cases
}

// TestDockerCLIOracle loads every fixture and corpus file with swarmlint and
// with docker/cli's stack loader: the same accept/reject verdict, and where
// both accept, the same merged networks (driver, options, subnets, external),
// ports and endpoint modes.
func TestDockerCLIOracle(t *testing.T) {
	ctx := context.Background()
	eng := snapshotEngine(t)
	for _, c := range oracleCases(t) {
		t.Run(c.name, func(t *testing.T) {
			for _, f := range c.files {
				if b, err := os.ReadFile(f); err == nil && !analyzer.LooksLikeCompose(b) {
					t.Skipf("%s is not a Compose file: swarmlint skips it, docker/cli has no such notion", f)
				}
			}
			dcfg, derr := dockerLoad(c.files)
			if derr != nil && missingFileRe.MatchString(derr.Error()) {
				// The corpus keeps only the YAML of each repository, not the
				// env_file files it names, which docker/cli reads at load time:
				// load a copy beside empty stand-ins for those files.
				dcfg, derr = dockerLoadWithStandIns(t, c.files)
			}
			res, a, lerr := RunWith(ctx, eng, Config{Stacks: []analyzer.StackInput{{Name: "oracle", Files: c.files}}, Env: map[string]string{}})
			var why []string
			if lerr != nil {
				why = append(why, lerr.Error())
			} else {
				for _, f := range res.Findings {
					// SWL102 is the loader's uniqueItems check only for identical items;
					// other duplicates are refused later by the daemon.
					loaderDup := f.RuleID == "SWL102" && strings.Contains(f.Message, "must be unique")
					if (rejectRules[f.RuleID] || loaderDup) && f.Level == "error" || f.RuleID == "SWL019" {
						why = append(why, fmt.Sprintf("%s:%d:%d %s %s", f.File, f.StartLine, f.StartCol, f.RuleID, f.Message))
					}
				}
			}
			switch {
			case derr == nil && len(why) > 0:
				t.Fatalf("docker stack deploy accepts it, swarmlint rejects it:\n  %s", strings.Join(why, "\n  "))
			case derr != nil && len(why) == 0:
				t.Fatalf("docker stack deploy rejects it (%v), swarmlint accepts it", derr)
			case derr != nil:
				return // both reject
			}
			compareModel(t, dcfg, a.Model)
		})
	}
}

func compareModel(t *testing.T, d *dockertypes.Config, m *analyzer.Model) {
	nets := map[string]*analyzer.Network{}
	for _, n := range m.Networks {
		if n.Stack == "oracle" {
			nets[n.Key] = n
		}
	}
	for key, dn := range d.Networks {
		n := nets[key]
		if n == nil {
			t.Errorf("network %s: docker has it, swarmlint does not", key)
			continue
		}
		if dn.Driver != n.DriverRaw {
			t.Errorf("network %s: driver %q, docker %q", key, n.DriverRaw, dn.Driver)
		}
		if bool(dn.External.External) != n.External {
			t.Errorf("network %s: external %v, docker %v", key, n.External, dn.External.External)
		}
		if !n.External {
			if got, want := fmt.Sprint(sortedMap(n.Options)), fmt.Sprint(sortedMap(dn.DriverOpts)); got != want {
				t.Errorf("network %s: options %s, docker %s", key, got, want)
			}
			var dsub, ssub []string
			for _, c := range dn.Ipam.Config {
				dsub = append(dsub, c.Subnet)
			}
			for _, s := range n.Subnets {
				ssub = append(ssub, s.CIDR)
			}
			if strings.Join(dsub, ",") != strings.Join(ssub, ",") {
				t.Errorf("network %s: subnets %v, docker %v", key, ssub, dsub)
			}
		}
	}
	for _, ds := range d.Services {
		s := m.Services["oracle_"+ds.Name]
		if s == nil {
			t.Errorf("service %s: docker has it, swarmlint does not", ds.Name)
			continue
		}
		em := strings.ToLower(ds.Deploy.EndpointMode)
		if em == "" {
			em = "vip"
		}
		if em != s.EndpointMode {
			t.Errorf("service %s: endpoint mode %q, docker %q", ds.Name, s.EndpointMode, em)
		}
		var dp, sp []string
		for _, p := range ds.Ports {
			mode, proto := strings.ToLower(p.Mode), strings.ToLower(p.Protocol)
			if mode == "" {
				mode = "ingress"
			}
			if proto == "" {
				proto = "tcp"
			}
			dp = append(dp, fmt.Sprintf("%d:%d/%s/%s", p.Published, p.Target, proto, mode))
		}
		for _, p := range s.Ports {
			sp = append(sp, fmt.Sprintf("%d:%d/%s/%s", p.Published, p.Target, p.Protocol, p.Mode))
		}
		sort.Strings(dp)
		sort.Strings(sp)
		if strings.Join(dp, " ") != strings.Join(sp, " ") {
			t.Errorf("service %s: ports %v, docker %v", ds.Name, sp, dp)
		}
	}
}

func sortedMap(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
