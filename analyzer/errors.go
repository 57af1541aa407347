package analyzer

import "fmt"

// InputError is a problem with an input file: it names the file and, when
// known, the line and column. The CLI exits 2 on it.
type InputError struct {
	File string
	Line int
	Col  int
	Msg  string
	Err  error
}

// Error formats file:line:col: message.
func (e *InputError) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// YAMLError turns an error of the YAML parser about file into an
// *InputError with the line and column it names.
func YAMLError(file string, err error) error { return yamlError(file, err) }
