package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/swarmlint/swarmlint/internal/safeio"
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

// WriteFile renders r with wr in memory and then replaces name with it
// atomically (safeio.WriteFile: a temporary file renamed over name, so a
// rendering or writing error, or a kill, leaves an existing file untouched,
// and a symbolic link at name is replaced, never written through).
func WriteFile(name string, wr Writer, r *Result) error {
	var buf bytes.Buffer
	if err := wr.Write(&buf, r); err != nil {
		return err
	}
	return safeio.WriteFile(name, buf.Bytes())
}
