package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/swarmlint/swarmlint/internal/safeio"
)

// GitHubWriter writes GitHub Actions workflow commands, one line per
// unsuppressed finding, so findings appear as annotations on the changed
// files:
//
//	::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=SWL101::message
//
// error maps to ::error, warning to ::warning and note to ::notice. Tool
// notifications are written the same way with title "swarmlint".
type GitHubWriter struct{}

// Write writes r to w.
func (GitHubWriter) Write(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	for _, n := range r.Notifications {
		props := []string{}
		if n.File != "" {
			props = append(props, "file", n.File)
			if n.Line > 0 {
				props = append(props, "line", strconv.Itoa(n.Line))
				if n.Col > 0 {
					props = append(props, "col", strconv.Itoa(n.Col))
				}
			}
		}
		props = append(props, "title", "swarmlint")
		bw.WriteString(WorkflowCommand(githubCommand(notificationLevel(n.Level)), props, n.Message) + "\n")
	}
	for _, f := range sortedFindings(r.Findings) {
		if f.Suppression != nil {
			continue
		}
		props := []string{"file", f.File, "line", strconv.Itoa(f.StartLine), "col", strconv.Itoa(f.StartCol)}
		if f.EndLine > 0 {
			props = append(props, "endLine", strconv.Itoa(f.EndLine))
		}
		if f.EndCol > 0 {
			props = append(props, "endColumn", strconv.Itoa(f.EndCol))
		}
		props = append(props, "title", f.RuleID)
		bw.WriteString(WorkflowCommand(githubCommand(normLevel(f.Level)), props, f.Message) + "\n")
	}
	return bw.Flush()
}

func githubCommand(level string) string {
	switch level {
	case levelError:
		return "error"
	case levelWarning:
		return "warning"
	}
	return "notice"
}

// WorkflowCommand formats one workflow command line (without newline) from
// the command name, alternating property keys and values (in that order),
// and the message. Values and message are escaped.
func WorkflowCommand(command string, props []string, message string) string {
	var b strings.Builder
	b.WriteString("::" + command)
	for i := 0; i+1 < len(props); i += 2 {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(props[i] + "=" + EscapeProperty(props[i+1]))
	}
	b.WriteString("::" + EscapeData(message))
	return b.String()
}

// The replacers are built once: building one per call was most of the
// writer's time.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// EscapeData escapes a workflow command message: % → %25, \r → %0D, \n → %0A;
// any other control character (ESC, ...) or bidirectional override becomes
// U+FFFD, as in every other format.
func EscapeData(s string) string {
	return dataEscaper.Replace(printableCRLF(s))
}

// EscapeProperty escapes a workflow command property value: as EscapeData,
// and also : → %3A and , → %2C.
func EscapeProperty(s string) string {
	return propertyEscaper.Replace(printableCRLF(s))
}

// printableCRLF is safeio.Printable keeping CR and LF, which the escapers
// encode.
func printableCRLF(s string) string {
	if !strings.ContainsFunc(s, safeio.Unsafe) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r != '\r' && r != '\n' && safeio.Unsafe(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// unescapeCommand reverses EscapeData and EscapeProperty in one pass, so an
// escaped "%25" never combines with the following text.
func unescapeCommand(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	codes := map[string]string{"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, ok := codes[strings.ToUpper(s[i+1:i+3])]; ok {
				b.WriteString(v)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// WorkflowCommandLine is one parsed workflow command.
type WorkflowCommandLine struct {
	Command    string
	Properties map[string]string
	Keys       []string // property keys in written order
	Message    string
}

// ParseWorkflowCommand parses a line written by GitHubWriter (or any
// "::command k=v,...::message" line) and unescapes values and message.
func ParseWorkflowCommand(line string) (WorkflowCommandLine, error) {
	var c WorkflowCommandLine
	rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "::")
	if !ok {
		return c, fmt.Errorf("not a workflow command: %q", line)
	}
	head, msg, ok := strings.Cut(rest, "::")
	if !ok {
		return c, fmt.Errorf("workflow command without message separator: %q", line)
	}
	c.Command, c.Message, c.Properties = head, unescapeCommand(msg), map[string]string{}
	if name, props, hasProps := strings.Cut(head, " "); hasProps {
		c.Command = name
		for _, kv := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return c, fmt.Errorf("bad property %q in %q", kv, line)
			}
			c.Properties[k] = unescapeCommand(v)
			c.Keys = append(c.Keys, k)
		}
	}
	if c.Command == "" {
		return c, fmt.Errorf("workflow command without a name: %q", line)
	}
	return c, nil
}
