// Command stackgen writes a generated stack file of N services to standard
// output: go run ./internal/stackgen/cmd/stackgen -n 1000 > stack.yml
package main

import (
	"flag"
	"os"

	"github.com/swarmlint/swarmlint/internal/stackgen"
)

func main() {
	n := flag.Int("n", 30, "number of services")
	nets := flag.Int("networks", 0, "number of networks (0: one per ten services, at least two)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	os.Stdout.Write(stackgen.Generate(stackgen.Options{Services: *n, Networks: *nets, Seed: *seed}))
}
