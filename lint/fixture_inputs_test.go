package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/report"
	"github.com/swarmlint/swarmlint/rules"
)

// swarmInitFixture is the optional file of a fixture folder whose content is
// passed as --swarm-init to every fixture of the folder; `# want:` comments
// in it (shell comments) expect findings on its own lines.
const swarmInitFixture = "swarm-init.txt"

// fixtureInputFiles lists a fixture folder's stack files, its shell
// scripts (*.sh) and its daemon.json files (daemon*.json), sorted.
func fixtureInputFiles(dir string) ([]string, error) {
	files, err := FixtureFiles(dir)
	if err != nil {
		return nil, err
	}
	scripts, err := filepath.Glob(filepath.Join(dir, "*.sh"))
	if err != nil {
		return nil, err
	}
	files = append(files, scripts...)
	daemons, err := filepath.Glob(filepath.Join(dir, "daemon*.json"))
	if err != nil {
		return nil, err
	}
	files = append(files, daemons...)
	// A sub-folder is one stack merged from its files in name order, like
	// docker stack deploy -c 1.yml -c 2.yml.
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if e.IsDir() {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

// checkMultiFixture lints the files of a sub-folder as one stack, merged in
// name order, and matches the findings against the wants of every file.
func checkMultiFixture(ctx context.Context, eng *rules.Engine, dir string, enable []string) ([]string, error) {
	files, err := FixtureFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(files) < 2 {
		return nil, fmt.Errorf("%s: a multi-file fixture needs at least two stack files", dir)
	}
	wants := map[string][]*Want{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if wants[DisplayPath(f)], err = ParseWants(f, src); err != nil {
			return nil, err
		}
	}
	return lintAgainstWants(ctx, eng, Config{Enable: enable, Env: map[string]string{}, Stacks: []analyzer.StackInput{{Files: files}}}, wants)
}

// lintAgainstWants lints cfg and matches the findings against the wants of
// every fixture file; a finding in any other file, and every notification,
// is a problem.
func lintAgainstWants(ctx context.Context, eng *rules.Engine, cfg Config, wants map[string][]*Want) ([]string, error) {
	res, _, err := RunWith(ctx, eng, cfg)
	if err != nil {
		return nil, fmt.Errorf("lint failed: %w", err)
	}
	var problems []string
	for _, n := range res.Notifications {
		problems = append(problems, fmt.Sprintf("notification: %s", n.Message))
	}
	byFile := map[string][]report.Finding{}
	for _, f := range res.Findings {
		if _, ok := wants[f.File]; !ok {
			problems = append(problems, fmt.Sprintf("%s:%d:%d: unexpected %s in a file that is not part of the fixture: %s", f.File, f.StartLine, f.StartCol, f.RuleID, f.Message))
			continue
		}
		byFile[f.File] = append(byFile[f.File], f)
	}
	names := make([]string, 0, len(wants))
	for name := range wants {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		problems = append(problems, MatchWants(name, wants[name], byFile[name])...)
	}
	return problems, nil
}

// checkInputFixture checks one fixture file: a *.sh file is linted alone as
// a bootstrap script, a daemon*.json alone as --daemon-json (its `# want:`
// comments are YAML comments), anything else as a stack; the folder's swarm-init.txt,
// when present, is passed as --swarm-init, and findings in it are matched
// against its own wants. Plain stack fixtures go through CheckFixture.
func checkInputFixture(ctx context.Context, eng *rules.Engine, file string, enable []string) ([]string, error) {
	if st, err := os.Stat(file); err == nil && st.IsDir() {
		return checkMultiFixture(ctx, eng, file, enable)
	}
	initFile := filepath.Join(filepath.Dir(file), swarmInitFixture)
	initSrc, err := os.ReadFile(initFile)
	hasInit := err == nil
	isDaemon := strings.HasPrefix(filepath.Base(file), "daemon") && strings.HasSuffix(file, ".json")
	if !strings.HasSuffix(file, ".sh") && !isDaemon && !hasInit {
		return CheckFixture(ctx, eng, file, enable)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	wants := map[string][]*Want{}
	if wants[DisplayPath(file)], err = ParseWants(file, src); err != nil {
		return nil, err
	}
	cfg := Config{Enable: enable, Env: map[string]string{}}
	switch {
	case strings.HasSuffix(file, ".sh"):
		cfg.Scripts = []string{file}
	case isDaemon:
		cfg.DaemonJSON = file
	default:
		cfg.Stacks = []analyzer.StackInput{{Files: []string{file}}}
	}
	if hasInit {
		cfg.SwarmInit, cfg.SwarmInitName = string(initSrc), initFile
		if wants[DisplayPath(initFile)], err = ParseWants(initFile, initSrc); err != nil {
			return nil, err
		}
	}
	return lintAgainstWants(ctx, eng, cfg, wants)
}
