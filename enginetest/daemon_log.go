package enginetest

import (
	"bufio"
	"io"
	"os"
	"strings"
)

// LogMark is a position in the daemon log; see DaemonLog.
type LogMark int64

// daemonLogPath is where this machine's dockerd writes its log. Override it
// with SWARMLINT_DOCKERD_LOG. Reading it is optional evidence: errors that
// SwarmKit only logs (allocation failures) are recorded when it is readable.
func daemonLogPath() string {
	if p := os.Getenv("SWARMLINT_DOCKERD_LOG"); p != "" {
		return p
	}
	return "/var/log/dockerd.log"
}

// MarkDaemonLog returns the current end of the daemon log, or -1 when the
// log is not readable.
func MarkDaemonLog() LogMark {
	fi, err := os.Stat(daemonLogPath())
	if err != nil {
		return -1
	}
	return LogMark(fi.Size())
}

// DaemonLog returns the "error" fields of daemon log lines written after mark
// that contain every one of the substrings, without duplicates. It returns
// nil when the log is not readable.
func DaemonLog(mark LogMark, substrings ...string) []string {
	if mark < 0 {
		return nil
	}
	f, err := os.Open(daemonLogPath())
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(int64(mark), io.SeekStart); err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		ok := true
		for _, s := range substrings {
			if !strings.Contains(line, s) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		msg := logField(line, "msg") + ": " + logField(line, "error")
		if !seen[msg] {
			seen[msg] = true
			out = append(out, msg)
		}
	}
	return out
}

// logField extracts key="..." (logrus text format) from a log line.
func logField(line, key string) string {
	i := strings.Index(line, " "+key+"=\"")
	if i < 0 {
		return ""
	}
	rest := line[i+len(key)+3:]
	var b strings.Builder
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			if j+1 < len(rest) {
				j++
				b.WriteByte(rest[j])
			}
		case '"':
			return b.String()
		default:
			b.WriteByte(rest[j])
		}
	}
	return b.String()
}
