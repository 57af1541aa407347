package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nvimConfig starts `swarmlint lsp` from a headless Neovim the way the
// README tells users to (vim.lsp.start; Neovim 0.7, Debian 12's, has only
// vim.lsp.start_client and buf_attach_client, which vim.lsp.start wraps),
// waits for the diagnostics of the buffer, asks for the code actions on
// the finding's line, applies the fix (Neovim then sends the changed
// buffer) and waits for the diagnostic to go, stops the client (shutdown,
// exit) and writes what it saw to $SWARMLINT_OUT.
const nvimConfig = `
local out = assert(io.open(os.getenv('SWARMLINT_OUT'), 'w'))
local function finish(msg)
  out:write(msg, '\n')
  out:close()
  vim.cmd('qa!')
end
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('SWARMLINT_FILE')))
local config = { name = 'swarmlint', cmd = { os.getenv('SWARMLINT_BIN'), 'lsp' }, root_dir = os.getenv('SWARMLINT_ROOT') }
local id
if vim.lsp.start then
  id = vim.lsp.start(config)
else
  id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, id)
end
if not vim.wait(120000, function() return #vim.diagnostic.get(0) > 0 end, 50) then
  finish('timeout: no diagnostics')
  return
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local href = ''
  local lsp = d.user_data and d.user_data.lsp or {}
  if lsp.codeDescription then href = lsp.codeDescription.href end
  out:write(string.format('diagnostic %d:%d-%d:%d %s %s %s\n', d.lnum, d.col, d.end_lnum, d.end_col, tostring(d.code or lsp.code), href, d.message))
end
local params = { textDocument = { uri = vim.uri_from_bufnr(0) },
  range = { start = { line = 5, character = 10 }, ['end'] = { line = 5, character = 10 } },
  context = { diagnostics = {} } }
local replies = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 30000) or {}
local fix
for _, reply in pairs(replies) do
  for _, action in ipairs(reply.result or {}) do
    out:write('action ', action.title, '\n')
    if action.title:find('^Fix SWL101') then fix = action end
  end
end
if fix then
  vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
  local cleared = vim.wait(60000, function() return #vim.diagnostic.get(0) == 0 end, 50)
  out:write('fixed, diagnostics cleared ', tostring(cleared), '\n')
end
vim.lsp.stop_client(id)
local stopped = vim.wait(30000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
finish('stopped ' .. tostring(stopped))
`

// TestNeovim proves that a real LSP client receives the diagnostics: the
// Debian neovim package, headless, with the README's set-up. It skips,
// saying why, when nvim is not installed (.ci/run installs it).
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim is not installed (Debian package neovim; .ci/run installs it): the real-client test is skipped")
	}
	if testing.Short() {
		t.Skip("builds the binary and starts Neovim; not with -short")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "swarmlint")
	build := exec.Command("go", "build", "-o", bin, "./cmd/swarmlint")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ws := filepath.Join(tmp, "ws")
	writeAll(t, ws, map[string]string{"docker-stack.yml": lspDnsrr, "init.lua": nvimConfig})
	outFile := filepath.Join(tmp, "out.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-n", "-i", "NONE", "-u", filepath.Join(ws, "init.lua"))
	cmd.Dir = ws
	cmd.Env = append(os.Environ(), "HOME="+tmp, "XDG_CONFIG_HOME="+filepath.Join(tmp, "config"), "XDG_DATA_HOME="+filepath.Join(tmp, "data"),
		"XDG_STATE_HOME="+filepath.Join(tmp, "state"), "XDG_CACHE_HOME="+filepath.Join(tmp, "cache"),
		"SWARMLINT_OUT="+outFile, "SWARMLINT_BIN="+bin, "SWARMLINT_ROOT="+ws, "SWARMLINT_FILE="+filepath.Join(ws, "docker-stack.yml"))
	combined, err := cmd.CombinedOutput()
	got, _ := os.ReadFile(outFile)
	if err != nil {
		t.Fatalf("nvim: %v\n%s\n%s", err, combined, got)
	}
	text := string(got)
	t.Logf("Neovim saw:\n%s", text)
	for _, want := range []string{
		"diagnostic 5:8-5:21 SWL101 https://github.com/swarmlint/swarmlint/blob/main/docs/rules/SWL101.md service \"cache\" uses endpoint_mode dnsrr",
		"action Fix SWL101: publish 11211/tcp in host mode",
		"action Ignore SWL101 on this line (# swarmlint:ignore)",
		"fixed, diagnostics cleared true",
		"stopped true",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Neovim did not see %q", want)
		}
	}
}
