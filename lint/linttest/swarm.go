package linttest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// SwarmSuffix ends the name of a fixture sub-folder that holds several
// stacks (and bootstrap scripts) of one swarm: each stack file in it is a
// stack of its own, each sub-folder a stack merged from its files in name
// order, each *.sh a script run before the stacks are deployed.
const SwarmSuffix = ".swarm"

// Swarm is the content of a `<name>.swarm` fixture folder.
type Swarm struct {
	// Stacks in deploy order (file and folder names sorted); a name's
	// leading order prefix ("1-", "02-") is not part of the stack name.
	Stacks []analyzer.StackInput
	// Scripts are the folder's *.sh files, sorted.
	Scripts []string
	// Files are every file of the fixture that may hold `# want:` comments.
	Files []string
}

var orderPrefixRe = lazyre.New(`^[0-9]+-`)

// SwarmStackName is the stack name of a file or sub-folder of a swarm
// fixture: its base name without extension and order prefix.
func SwarmStackName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".yml"), ".yaml")
	return orderPrefixRe().ReplaceAllString(base, "")
}

// ReadSwarm lists the stacks and scripts of a swarm fixture folder.
func ReadSwarm(dir string) (Swarm, error) {
	var sw Swarm
	ents, err := os.ReadDir(dir)
	if err != nil {
		return sw, err
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			files, err := StackFiles(p)
			if err != nil {
				return sw, err
			}
			if len(files) > 0 {
				sw.Stacks = append(sw.Stacks, analyzer.StackInput{Name: SwarmStackName(p), Files: files})
				sw.Files = append(sw.Files, files...)
			}
		case isStackFile(e.Name()):
			sw.Stacks = append(sw.Stacks, analyzer.StackInput{Name: SwarmStackName(p), Files: []string{p}})
			sw.Files = append(sw.Files, p)
		case strings.HasSuffix(e.Name(), ".sh"):
			sw.Scripts = append(sw.Scripts, p)
			sw.Files = append(sw.Files, p)
		}
	}
	return sw, nil
}
