package enginetest

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// Outcomes of a Verdict.
const (
	OutcomeRejected = "rejected" // the docker command failed synchronously
	OutcomeFailed   = "failed"   // accepted, but tasks errored or were not all Running by the deadline
	OutcomeRunning  = "running"  // accepted and every task Running
	OutcomeAccepted = "accepted" // accepted; tasks not waited for (or none)
)

// Verdict is what the engine made of one experiment.
type Verdict struct {
	Outcome string // rejected | failed | running | accepted
	Message string // the exact text Docker printed that explains the outcome
}

func (v Verdict) String() string {
	if v.Message == "" {
		return v.Outcome
	}
	return v.Outcome + ": " + v.Message
}

// NoErrorReported starts the Message of a failed Verdict when no task carried
// an error: Docker printed nothing, and the rest of the Message is the
// harness's description of the tasks that never ran.
const NoErrorReported = "(no error reported) "

// Classify turns a command's output and error, and optionally the result of
// WaitTasks, into a Verdict. For rejected commands the Message is the output
// without progress lines; for failed tasks it is the first task's ERROR
// column verbatim, or NoErrorReported and the tasks that never ran; otherwise
// it carries the warnings docker printed, if any.
func Classify(output string, cmdErr error, tasks []TaskState, waitErr error) Verdict {
	msg := DockerMessage(output)
	switch {
	case cmdErr != nil:
		if msg == "" {
			msg = cmdErr.Error()
		}
		return Verdict{OutcomeRejected, msg}
	case waitErr != nil:
		for _, s := range tasks {
			if s.Error != "" {
				return Verdict{OutcomeFailed, s.Error}
			}
		}
		return Verdict{OutcomeFailed, NoErrorReported + waitErr.Error()}
	case len(tasks) > 0:
		return Verdict{OutcomeRunning, msg}
	default:
		return Verdict{OutcomeAccepted, msg}
	}
}

// progressLine matches the lines docker prints while it works, which carry
// no verdict.
var progressLine = regexp.MustCompile(`^(Creating (network|service|config|secret) |Updating service |Removing (service|network) |Since --detach=false was not specified|In a future release, --detach=false)`)

// DockerMessage returns output without blank and progress lines.
func DockerMessage(output string) string {
	var keep []string
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimRight(line, " \r")
		if line == "" || progressLine.MatchString(line) {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

// Desc returns the text after "desc = " in a gRPC error passed through by the
// daemon, which is the part that is stable across engine versions
// (code = InvalidArgument vs code = 3). Without it, msg is returned as is.
func Desc(msg string) string {
	if _, d, ok := strings.Cut(msg, " desc = "); ok {
		return d
	}
	return msg
}

// DeployAndClassify deploys a stack, waits at most wait for its tasks when the
// deploy was accepted, and classifies the result. It also returns the tasks.
func DeployAndClassify(t testing.TB, name string, wait time.Duration, files ...string) (Verdict, []TaskState) {
	t.Helper()
	out, err := DeployStack(t, name, files...)
	for try := 1; err != nil && try <= 2 && transientDeployError(name, out); try++ {
		// Not the engine's verdict on the file: a race of the engine with
		// itself. Remove what the deploy created and try again.
		t.Logf("docker stack deploy %s: transient engine error, deploying again (%d/2): %s", name, try, DockerMessage(out))
		RemoveStack(t, name)
		out, err = DeployStack(t, name, files...)
	}
	if err != nil {
		return Classify(out, err, nil, nil), nil
	}
	tasks, werr := WaitTasks(t, name, time.Now().Add(wait))
	if werr != nil && strings.Contains(werr.Error(), "has no services") {
		return Classify(out, nil, nil, nil), nil
	}
	v := Classify(out, nil, tasks, werr)
	if v.Outcome == OutcomeFailed && DockerMessage(out) != "" {
		v.Message = DockerMessage(out) + "\n" + v.Message
	}
	return v, tasks
}

// transientDeployError reports whether a failed `docker stack deploy` of
// stack failed for a reason that is not about the file: the stack's own
// network, which the same deploy created a moment before, "not found" when
// its services are created (the deploy met the previous deployment's
// network while the engine was still removing it: seen on a loaded 2-core
// machine right after `docker stack rm`), SwarmKit's optimistic-concurrency
// "update out of sequence", or a manager that did not answer in time.
func transientDeployError(stack, out string) bool {
	if m := ownNetworkNotFound.FindStringSubmatch(out); m != nil && strings.HasPrefix(m[1], stack+"_") {
		return true
	}
	return strings.Contains(out, "update out of sequence") ||
		strings.Contains(out, "code = DeadlineExceeded") || strings.Contains(out, "code = Unavailable")
}

var ownNetworkNotFound = regexp.MustCompile(`Error response from daemon: network (\S+) not found`)
