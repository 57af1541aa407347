package lsp

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// didOpen lints the opened buffer at once.
func (s *Server) didOpen(_ *glsp.Context, p *protocol.DidOpenTextDocumentParams) error {
	d := &document{uri: p.TextDocument.URI, version: p.TextDocument.Version, text: p.TextDocument.Text}
	s.mu.Lock()
	if path := uriPath(d.uri); s.inRoot(path) {
		d.path = path
		s.seen[path] = d.uri
	}
	d.lint = lintable(d, p.TextDocument.LanguageID)
	s.docs[d.uri] = d
	s.mu.Unlock()
	if d.lint {
		s.enqueue(job{kind: jobDocument, uri: d.uri})
	}
	return nil
}

// didChange takes the new text and lints it once the buffer has been
// quiet for the debounce time.
func (s *Server) didChange(_ *glsp.Context, p *protocol.DidChangeTextDocumentParams) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		return nil // a change of a document that was never opened
	}
	for _, c := range p.ContentChanges {
		switch c := c.(type) {
		case protocol.TextDocumentContentChangeEventWhole:
			d.text = c.Text
		case protocol.TextDocumentContentChangeEvent:
			if c.Range == nil {
				d.text = c.Text
				continue
			}
			t := newText(d.text)
			from, to := t.offset(c.Range.Start), t.offset(c.Range.End)
			if to < from {
				from, to = to, from
			}
			d.text = d.text[:from] + c.Text + d.text[to:]
		}
	}
	d.version = p.TextDocument.Version
	if !d.lint || s.stopped() {
		return nil
	}
	uri := d.uri
	if t := s.timers[uri]; t != nil {
		t.Stop()
	}
	s.timers[uri] = time.AfterFunc(s.opts.Debounce, func() {
		s.mu.Lock()
		delete(s.timers, uri)
		s.mu.Unlock()
		s.enqueue(job{kind: jobDocument, uri: uri})
	})
	return nil
}

// didClose forgets the buffer. Its independent stack's diagnostics go
// away with it; a file of a configured swarm is linted again as it is on
// disk, and keeps the diagnostics of that.
func (s *Server) didClose(_ *glsp.Context, p *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	delete(s.docs, p.TextDocument.URI)
	if t := s.timers[p.TextDocument.URI]; t != nil {
		t.Stop()
		delete(s.timers, p.TextDocument.URI)
	}
	s.mu.Unlock()
	if d == nil || !d.lint {
		return nil
	}
	s.enqueue(job{kind: jobClosed, uri: d.uri, path: d.path})
	return nil
}

// didSave re-reads the configuration when it is the file saved: the
// stacks, swarms, rules and policies may have changed, so every swarm is
// linted again. A saved stack file was linted as its buffer changed.
func (s *Server) didSave(_ *glsp.Context, p *protocol.DidSaveTextDocumentParams) error {
	if isConfigFile(uriPath(p.TextDocument.URI)) {
		s.relintAll()
	}
	return nil
}

// didChangeWatchedFiles lints again after files changed outside the
// editor: everything after a change of the configuration, the swarms of a
// file that is not open (an open buffer wins over its file).
func (s *Server) didChangeWatchedFiles(_ *glsp.Context, p *protocol.DidChangeWatchedFilesParams) error {
	s.mu.Lock()
	relint := false
	for _, c := range p.Changes {
		path := uriPath(c.URI)
		if isConfigFile(path) {
			relint = true
			break
		}
		open := false
		for _, d := range s.docs {
			open = open || (d.path == path && d.lint)
		}
		for _, o := range s.origins {
			relint = relint || (!open && o.inputs[path])
		}
	}
	s.mu.Unlock()
	if relint {
		s.relintAll()
	}
	return nil
}

func isConfigFile(p string) bool {
	base := strings.ToLower(filepath.Base(p))
	return p != "" && (base == ".swarmlint.yaml" || base == ".swarmlint.yml")
}

// relintAll lints the configured swarms and every open buffer again.
func (s *Server) relintAll() {
	s.enqueue(job{kind: jobWorkspace})
	s.mu.Lock()
	var uris []string
	for uri, d := range s.docs {
		if d.lint {
			uris = append(uris, uri)
		}
	}
	s.mu.Unlock()
	sortStrings(uris)
	for _, uri := range uris {
		s.enqueue(job{kind: jobDocument, uri: uri})
	}
}
