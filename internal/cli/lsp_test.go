package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/swarmlint/swarmlint/internal/lsp"
	"github.com/swarmlint/swarmlint/internal/stackgen"
)

// lspDnsrr is a dnsrr service publishing a port in short syntax (ingress
// mode): SWL101 on line 6 (0-based line 5), columns 9-21.
const lspDnsrr = "services:\n  cache:\n    image: memcached:1.6\n    deploy: {endpoint_mode: dnsrr}\n    ports:\n      - \"11211:11211\"\n"

// lspDnsrrFixed is the same service with the port in host mode.
const lspDnsrrFixed = "services:\n  cache:\n    image: memcached:1.6\n    deploy: {endpoint_mode: dnsrr}\n    ports:\n      - target: 11211\n        published: 11211\n        mode: host\n"

// lspClient is an LSP client over an in-process pipe to a Server.
type lspClient struct {
	t      testing.TB
	conn   *jsonrpc2.Conn
	served chan error
	srv    *lsp.Server

	mu       sync.Mutex
	notes    []*jsonrpc2.Request // notifications from the server, in order
	next     int                 // the first note not yet taken by waitDiagnostics
	requests []*jsonrpc2.Request // requests from the server (window/showDocument)
	arrived  chan struct{}
}

// diagnostic is the part of an LSP Diagnostic the tests read.
type diagnostic struct {
	Range           lspRange `json:"range"`
	Severity        int      `json:"severity"`
	Code            string   `json:"code"`
	Source          string   `json:"source"`
	Message         string   `json:"message"`
	CodeDescription *struct {
		Href string `json:"href"`
	} `json:"codeDescription"`
}

type lspRange struct {
	Start lspPos `json:"start"`
	End   lspPos `json:"end"`
}

type lspPos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type publishParams struct {
	URI         string       `json:"uri"`
	Diagnostics []diagnostic `json:"diagnostics"`
}

// startLSP runs a server in dir (the test's working directory) and
// initializes it with dir as the workspace folder.
func startLSP(t testing.TB, dir string, debounce time.Duration) *lspClient {
	t.Helper()
	t.Chdir(dir)
	return connectLSP(t, dir, lsp.New(lsp.Options{Resolve: (&lintFlags{}).lspResolver(io.Discard), Debounce: debounce, Version: "test", Log: io.Discard}))
}

// connectLSP serves srv over an in-process pipe and initializes it with
// dir as the workspace folder.
func connectLSP(t testing.TB, dir string, srv *lsp.Server) *lspClient {
	t.Helper()
	a, b := net.Pipe()
	c := &lspClient{t: t, served: make(chan error, 1), srv: srv, arrived: make(chan struct{}, 1)}
	go func() { c.served <- srv.Serve(context.Background(), a) }()
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(b, jsonrpc2.VSCodeObjectCodec{}),
		clientHandler{c})
	t.Cleanup(func() { c.conn.Close() })
	var res struct {
		Capabilities struct {
			CodeActionProvider any  `json:"codeActionProvider"`
			HoverProvider      bool `json:"hoverProvider"`
		} `json:"capabilities"`
		ServerInfo struct {
			Name string `json:"name"`
		} `json:"serverInfo"`
	}
	c.call("initialize", map[string]any{"processId": nil, "rootUri": fileURI(dir),
		"capabilities": map[string]any{"window": map[string]any{"showDocument": map[string]any{"support": true}},
			"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}}}}, &res)
	if res.ServerInfo.Name != "swarmlint" || !res.Capabilities.HoverProvider || res.Capabilities.CodeActionProvider == nil {
		t.Fatalf("initialize result: %+v", res)
	}
	c.notify("initialized", map[string]any{})
	return c
}

// clientHandler records the server's messages in order and answers its
// requests from another goroutine: net.Pipe has no buffer, so a reply
// written from the read loop while the server's read loop is writing its
// own reply would block both sides.
type clientHandler struct{ c *lspClient }

func (h clientHandler) Handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) {
	c := h.c
	c.mu.Lock()
	if req.Notif {
		c.notes = append(c.notes, req)
	} else {
		c.requests = append(c.requests, req)
	}
	c.mu.Unlock()
	select {
	case c.arrived <- struct{}{}:
	default:
	}
	if req.Notif {
		return
	}
	var result any
	if req.Method == "window/showDocument" {
		result = map[string]bool{"success": true}
	}
	go func() { _ = conn.Reply(ctx, req.ID, result) }()
}

func fileURI(p string) string { return "file://" + filepath.ToSlash(p) }

func (c *lspClient) call(method string, params, result any) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.conn.Call(ctx, method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *lspClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *lspClient) open(uri, text string) {
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
}

func (c *lspClient) change(uri string, version int, text string) {
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": version},
		"contentChanges": []any{map[string]any{"text": text}}})
}

// waitDiagnostics returns the next publishDiagnostics for uri that ok
// accepts, skipping earlier ones (intermediate states).
func (c *lspClient) waitDiagnostics(uri string, ok func([]diagnostic) bool) []diagnostic {
	c.t.Helper()
	deadline := time.After(2 * time.Minute)
	var last []diagnostic
	for {
		c.mu.Lock()
		for c.next < len(c.notes) {
			n := c.notes[c.next]
			c.next++
			if n.Method != "textDocument/publishDiagnostics" || n.Params == nil {
				continue
			}
			var p publishParams
			if err := json.Unmarshal(*n.Params, &p); err != nil {
				c.mu.Unlock()
				c.t.Fatalf("publishDiagnostics: %v", err)
			}
			if p.URI != uri {
				continue
			}
			if p.Diagnostics == nil {
				c.mu.Unlock()
				c.t.Fatalf("publishDiagnostics for %s has no diagnostics array: %s", uri, *n.Params)
			}
			last = p.Diagnostics
			if ok(p.Diagnostics) {
				c.mu.Unlock()
				return p.Diagnostics
			}
		}
		c.mu.Unlock()
		select {
		case <-c.arrived:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			c.t.Fatalf("no matching diagnostics for %s; last: %+v", uri, last)
		}
	}
}

func hasCode(ds []diagnostic, code string) bool {
	for _, d := range ds {
		if d.Code == code {
			return true
		}
	}
	return false
}

func withCode(code string) func([]diagnostic) bool {
	return func(ds []diagnostic) bool { return hasCode(ds, code) }
}

// shutdownExit ends the session as an editor does and checks that the
// server ends cleanly.
func (c *lspClient) shutdownExit() {
	c.t.Helper()
	var res any
	c.call("shutdown", nil, &res)
	if res != nil {
		c.t.Errorf("shutdown result %v, want null", res)
	}
	_ = c.conn.Notify(context.Background(), "exit", nil)
	select {
	case err := <-c.served:
		if err != nil {
			c.t.Errorf("Serve after shutdown and exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		c.t.Fatal("the server did not end after exit")
	}
}

// codeAction is the part of a CodeAction the tests read.
type codeAction struct {
	Title string `json:"title"`
	Kind  string `json:"kind"`
	Edit  struct {
		Changes map[string][]struct {
			Range   lspRange `json:"range"`
			NewText string   `json:"newText"`
		} `json:"changes"`
	} `json:"edit"`
	Command *struct {
		Command   string            `json:"command"`
		Arguments []json.RawMessage `json:"arguments"`
	} `json:"command"`
	IsPreferred bool `json:"isPreferred"`
}

// applyEdits applies one document's text edits (non-overlapping) to text,
// as a client does.
func applyEdits(t *testing.T, text string, edits []struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}) string {
	t.Helper()
	offset := func(p lspPos) int {
		lines := strings.SplitAfter(text, "\n")
		off := 0
		for i := 0; i < p.Line && i < len(lines); i++ {
			off += len(lines[i])
		}
		return off + p.Character // ASCII test texts: UTF-16 units are bytes
	}
	for i := len(edits) - 1; i >= 0; i-- { // from the end: earlier offsets stay valid
		e := edits[i]
		text = text[:offset(e.Range.Start)] + e.NewText + text[offset(e.Range.End):]
	}
	return text
}

// TestLSPSession is the editor's session of issue 17: open a dnsrr service
// with a short-syntax port, get SWL101 on the port line with its rule page,
// get the suppression (and fix) as code actions, fix the text, see the
// diagnostic go, shut down.
func TestLSPSession(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "docker-stack.yml")
	if err := os.WriteFile(path, []byte("services: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startLSP(t, dir, 20*time.Millisecond)
	uri := fileURI(path)
	// the buffer, not the file on disk (which has no service)
	c.open(uri, lspDnsrr)
	ds := c.waitDiagnostics(uri, withCode("SWL101"))
	if len(ds) != 1 {
		t.Fatalf("diagnostics %+v, want one SWL101", ds)
	}
	d := ds[0]
	if want := (lspRange{lspPos{5, 8}, lspPos{5, 21}}); d.Range != want {
		t.Errorf("SWL101 range %+v, want %+v (the quoted port on line 6)", d.Range, want)
	}
	if d.Severity != 1 || d.Source != "swarmlint" || !strings.Contains(d.Message, `service "cache" uses endpoint_mode dnsrr`) {
		t.Errorf("SWL101 diagnostic %+v", d)
	}
	if d.CodeDescription == nil || !strings.HasSuffix(d.CodeDescription.Href, "/docs/rules/SWL101.md") {
		t.Errorf("codeDescription %+v, want the rule page", d.CodeDescription)
	}

	var actions []codeAction
	c.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": lspRange{lspPos{5, 10}, lspPos{5, 10}}, "context": map[string]any{"diagnostics": []any{}}}, &actions)
	var ignore *codeAction
	for i, a := range actions {
		if strings.HasPrefix(a.Title, "Ignore SWL101 on this line") {
			ignore = &actions[i]
		}
	}
	if ignore == nil || ignore.Kind != "quickfix" {
		t.Fatalf("code actions %+v: no quickfix ignoring SWL101", actions)
	}
	edits := ignore.Edit.Changes[uri]
	if len(edits) != 1 || edits[0].NewText != "  # swarmlint:ignore SWL101 <reason>" || edits[0].Range != (lspRange{lspPos{5, 21}, lspPos{5, 21}}) {
		t.Fatalf("ignore edit %+v, want a trailing directive after the port", edits)
	}
	// the command selects the placeholder: window/showDocument with its range
	if ignore.Command == nil || ignore.Command.Command != "swarmlint.selectRange" || len(ignore.Command.Arguments) != 2 {
		t.Fatalf("ignore command %+v", ignore.Command)
	}
	var sel lspRange
	if err := json.Unmarshal(ignore.Command.Arguments[1], &sel); err != nil {
		t.Fatal(err)
	}
	ignored := applyEdits(t, lspDnsrr, edits)
	placeholder := strings.Split(ignored, "\n")[5][sel.Start.Character:sel.End.Character]
	if sel.Start.Line != 5 || placeholder != "<reason>" {
		t.Errorf("selection %+v covers %q, want <reason>", sel, placeholder)
	}
	var none any
	c.call("workspace/executeCommand", map[string]any{"command": ignore.Command.Command, "arguments": ignore.Command.Arguments}, &none)
	c.waitRequest("window/showDocument", func(params []byte) bool {
		var p struct {
			URI       string   `json:"uri"`
			Selection lspRange `json:"selection"`
		}
		return json.Unmarshal(params, &p) == nil && p.URI == uri && p.Selection == sel
	})

	// typing a reason over the placeholder suppresses the finding
	c.change(uri, 2, strings.Replace(ignored, "<reason>", "the cache is reached on each node's own port", 1))
	c.waitDiagnostics(uri, func(ds []diagnostic) bool { return len(ds) == 0 })

	// hover on the id in the directive shows the rule's page
	var hover struct {
		Contents struct {
			Kind  string `json:"kind"`
			Value string `json:"value"`
		} `json:"contents"`
		Range lspRange `json:"range"`
	}
	c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": lspPos{5, 44}}, &hover)
	if hover.Contents.Kind != "markdown" || !strings.Contains(hover.Contents.Value, "SWL101") || !strings.Contains(hover.Contents.Value, "dnsrr") ||
		hover.Range != (lspRange{lspPos{5, 42}, lspPos{5, 48}}) {
		t.Errorf("hover %+v", hover)
	}

	// back to the finding: the rule's fix is offered first, safe and
	// preferred; applied as the client applies it, it clears the finding
	c.change(uri, 3, lspDnsrr)
	c.waitDiagnostics(uri, withCode("SWL101"))
	actions = nil
	c.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": lspRange{lspPos{5, 10}, lspPos{5, 10}}, "context": map[string]any{"diagnostics": []any{}}}, &actions)
	if len(actions) != 2 || !strings.HasPrefix(actions[0].Title, "Fix SWL101: ") || !actions[0].IsPreferred || actions[0].Kind != "quickfix" {
		t.Fatalf("code actions %+v, want the SWL101 fix (preferred) and the suppression", actions)
	}
	fixed := applyEdits(t, lspDnsrr, actions[0].Edit.Changes[uri])
	if !strings.Contains(fixed, "mode: host") {
		t.Errorf("the fix gives\n%s", fixed)
	}
	c.change(uri, 4, fixed)
	c.waitDiagnostics(uri, func(ds []diagnostic) bool { return len(ds) == 0 })
	// and so does the fixed text typed by hand
	c.change(uri, 5, lspDnsrr)
	c.waitDiagnostics(uri, withCode("SWL101"))
	c.change(uri, 6, lspDnsrrFixed)
	c.waitDiagnostics(uri, func(ds []diagnostic) bool { return len(ds) == 0 })
	if c.srv.Compiles() != 1 {
		t.Errorf("the policies were compiled %d times, want once per server", c.srv.Compiles())
	}
	c.shutdownExit()
}

// waitRequest waits for a request from the server whose params ok accepts.
func (c *lspClient) waitRequest(method string, ok func(params []byte) bool) {
	c.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		c.mu.Lock()
		for _, r := range c.requests {
			if r.Method == method && r.Params != nil && ok(*r.Params) {
				c.mu.Unlock()
				return
			}
		}
		var got []string
		for _, r := range c.requests {
			got = append(got, fmt.Sprintf("%s %s", r.Method, *r.Params))
		}
		c.mu.Unlock()
		select {
		case <-c.arrived:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			c.t.Fatalf("no matching %s request; got %q", method, got)
		}
	}
}

// TestLSPSwarm: the workspace's configuration puts two stacks in one
// swarm; opening one publishes the clash in the other (not open), and an
// edit of the open one that removes the clash clears the other file.
func TestLSPSwarm(t *testing.T) {
	dir := t.TempDir()
	writeAll(t, dir, map[string]string{
		".swarmlint.yaml": "stacks:\n  - name: shop\n    files: [shop/stack.yml]\n  - name: blog\n    files: [blog/stack.yml]\n",
		"shop/stack.yml":  "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n",
		"blog/stack.yml":  "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n",
		"other/stack.yml": "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n",
	})
	c := startLSP(t, dir, 20*time.Millisecond)
	shop, blog, other := fileURI(filepath.Join(dir, "shop/stack.yml")), fileURI(filepath.Join(dir, "blog/stack.yml")), fileURI(filepath.Join(dir, "other/stack.yml"))
	// the configured swarm is linted at start: shop's clash with blog is
	// published before any file is open (the finding is on the service
	// whose name sorts later, shop_web)
	c.waitDiagnostics(shop, withCode("SWL103"))
	// the server watches the stack files; blog changed on disk (a git
	// checkout) takes the clash away, and back
	c.waitRequest("client/registerCapability", func(params []byte) bool {
		return strings.Contains(string(params), `"method":"workspace/didChangeWatchedFiles"`)
	})
	blogPath := filepath.Join(dir, "blog/stack.yml")
	for _, step := range []struct {
		port  string
		clash bool
	}{{"8081", false}, {"80", true}} {
		if err := os.WriteFile(blogPath, []byte("services:\n  web:\n    image: nginx\n    ports:\n      - \""+step.port+":80\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []any{map[string]any{"uri": blog, "type": 2}}})
		c.waitDiagnostics(shop, func(ds []diagnostic) bool { return hasCode(ds, "SWL103") == step.clash })
	}
	// an edit of blog's buffer that removes the clash clears shop, which
	// is not open
	c.open(blog, "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n")
	c.change(blog, 2, "services:\n  web:\n    image: nginx\n    ports:\n      - \"8080:80\"\n")
	c.waitDiagnostics(shop, func(ds []diagnostic) bool { return len(ds) == 0 })
	// a file of no configured stack is an independent stack: no clash
	c.open(other, "services:\n  web:\n    image: nginx\n    ports:\n      - \"8080:80\"\n")
	if ds := c.waitDiagnostics(other, func([]diagnostic) bool { return true }); hasCode(ds, "SWL103") {
		t.Errorf("independent stack got %+v", ds)
	}
	// closing the edited buffer lints the file on disk again: the clash is back
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": blog}})
	c.waitDiagnostics(shop, withCode("SWL103"))
	// the configuration saved with blog in a swarm of its own: no clash
	cfg := filepath.Join(dir, ".swarmlint.yaml")
	if err := os.WriteFile(cfg, []byte("swarms:\n  - name: a\n    stacks:\n      - name: shop\n        files: [shop/stack.yml]\n  - name: b\n    stacks:\n      - name: blog\n        files: [blog/stack.yml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": fileURI(cfg)}})
	c.waitDiagnostics(shop, func(ds []diagnostic) bool { return len(ds) == 0 })
	// a configuration that does not load is shown where it is wrong
	if err := os.WriteFile(cfg, []byte("stacks:\n  - name: shop\n    filez: [shop/stack.yml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": fileURI(cfg)}})
	ds := c.waitDiagnostics(fileURI(cfg), func(ds []diagnostic) bool { return len(ds) > 0 })
	if ds[0].Range.Start.Line != 2 || !strings.Contains(ds[0].Message, "filez") || ds[0].Severity != 1 {
		t.Errorf("configuration error: %+v", ds)
	}
	c.shutdownExit()
}

// TestLSPSameSwarm: with --same-swarm the open files of no configured
// stack are one swarm: the second file opened clashes with the first, and
// closing it takes the clash away.
func TestLSPSameSwarm(t *testing.T) {
	dir := t.TempDir()
	web := "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n"
	writeAll(t, dir, map[string]string{"a/stack.yml": web, "b/stack.yml": web})
	t.Chdir(dir)
	srv := lsp.New(lsp.Options{Resolve: (&lintFlags{sameSwarm: true}).lspResolver(io.Discard), Debounce: 20 * time.Millisecond, Log: io.Discard, Together: true})
	c := connectLSP(t, dir, srv)
	a, b := fileURI(filepath.Join(dir, "a/stack.yml")), fileURI(filepath.Join(dir, "b/stack.yml"))
	c.open(a, web)
	if ds := c.waitDiagnostics(a, func([]diagnostic) bool { return true }); len(ds) != 0 {
		t.Errorf("one open file: %+v", ds)
	}
	c.open(b, web)
	c.waitDiagnostics(b, withCode("SWL103"))
	c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": b}})
	c.waitDiagnostics(b, func(ds []diagnostic) bool { return len(ds) == 0 })
	c.shutdownExit()
}

// TestLSPCustomPolicies: the configuration's custom rules run in the
// editor; a policy that does not compile is shown at its place, and is not
// compiled again while it stays the same.
func TestLSPCustomPolicies(t *testing.T) {
	dir := t.TempDir()
	writeAll(t, dir, map[string]string{
		".swarmlint.yaml": "policies: [pol]\n",
		"pol/x.rego":      customRule("ACME001", "acme.rules.x", everyService),
		"stack.yml":       webStack,
	})
	c := startLSP(t, dir, 20*time.Millisecond)
	uri := fileURI(filepath.Join(dir, "stack.yml"))
	c.open(uri, webStack)
	c.waitDiagnostics(uri, withCode("ACME001"))
	// a custom rule id in the reserved prefix does not compile
	if err := os.WriteFile(filepath.Join(dir, "pol/x.rego"), []byte(customRule("SWL900", "acme.rules.x", everyService)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.change(uri, 2, webStack+"# edited\n")
	ds := c.waitDiagnostics(fileURI(filepath.Join(dir, "pol/x.rego")), func(ds []diagnostic) bool { return len(ds) > 0 })
	if !strings.Contains(ds[0].Message, "SWL900") || ds[0].Range.Start.Line != 4 {
		t.Errorf("policy error %+v", ds)
	}
	c.waitDiagnostics(uri, func(ds []diagnostic) bool { return len(ds) == 0 }) // the same lint, for the stack
	compiles := c.srv.Compiles()
	c.change(uri, 3, webStack+"# edited again\n")
	c.waitDiagnostics(uri, func(ds []diagnostic) bool { return len(ds) == 0 }) // the error is in the policy
	if n := c.srv.Compiles(); n != compiles {
		t.Errorf("the same broken policy was compiled again (%d, then %d compilations)", compiles, n)
	}
	c.shutdownExit()
}

// TestLSPOddInput: URIs that are not files of the workspace, files that
// are not Compose, requests about unknown documents and malformed params
// neither crash the server nor get diagnostics; exit without shutdown
// ends it with the protocol's error.
func TestLSPOddInput(t *testing.T) {
	dir := t.TempDir()
	c := startLSP(t, dir, 20*time.Millisecond)
	outside := filepath.Join(t.TempDir(), "docker-stack.yml")
	for _, uri := range []string{"untitled:Untitled-1", "file://" + filepath.ToSlash(outside), "git:/x/stack.yml?ref=HEAD", "file://remote-host/stack.yml", "::not a uri"} {
		c.open(uri, lspDnsrr)
		c.change(uri, 2, lspDnsrr+"x")
		var actions []codeAction
		c.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
			"range": lspRange{lspPos{5, 0}, lspPos{5, 0}}, "context": map[string]any{"diagnostics": []any{}}}, &actions)
		if len(actions) != 0 {
			t.Errorf("%s: code actions %+v", uri, actions)
		}
		var hover any
		c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": lspPos{99, 99}}, &hover)
	}
	// not Compose, and not YAML at all
	notCompose := fileURI(filepath.Join(dir, "values.yaml"))
	c.open(notCompose, "replicaCount: 1\nimage:\n  repository: nginx\n")
	broken := fileURI(filepath.Join(dir, "stack.yml"))
	c.open(broken, "services:\n  web: [\n")
	// a change before any open, a position past the end, bad params
	c.change(fileURI(filepath.Join(dir, "never-opened.yml")), 3, "x")
	var hover any
	c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": broken}, "position": lspPos{1000, 1000}}, &hover)
	err := c.conn.Call(context.Background(), "textDocument/codeAction", map[string]any{"textDocument": 42}, nil)
	if err == nil {
		t.Error("codeAction with malformed params succeeded")
	}
	ds := c.waitDiagnostics(broken, func(ds []diagnostic) bool { return len(ds) > 0 })
	if !hasCode(ds, "SWL000") {
		t.Errorf("invalid YAML: %+v, want SWL000", ds)
	}
	// every diagnostic so far is about a file of the workspace
	c.mu.Lock()
	for _, n := range c.notes {
		if n.Method == "textDocument/publishDiagnostics" && !strings.Contains(string(*n.Params), fileURI(dir)) {
			t.Errorf("diagnostics outside the workspace: %s", *n.Params)
		}
	}
	c.mu.Unlock()
	_ = c.conn.Notify(context.Background(), "exit", nil)
	select {
	case err := <-c.served:
		if err == nil {
			t.Error("exit without shutdown: Serve returned nil, want an error (exit code 1)")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not end after exit")
	}
}

// BenchmarkLSPRelint is an edit of a 30-service stack (internal/stackgen)
// until its diagnostics are published: the server's lint of the buffer
// with the policies already compiled, over the in-process pipe, without
// the debounce wait (docs/performance.md).
func BenchmarkLSPRelint(b *testing.B) {
	// the garbage collector as the binary sets it (internal/gctune)
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(384 << 20))
	dir := b.TempDir()
	path := filepath.Join(dir, "docker-stack.yml")
	src := string(generatedStack(30))
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	c := startLSP(b, dir, time.Nanosecond)
	uri := fileURI(path)
	c.open(uri, src)
	c.waitDiagnostics(uri, func(ds []diagnostic) bool { return len(ds) > 0 })
	version := 1
	cpu0, busy0 := cpuTime(), c.srv.Busy()
	for b.Loop() {
		version++
		// an edit that changes a value the rules read
		c.change(uri, version, strings.Replace(src, "replicas: 2", fmt.Sprintf("replicas: %d", 2+version%2), 1))
		c.waitDiagnostics(uri, func([]diagnostic) bool { return true })
	}
	b.StopTimer()
	// CPU time (user + system) of the process per edit: on a shared machine
	// wall time also counts the wait for a core.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	// the server's own part of the wall time: from taking the edit off its
	// queue until the diagnostics are sent
	b.ReportMetric(float64((c.srv.Busy()-busy0).Microseconds())/1000/float64(b.N), "server-ms/op")
	if c.srv.Compiles() != 1 {
		b.Errorf("compiled %d times", c.srv.Compiles())
	}
	c.shutdownExit()
}

func generatedStack(services int) []byte {
	return stackgen.Generate(stackgen.Options{Services: services, Seed: 1})
}
