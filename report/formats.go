package report

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
)

// formats is the one table of output formats; --format help and validation
// are generated from it. The text entry has no colour: a caller that wants
// colour uses TextWriter{Color: true} instead.
var formats = map[string]Writer{
	"text":   TextWriter{},
	"json":   JSONWriter{},
	"sarif":  SARIFWriter{},
	"github": GitHubWriter{},
	"junit":  JUnitWriter{},
}

// FormatNames returns the names of all output formats, sorted.
func FormatNames() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Lookup returns the writer for a format name; the error lists valid names.
func Lookup(name string) (Writer, error) {
	if w, ok := formats[name]; ok {
		return w, nil
	}
	return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(FormatNames(), ", "))
}

// WriteFile renders r with wr in memory and then writes it to name,
// truncating any existing file (go-sarif's own WriteFile does not truncate,
// leaving the tail of a longer old log behind). A rendering error leaves an
// existing file untouched.
func WriteFile(name string, wr Writer, r *Result) error {
	var buf bytes.Buffer
	if err := wr.Write(&buf, r); err != nil {
		return err
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}
