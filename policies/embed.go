// Package policies embeds the built-in Rego rules and helper libraries.
package policies

import "embed"

// FS holds every built-in .rego file: lib/ and one folder per category.
//
//go:embed lib/*.rego */*.rego
var FS embed.FS
