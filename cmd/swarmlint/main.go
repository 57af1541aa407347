// Command swarmlint lints Docker Swarm stack files, bootstrap scripts and
// swarm settings for networking mistakes. See README.md.
package main

import (
	"os"

	"github.com/swarmlint/swarmlint/internal/cli"
)

func main() {
	cli.TuneGC()
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
