// Command swarmlint lints Docker Swarm stack files, bootstrap scripts and
// swarm settings for networking mistakes. See README.md.
package main

import (
	"os"

	"github.com/swarmlint/swarmlint/internal/cli"
	_ "github.com/swarmlint/swarmlint/internal/gctune" // the collector's settings, before most package initialisation
)

// stopProfile ends a profile started by a build with `-tags pprof`
// (pprof.go); a no-op otherwise.
var stopProfile = func() {}

func main() {
	code := cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	os.Exit(code)
}
