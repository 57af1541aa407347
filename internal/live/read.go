package live

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/docker/cli/cli/connhelper"
	"github.com/docker/go-connections/tlsconfig"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/swarmlint/swarmlint/analyzer"
)

// DefaultTimeout bounds the whole read (--live-timeout).
const DefaultTimeout = 10 * time.Second

// Error kinds: what went wrong reading the swarm.
const (
	Unreachable      = "unreachable"       // no engine answered at the address
	PermissionDenied = "permission-denied" // the socket refused this user
	APITooOld        = "api-too-old"       // the engine's API is older than the client's minimum
	NotSwarm         = "not-swarm"         // the engine is not part of a swarm
	NotManager       = "not-manager"       // the engine is a worker
	Timeout          = "timeout"           // the read took longer than the timeout
	Failed           = "failed"            // any other error from the engine
)

// Error is a failure to read the live swarm. Its message names the engine
// address tried and how it was chosen.
type Error struct {
	Kind     string
	Endpoint Endpoint
	Msg      string
	Err      error
}

func (e *Error) Error() string {
	return fmt.Sprintf("--live: %s (engine %s, from %s)", e.Msg, e.Endpoint.Host, e.Endpoint.From)
}

func (e *Error) Unwrap() error { return e.Err }

// MinAPIVersion is the oldest Engine API the client speaks (Docker 19.03).
const MinAPIVersion = client.MinAPIVersion

// Read reads the swarm at ep: the swarm spec, nodes, networks, services and
// tasks. It sends only GET and HEAD requests, and refuses to send any other
// before it reaches the engine. timeout bounds the whole read.
func Read(ctx context.Context, ep Endpoint, timeout time.Duration) (*analyzer.LiveSwarm, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cli, err := newClient(ep)
	if err != nil {
		return nil, &Error{Kind: Failed, Endpoint: ep, Msg: "cannot use the engine address: " + err.Error(), Err: err}
	}
	defer cli.Close()
	fail := func(what string, err error) error {
		return classify(ctx, ep, what, timeout, err)
	}
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return nil, fail("connecting", err)
	}
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return nil, fail("reading the engine's info", err)
	}
	switch sw := info.Info.Swarm; {
	case sw.LocalNodeState != swarm.LocalNodeStateActive:
		return nil, &Error{Kind: NotSwarm, Endpoint: ep, Msg: fmt.Sprintf(
			"the engine is not in swarm mode (node state %q); --live reads a swarm manager: docker swarm init, or point --docker-host at a manager", sw.LocalNodeState)}
	case !sw.ControlAvailable:
		return nil, &Error{Kind: NotManager, Endpoint: ep, Msg: "the engine is a swarm worker, not a manager: only a manager can list the swarm's networks, services and tasks; point --docker-host (or DOCKER_HOST, or a docker context) at a manager"}
	}
	ls := &analyzer.LiveSwarm{Engine: ep.Host, Nodes: []analyzer.Node{}}
	sw, err := cli.SwarmInspect(ctx, client.SwarmInspectOptions{})
	if err != nil {
		return nil, fail("reading the swarm spec", err)
	}
	for _, p := range sw.Swarm.DefaultAddrPool {
		ls.DefaultAddrPools = append(ls.DefaultAddrPools, p.String())
	}
	ls.SubnetSize, ls.DataPathPort = int(sw.Swarm.SubnetSize), int(sw.Swarm.DataPathPort)
	nodes, err := cli.NodeList(ctx, client.NodeListOptions{})
	if err != nil {
		return nil, fail("listing the nodes", err)
	}
	for _, n := range nodes.Items {
		ls.Nodes = append(ls.Nodes, analyzer.Node{ID: n.ID, Hostname: n.Description.Hostname, Role: string(n.Spec.Role),
			Availability: string(n.Spec.Availability), State: string(n.Status.State), Addr: n.Status.Addr, Labels: orEmpty(n.Spec.Labels)})
	}
	sort.Slice(ls.Nodes, func(i, j int) bool { return ls.Nodes[i].ID < ls.Nodes[j].ID })
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		return nil, fail("listing the networks", err)
	}
	tasks, err := cli.TaskList(ctx, client.TaskListOptions{})
	if err != nil {
		return nil, fail("listing the tasks", err)
	}
	attached := map[string]int{} // network id -> containers attached outside services
	holding := map[string]int{}  // service id -> tasks holding addresses
	for _, t := range tasks.Items {
		if !holdsAddresses(t) {
			continue
		}
		if t.ServiceID == "" {
			for _, na := range t.NetworksAttachments {
				attached[na.Network.ID] += len(na.Addresses)
			}
			continue
		}
		holding[t.ServiceID]++
	}
	var swarmNets []network.Summary
	for _, n := range nets.Items {
		if n.Scope == "swarm" { // node-local networks take no overlay addresses
			swarmNets = append(swarmNets, n)
		}
	}
	sort.Slice(swarmNets, func(i, j int) bool { return swarmNets[i].Name+swarmNets[i].ID < swarmNets[j].Name+swarmNets[j].ID })
	svcs, err := cli.ServiceList(ctx, client.ServiceListOptions{})
	if err != nil {
		return nil, fail("listing the services", err)
	}
	sort.Slice(svcs.Items, func(i, j int) bool { return svcs.Items[i].Spec.Name < svcs.Items[j].Spec.Name })
	// The objects go to the analyzer in the shape `docker network inspect`
	// and `docker service inspect` print (what --cluster reads), which is
	// the Engine API's own JSON.
	if ls.Networks, err = json.Marshal(swarmNets); err != nil {
		return nil, fail("reading the networks", err)
	}
	if ls.Services, err = json.Marshal(svcs.Items); err != nil {
		return nil, fail("reading the services", err)
	}
	ls.Attached, ls.Tasks = attached, holding
	return ls, nil
}

// holdsAddresses reports whether a task still holds its network addresses:
// it has attachments and has not reached a terminal state.
func holdsAddresses(t swarm.Task) bool {
	if len(t.NetworksAttachments) == 0 {
		return false
	}
	switch t.Status.State {
	case swarm.TaskStateComplete, swarm.TaskStateShutdown, swarm.TaskStateFailed, swarm.TaskStateRejected,
		swarm.TaskStateRemove, swarm.TaskStateOrphaned:
		return false
	}
	return true
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// errNotReadOnly is returned, before anything is sent, for a request that
// is not GET or HEAD: --live never changes the swarm.
var errNotReadOnly = errors.New("swarmlint --live only reads: refusing to send a request that is not GET or HEAD")

// newClient builds the Engine API client for ep, as the docker CLI would
// for the same endpoint (ssh:// through `ssh ... docker system dial-stdio`).
func newClient(ep Endpoint) (*client.Client, error) {
	opts := []client.Opt{
		client.WithHTTPRequestHook(func(r *http.Request) error {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				return fmt.Errorf("%w: %s %s", errNotReadOnly, r.Method, r.URL.Path)
			}
			return nil
		}),
	}
	helper, err := connhelper.GetConnectionHelper(ep.Host)
	if err != nil {
		return nil, err
	}
	switch {
	case helper != nil:
		opts = append(opts,
			client.WithHTTPClient(&http.Client{Transport: &http.Transport{DialContext: helper.Dialer}}),
			client.WithHost(helper.Host), client.WithDialContext(helper.Dialer))
	case ep.TLS != nil:
		cfg, err := tlsConfig(ep.TLS)
		if err != nil {
			return nil, err
		}
		opts = append(opts, client.WithHTTPClient(&http.Client{
			Transport:     &http.Transport{TLSClientConfig: cfg, DialContext: (&net.Dialer{KeepAlive: 30 * time.Second, Timeout: 30 * time.Second}).DialContext},
			CheckRedirect: client.CheckRedirect}), client.WithHost(ep.Host))
	default:
		opts = append(opts, client.WithHost(ep.Host))
	}
	return client.New(opts...)
}

func tlsConfig(t *TLS) (*tls.Config, error) {
	cfg, err := tlsconfig.Client(tlsconfig.Options{CAFile: t.CA, CertFile: t.Cert, KeyFile: t.Key,
		InsecureSkipVerify: t.SkipVerify, ExclusiveRootPools: t.CA != ""})
	if err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	return cfg, nil
}

// classify turns a client error into an Error of a kind.
func classify(ctx context.Context, ep Endpoint, what string, timeout time.Duration, err error) error {
	msg := strings.Join(strings.Fields(err.Error()), " ") // one line, also for ssh's stderr
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return &Error{Kind: Timeout, Endpoint: ep, Err: err,
			Msg: fmt.Sprintf("reading the swarm took longer than --live-timeout %s (%s)", timeout, what)}
	case errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EACCES) || strings.Contains(msg, "permission denied"):
		return &Error{Kind: PermissionDenied, Endpoint: ep, Err: err,
			Msg: "permission denied on the engine's socket: run as a member of the docker group (or root), or use a docker context that can reach it"}
	case strings.Contains(msg, "minimum supported API version"):
		return &Error{Kind: APITooOld, Endpoint: ep, Err: err,
			Msg: fmt.Sprintf("the engine's API is too old: %s (Docker Engine 19.03 or later)", msg)}
	case client.IsErrConnectionFailed(err) || isDialError(err):
		return &Error{Kind: Unreachable, Endpoint: ep, Err: err, Msg: "cannot reach the Docker engine: " + msg}
	}
	return &Error{Kind: Failed, Endpoint: ep, Err: err, Msg: what + ": " + msg}
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT)
}
