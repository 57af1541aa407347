// Command snapgen writes the compiled-policy snapshot of the built-in
// policies (rules/snapshot.go): `go generate ./rules`.
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/swarmlint/swarmlint/rules"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: snapgen FILE")
		os.Exit(2)
	}
	var b bytes.Buffer
	if err := rules.BuildSnapshot(&b); err != nil {
		fmt.Fprintln(os.Stderr, "snapgen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], b.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "snapgen:", err)
		os.Exit(1)
	}
}
