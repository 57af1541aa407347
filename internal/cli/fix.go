package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/spf13/cobra"

	"github.com/swarmlint/swarmlint/analyzer"
	"github.com/swarmlint/swarmlint/internal/safeio"
	"github.com/swarmlint/swarmlint/lint"
	"github.com/swarmlint/swarmlint/report"
)

type fixFlags struct {
	diff   bool
	unsafe bool
}

func newFix(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	lf := &lintFlags{}
	ff := &fixFlags{}
	c := &cobra.Command{
		Use:   "fix [--diff] [--unsafe] [flags] FILE...",
		Short: "Apply the fixes the rules offer to stack files (--diff: show them, change nothing)",
		Long: `fix lints the inputs exactly as 'swarmlint' does and applies the fixes the rules
offer for what they find, editing the stack files in place: only the tokens a
fix concerns change, so comments, anchors, quoting and formatting elsewhere
survive. Each file is rewritten atomically (a failure leaves it as it was; a
symbolic link is followed to its file, which is replaced).

Safe fixes leave what 'docker stack deploy' does unchanged, or turn a file it
refuses into what its author evidently meant:
  SWL101  a short-syntax port of a dnsrr service → long syntax with mode: host
  SWL012  the host IP swarm ignores is dropped, with a comment saying why
  SWL017  expose (ignored) is removed
  SWL010  ipv4_address/ipv6_address (ignored) are removed
  SWL011  keys docker stack deploy ignores are removed
Unsafe fixes change behaviour and are applied only with --unsafe:
  SWL302  encrypted: "false" (which still encrypts) → the option removed
  SWL201, SWL211, SWL212  a free subnet of the right size from the swarm's
          default address pools, overlapping no known network or host network,
          as 'swarmlint plan' allocates

fix lints again after applying and repeats (at most 5 rounds) until no fix
applies; a fix whose edit overlaps one already applied waits for the next
round, and one that still cannot be applied is reported. Suppressed findings
('# swarmlint:ignore', the configuration, --baseline) are not fixed. A file
whose fix would make Docker refuse it is left unchanged (exit 2).

What remains is printed as lint prints it. Exit codes: 0 nothing at or above
--fail-on remains (with --diff: would remain), 1 something does, 2 usage
error, unreadable or invalid input, or an internal error.`,
		Example: `  swarmlint fix --diff docker-stack.yml      # show the safe fixes as a unified diff
  swarmlint fix docker-stack.yml             # apply them
  swarmlint fix --unsafe --enable SWL211 stacks/*.yml
  swarmlint fix                              # the stacks of .swarmlint.yaml`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFix(cmd.Context(), lf, ff, args, stdin, stdout, stderr)
		},
	}
	lf.register(c)
	c.Flags().BoolVar(&ff.diff, "diff", false, "print the changes as a unified diff on standard output and change no file")
	c.Flags().BoolVar(&ff.unsafe, "unsafe", false, "also apply fixes that change behaviour (a subnet, an encryption option)")
	for _, name := range []string{"format", "output", "category", "show-suppressed", "write-baseline"} {
		_ = c.Flags().MarkHidden(name)
	}
	c.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"yml", "yaml"}, cobra.ShellCompDirectiveFilterFileExt
	}
	return c
}

// refused counts SWL000 findings (a file Docker refuses) by file.
func refused(res *report.Result) map[string]int {
	m := map[string]int{}
	if res == nil {
		return m
	}
	for _, f := range res.Findings {
		if f.RuleID == "SWL000" {
			m[f.File]++
		}
	}
	return m
}

func runFix(ctx context.Context, lf *lintFlags, ff *fixFlags, args []string, stdin io.Reader, stdout, stderr io.Writer) (rerr error) {
	defer func() {
		if r := recover(); r != nil {
			rerr = &exitError{code: ExitError, err: fmt.Errorf("internal error: %v", r)}
		}
	}()
	usage := func(err error) error { return &exitError{code: ExitError, err: err} }
	if _, ok := levelRank[lf.failOn]; !ok {
		return usage(fmt.Errorf("--fail-on %q: want error, warning, note or none", lf.failOn))
	}
	cfg, err := lf.config(ctx, args, stdin, stderr)
	if err != nil {
		return usage(inputsError(err))
	}
	if len(cfg.Overlay) > 0 && !ff.diff {
		return usage(errors.New("fix rewrites files: standard input ('-') cannot be rewritten; use 'swarmlint fix --diff -' to see the changes"))
	}
	if lf.baseline != "" {
		if cfg.Baseline, err = lint.ReadBaseline(lf.baseline); err != nil {
			return usage(err)
		}
	}
	cfg.Skipped = func(file string) {
		fmt.Fprintf(stderr, "swarmlint: %s: skipped: not a Compose file\n", file)
	}
	eng, err := lint.Engine(ctx, cfg)
	if err != nil {
		return usage(err)
	}
	fr, err := lint.FixRun(ctx, eng, cfg, lint.FixOptions{Unsafe: ff.unsafe}, nil)
	if err != nil {
		return usage(err)
	}
	res := fr.After
	// A fix must never make Docker refuse a file it loaded.
	before, after := refused(fr.Before), refused(fr.After)
	for _, f := range fr.Files {
		if after[f.Name] > before[f.Name] {
			return usage(fmt.Errorf("%s: the fixes would make docker stack deploy refuse the file; nothing was changed (please report this)", f.Name))
		}
	}
	if ff.diff {
		for _, f := range fr.Files {
			from, to := "a/"+f.Name, "b/"+f.Name
			if strings.HasPrefix(f.Name, "/") || strings.HasPrefix(f.Name, "../") {
				from, to = f.Name, f.Name // outside the working directory: no a/ b/ prefixes
			}
			fmt.Fprint(stdout, udiff.Unified(from, to, string(f.Original), string(f.Fixed)))
		}
	} else {
		repo := safeio.RepoRoot(".")
		for _, f := range fr.Files {
			// The file must still be what was linted: an editor may have
			// saved it meanwhile.
			now, err := analyzer.ReadInput(f.Name, analyzer.MaxStackFileSize)
			if err != nil {
				return usage(err)
			}
			if !bytes.Equal(now, f.Original) {
				return usage(fmt.Errorf("%s changed while it was being fixed; nothing was written to it", f.Name))
			}
			target := f.Name
			if resolved, err := filepath.EvalSymlinks(f.Name); err == nil {
				target = resolved
			}
			if err := repo.WriteFile(target, f.Fixed); err != nil {
				return usage(fmt.Errorf("writing %s: %w", f.Name, err))
			}
		}
	}
	verb := "fixed"
	if ff.diff {
		verb = "would fix"
	}
	for _, a := range fr.Applied {
		f := a.Finding
		fmt.Fprintf(stderr, "swarmlint: %s:%d:%d: %s %s: %s\n", f.File, f.StartLine, f.StartCol, verb, f.RuleID, a.Fix.Description)
	}
	// What is left: findings with a fix that was not applied say why.
	unsafeLeft := 0
	for _, f := range res.Findings {
		if c, ok := lint.Eligible(f, ff.unsafe); ok {
			fmt.Fprintf(stderr, "swarmlint: %s:%d:%d: %s: fix not applied (its edits overlap other fixes' in every round, or applying it did not resolve the finding): %s\n", f.File, f.StartLine, f.StartCol, f.RuleID, c.Description)
		} else if len(f.Fixes) > 0 && f.Suppression == nil {
			unsafeLeft++
		}
	}
	fmt.Fprintf(stderr, "swarmlint: %s %s in %s\n", verb, countOf(len(fr.Applied), "finding"), countOf(len(fr.Files), "file"))
	if unsafeLeft > 0 {
		fmt.Fprintf(stderr, "swarmlint: %s %s an unsafe fix (it changes behaviour): review it with 'swarmlint fix --diff --unsafe', apply it with --unsafe\n",
			countOf(unsafeLeft, "finding"), map[bool]string{true: "has", false: "have"}[unsafeLeft == 1])
	}
	res.Findings = deleteSuppressed(res.Findings)
	if len(res.Findings) > 0 {
		// What remains, as lint prints it: on standard output, or on
		// standard error when standard output is the diff.
		out := stdout
		if ff.diff {
			out = stderr
		}
		var buf bytes.Buffer
		if err := (report.TextWriter{}).Write(&buf, res); err != nil {
			return usage(err)
		}
		if _, err := out.Write(buf.Bytes()); err != nil {
			return usage(err)
		}
	}
	for _, f := range res.Findings {
		if levelRank[f.Level] >= levelRank[lf.failOn] {
			return &exitError{code: ExitFindings}
		}
	}
	return nil
}

func deleteSuppressed(fs []report.Finding) []report.Finding {
	out := fs[:0:0]
	for _, f := range fs {
		if f.Suppression == nil {
			out = append(out, f)
		}
	}
	return out
}
