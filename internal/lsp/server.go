// Package lsp is `swarmlint lsp`: a Language Server over a stream (the
// editor's standard input and output). It publishes the findings of open
// stack files as the buffers change, offers code actions (the rule's fixes
// and an inline suppression) and shows a rule's page on hover over a
// suppression comment.
//
// The JSON-RPC framing is sourcegraph/jsonrpc2's, the protocol types and
// method dispatch are tliron/glsp's. Which files are linted together is not
// decided here: a Resolver (the command line's own resolution of
// .swarmlint.yaml, --same-swarm and swarms:) turns an edited file into the
// lint configuration `swarmlint FILE` would use, with the open buffers
// standing in for the files on disk.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/rules"
)

// Resolver returns the lint configuration for files, exactly as the
// command line builds it for `swarmlint FILE...` (no files: the swarms of
// the configuration file). overlay holds the open buffers by absolute path;
// they stand in for the files on disk. ErrNoInputs (wrapped or not) says
// there is nothing to lint.
type Resolver func(ctx context.Context, files []string, overlay map[string][]byte) (lint.Config, error)

// ErrNoInputs is a Resolver's answer when no file is named and the
// configuration declares no stack.
var ErrNoInputs = errors.New("no input files")

// DefaultDebounce is how long the server waits after the last change of a
// buffer before it lints: long enough to skip the states between two
// keystrokes, short enough to feel immediate.
const DefaultDebounce = 150 * time.Millisecond

// Options configure a Server.
type Options struct {
	Resolve Resolver
	// Debounce is the wait after a change (DefaultDebounce when zero).
	Debounce time.Duration
	// Version is swarmlint's version, reported in serverInfo.
	Version string
	// Log receives the server's own log lines (standard error: editors
	// show it as the server's log).
	Log io.Writer
	// Together lints every open buffer in each lint, so that the Resolver
	// sees them all (swarmlint lsp --same-swarm: the open files of no
	// configured stack are one swarm).
	Together bool
}

// Server is one Language Server session.
type Server struct {
	opts    Options
	handler *protocol.Handler
	// conn is the connection, set once it exists (Serve, or the first
	// message, whichever is first): the worker publishes through it.
	conn atomic.Pointer[jsonrpc2.Conn]
	log  *log.Logger

	mu   sync.Mutex
	root string // the workspace folder (the process's working directory)
	docs map[string]*document
	// seen is the URI the client used for each file it opened, to publish
	// under the same URI after the buffer is closed.
	seen map[string]string
	caps clientCaps
	// origins are the diagnostics of each linted swarm (see publish.go).
	origins  map[string]*origin
	shutdown bool
	exited   bool
	// queue: lint jobs waiting for the worker, in order, without repeats.
	queue    []job
	timers   map[string]*time.Timer
	wake     chan struct{}
	quit     chan struct{}
	done     chan struct{}
	stopOnce sync.Once

	// engine is the compiled policies, reused until the configuration's
	// custom policies, parameters or time budget change (written by the
	// worker with s.mu held).
	engine    *rules.Engine
	engineKey string
	engineErr error // the compilation of engineKey's policies failed
	compiles  int
	busy      time.Duration
}

// Compiles is how many times the session compiled the policies.
func (s *Server) Compiles() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.compiles
}

// clientCaps are the client capabilities the server acts on.
type clientCaps struct {
	showDocument    bool
	documentChanges bool
	snippetEdits    bool
	watchFiles      bool
}

// document is an open buffer.
type document struct {
	uri     string
	path    string // absolute, "" for a URI that is not a file in the workspace
	version int32
	text    string
	// lint is true for a file the server lints (lintable).
	lint bool
}

// New returns a server; Serve runs it on a connection.
func New(opts Options) *Server {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	s := &Server{opts: opts, docs: map[string]*document{}, seen: map[string]string{}, origins: map[string]*origin{}, timers: map[string]*time.Timer{},
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
		log: log.New(opts.Log, "swarmlint lsp: ", 0)}
	noop := func(*glsp.Context, any) error { return nil }
	s.handler = &protocol.Handler{
		Initialized: func(c *glsp.Context, _ *protocol.InitializedParams) error { s.initialized(); return nil },
		Shutdown:    func(*glsp.Context) error { s.stop(); <-s.done; return nil },
		Exit:        func(*glsp.Context) error { return nil },
		SetTrace:    func(c *glsp.Context, p *protocol.SetTraceParams) error { return noop(c, p) },
		CancelRequest: func(c *glsp.Context, p *protocol.CancelParams) error {
			return noop(c, p)
		},
		WorkspaceDidChangeConfiguration: func(c *glsp.Context, p *protocol.DidChangeConfigurationParams) error { return noop(c, p) },
		WorkspaceDidChangeWatchedFiles:  s.didChangeWatchedFiles,
		TextDocumentDidOpen:             s.didOpen,
		TextDocumentDidChange:           s.didChange,
		TextDocumentDidSave:             s.didSave,
		TextDocumentDidClose:            s.didClose,
		TextDocumentCodeAction:          s.codeAction,
		TextDocumentHover:               s.hover,
		WorkspaceExecuteCommand:         s.executeCommand,
	}
	return s
}

// errExitWithoutShutdown is Serve's error when the client sent exit (or
// went away) without shutdown first: the protocol's exit code 1.
var errExitWithoutShutdown = errors.New("the client ended the session without a shutdown request")

// Serve runs the session on stream until the client sends exit or closes
// the stream. It returns nil after shutdown and exit.
func (s *Server) Serve(ctx context.Context, stream io.ReadWriteCloser) error {
	conn := jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(stream, jsonrpc2.VSCodeObjectCodec{}),
		jsonrpc2.HandlerWithError(s.handle), jsonrpc2.SetLogger(s.log))
	s.conn.CompareAndSwap(nil, conn)
	go s.work()
	<-conn.DisconnectNotify()
	s.stop()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown && s.exited {
		return nil
	}
	return errExitWithoutShutdown
}

// handle answers one message. It never lets a panic out: the request gets
// an internal error and the session goes on.
func (s *Server) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (result any, err error) {
	s.conn.CompareAndSwap(nil, conn)
	defer func() {
		if r := recover(); r != nil {
			s.log.Printf("internal error in %s: %v\n%s", req.Method, r, debug.Stack())
			result, err = nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInternalError, Message: fmt.Sprintf("swarmlint: internal error: %v", r)}
		}
	}()
	var params json.RawMessage
	if req.Params != nil {
		params = *req.Params
	}
	switch req.Method {
	case protocol.MethodInitialize:
		return s.initialize(params)
	case protocol.MethodExit:
		s.mu.Lock()
		s.exited = true
		s.mu.Unlock()
		return nil, conn.Close()
	case protocol.MethodShutdown:
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
	}
	gc := &glsp.Context{Method: req.Method, Params: params,
		Notify: func(method string, p any) { s.notify(method, p) },
		Call:   func(string, any, any) {}}
	r, validMethod, validParams, err := s.handler.Handle(gc)
	switch {
	case !validMethod:
		if strings.HasPrefix(req.Method, "$/") {
			return nil, nil // optional notifications a server may ignore
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeMethodNotFound, Message: "method not supported: " + req.Method}
	case !validParams:
		msg := "invalid params"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: msg}
	case err != nil:
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidRequest, Message: err.Error()}
	}
	return r, nil
}

// initializeParams is what the server reads of initialize: decoded here
// rather than into glsp's full structure, so that a client's unusual
// capability values cannot make initialize fail.
type initializeParams struct {
	RootURI          *string `json:"rootUri"`
	RootPath         *string `json:"rootPath"`
	WorkspaceFolders []struct {
		URI string `json:"uri"`
	} `json:"workspaceFolders"`
	Capabilities struct {
		Window struct {
			ShowDocument struct {
				Support bool `json:"support"`
			} `json:"showDocument"`
		} `json:"window"`
		Workspace struct {
			DidChangeWatchedFiles struct {
				DynamicRegistration bool `json:"dynamicRegistration"`
			} `json:"didChangeWatchedFiles"`
			WorkspaceEdit struct {
				DocumentChanges bool `json:"documentChanges"`
				// SnippetEditSupport is LSP 3.18's snippet text edits.
				SnippetEditSupport bool `json:"snippetEditSupport"`
			} `json:"workspaceEdit"`
		} `json:"workspace"`
	} `json:"capabilities"`
}

// initialize takes the workspace folder as the working directory: the
// configuration file is found from there, and findings' paths are
// relative to it, as for the command line run in that folder.
func (s *Server) initialize(raw json.RawMessage) (any, error) {
	var p initializeParams
	if len(raw) > 0 {
		// a field of an unexpected type is left at its zero value
		if err := json.Unmarshal(raw, &p); err != nil {
			s.log.Printf("initialize: %v (using defaults)", err)
		}
	}
	root := ""
	switch {
	case p.RootURI != nil && *p.RootURI != "":
		root = uriPath(*p.RootURI)
	case len(p.WorkspaceFolders) > 0:
		root = uriPath(p.WorkspaceFolders[0].URI)
	case p.RootPath != nil && *p.RootPath != "":
		root = *p.RootPath
	}
	if root != "" {
		if st, err := os.Stat(root); err != nil || !st.IsDir() {
			s.log.Printf("workspace folder %q is not a directory; using the working directory", root)
			root = ""
		}
	}
	if root != "" {
		abs, _ := filepath.Abs(root)
		if wd, _ := os.Getwd(); !samePath(wd, abs) {
			if err := os.Chdir(abs); err != nil {
				return nil, fmt.Errorf("cannot change to the workspace folder: %w", err)
			}
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("no working directory: %w", err)
	}
	s.mu.Lock()
	s.root = wd
	s.caps = clientCaps{showDocument: p.Capabilities.Window.ShowDocument.Support,
		documentChanges: p.Capabilities.Workspace.WorkspaceEdit.DocumentChanges,
		snippetEdits:    p.Capabilities.Workspace.WorkspaceEdit.SnippetEditSupport,
		watchFiles:      p.Capabilities.Workspace.DidChangeWatchedFiles.DynamicRegistration}
	s.mu.Unlock()
	s.handler.SetInitialized(true)
	yes := true
	full := protocol.TextDocumentSyncKindFull
	version := s.opts.Version
	return protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: protocol.TextDocumentSyncOptions{OpenClose: &yes, Change: &full,
				Save: protocol.SaveOptions{IncludeText: new(bool)}},
			CodeActionProvider:     protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix}},
			HoverProvider:          true,
			ExecuteCommandProvider: &protocol.ExecuteCommandOptions{Commands: []string{commandSelect}},
		},
		ServerInfo: &protocol.InitializeResultServerInfo{Name: "swarmlint", Version: &version},
	}, nil
}

func samePath(a, b string) bool {
	if a == b {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// initialized lints the configured swarms: their findings are published
// for files the editor has not opened too. It asks the client to report
// changes of stack files, scripts and the configuration made outside the
// editor (a git checkout), which change those findings.
func (s *Server) initialized() {
	s.enqueue(job{kind: jobWorkspace})
	s.mu.Lock()
	watch := s.caps.watchFiles
	s.mu.Unlock()
	conn := s.conn.Load()
	if !watch || conn == nil {
		return
	}
	go func() { // answered through the read loop that is running this handler
		params := protocol.RegistrationParams{Registrations: []protocol.Registration{{ID: "swarmlint-files",
			Method: string(protocol.MethodWorkspaceDidChangeWatchedFiles),
			RegisterOptions: protocol.DidChangeWatchedFilesRegistrationOptions{Watchers: []protocol.FileSystemWatcher{
				{GlobPattern: "**/*.{yml,yaml,sh,bash}"}, {GlobPattern: "**/.swarmlint.{yaml,yml}"}}}}}}
		if err := conn.Call(context.Background(), string(protocol.ServerClientRegisterCapability), params, nil); err != nil {
			s.log.Printf("client/registerCapability: %v", err)
		}
	}()
}

// notify sends a notification; a closed connection is not an error here.
func (s *Server) notify(method string, params any) {
	conn := s.conn.Load()
	if conn == nil {
		return
	}
	if err := conn.Notify(context.Background(), method, params); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		s.log.Printf("sending %s: %v", method, err)
	}
}

// logMessage shows a line in the client's log of the server.
func (s *Server) logMessage(typ protocol.MessageType, msg string) {
	s.notify(protocol.ServerWindowLogMessage, protocol.LogMessageParams{Type: typ, Message: msg})
}

// uriPath is the file path of a file: URI ("" for any other URI).
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") {
		return ""
	}
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // /C:/dir on Windows
		p = p[1:]
	}
	if p == "" {
		return ""
	}
	return filepath.Clean(filepath.FromSlash(p))
}

// pathURI is the file: URI of an absolute path.
func pathURI(p string) string {
	p = filepath.ToSlash(p)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// inRoot reports whether p is inside the workspace folder.
func (s *Server) inRoot(p string) bool {
	if p == "" || s.root == "" {
		return false
	}
	rel, err := filepath.Rel(s.root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// lintable reports whether an open document is a file the server lints:
// a YAML file or a shell script inside the workspace folder. Anything else
// (another language, an untitled buffer, a file elsewhere) gets no
// diagnostics.
func lintable(d *document, languageID string) bool {
	if d.path == "" {
		return false
	}
	switch strings.ToLower(filepath.Ext(d.path)) {
	case ".yml", ".yaml", ".sh", ".bash":
		return true
	}
	switch languageID {
	case "yaml", "dockercompose", "yaml.docker-compose", "sh", "bash", "shellscript":
		return true
	}
	return false
}
