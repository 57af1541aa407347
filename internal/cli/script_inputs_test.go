package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScriptInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sh := write("bootstrap.sh", "docker swarm init --default-addr-pool-mask-length 30\n")
	shebang := write("bootstrap", "#!/usr/bin/env bash\ndocker swarm init --data-path-port 80\n")
	stack := write("stack.yml", "services:\n  web:\n    image: nginx:1.27\n")

	// a *.sh argument is a script, with its findings at exact positions
	out, _, code := run(t, "--no-color", "--enable", "SWL501", sh, stack)
	if code != ExitFindings || !strings.Contains(out, "bootstrap.sh:1:19: error SWL501") {
		t.Errorf("code %d, output:\n%s", code, out)
	}
	// a shebang makes an argument a script too
	out, _, code = run(t, "--no-color", "--enable", "SWL504", shebang)
	if code != ExitFindings || !strings.Contains(out, "SWL504") {
		t.Errorf("code %d, output:\n%s", code, out)
	}
	// --swarm-init alone is an input; its findings point into the command line
	out, _, code = run(t, "--no-color", "--enable", "SWL505", "--swarm-init", "docker swarm init --data-path-port 7946")
	if code != ExitFindings || !strings.Contains(out, "--swarm-init:1:19: warning SWL505") {
		t.Errorf("code %d, output:\n%s", code, out)
	}
	// --script works for any file name
	named := write("setup.txt", "docker network create --driver overlay --ingress mesh\n")
	out, _, code = run(t, "--no-color", "--enable", "SWL401", "--script", named)
	if code != ExitFindings || !strings.Contains(out, "setup.txt:1:40: error SWL401") {
		t.Errorf("code %d, output:\n%s", code, out)
	}
	// a shell syntax error is an input error with its position
	bad := write("broken.sh", "docker swarm init\nif then\n")
	_, errOut, code := run(t, bad)
	if code != ExitError || !strings.Contains(errOut, "broken.sh:2:") {
		t.Errorf("code %d, stderr:\n%s", code, errOut)
	}
	// inspect prints the model of a script alone
	out, _, code = run(t, "inspect", "--swarm-init", "docker swarm init --default-addr-pool 10.20.0.0/16")
	if code != ExitOK || !strings.Contains(out, `"commands": [`) || !strings.Contains(out, `"prefix": "10.20.0.0/16"`) {
		t.Errorf("code %d, output:\n%.400s", code, out)
	}
}
