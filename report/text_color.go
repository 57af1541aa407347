package report

// ANSI SGR sequences used by the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiCyan   = "\x1b[1;36m"
)

// colors wraps text in ANSI sequences, or leaves it alone when disabled.
type colors struct{ on bool }

func palette(on bool) colors { return colors{on: on} }

func (c colors) wrap(code, s string) string {
	if !c.on || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (c colors) bold(s string) string { return c.wrap(ansiBold, s) }
func (c colors) dim(s string) string  { return c.wrap(ansiDim, s) }
func (c colors) loc(s string) string  { return c.wrap(ansiBold, s) }

// levelAs colours s like the given level.
func (c colors) levelAs(level, s string) string {
	switch level {
	case levelError:
		return c.wrap(ansiRed, s)
	case levelWarning:
		return c.wrap(ansiYellow, s)
	}
	return c.wrap(ansiCyan, s)
}

// level colours a "tool-<level>" label by its level.
func (c colors) level(label string) string {
	switch label {
	case "tool-error":
		return c.levelAs(levelError, label)
	case "tool-warning":
		return c.levelAs(levelWarning, label)
	}
	return c.levelAs(levelNote, label)
}
