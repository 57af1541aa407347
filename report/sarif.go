package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/swarmlint/swarmlint/rules"
)

// SARIF constants (OASIS SARIF 2.1.0; GitHub: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
const (
	// SARIFSchemaURI is the $schema GitHub's documentation uses.
	SARIFSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// ToolInformationURI is tool.driver.informationUri.
	ToolInformationURI = "https://github.com/swarmlint/swarmlint"
	// DefaultDocsBaseURL is used for rule helpUri when Result.DocsBaseURL is empty.
	DefaultDocsBaseURL = "https://github.com/swarmlint/swarmlint/blob/main/docs/rules"
	// SrcRoot is the uriBaseId of every location: the repository root.
	SrcRoot = "%SRCROOT%"
	// LineHashKey is GitHub's partialFingerprints key (see LineHashes).
	LineHashKey = "primaryLocationLineHash"
	// IdentityKey is swarmlint's own partialFingerprints key: the hex SHA-256
	// of Finding.Identity, stable across line moves and message edits.
	IdentityKey = "swarmlint/v1"
	// ColumnKind is run.columnKind; columns are converted to UTF-16 code units.
	ColumnKind = "utf16CodeUnits"
)

// SARIFWriter writes a SARIF 2.1.0 log for GitHub code scanning: one run,
// every enabled rule, one physical location per result with UTF-16 columns
// and GitHub's line-hash fingerprint. The output is byte-identical for the
// same Result (no timestamps, GUIDs derived from content, sorted results).
type SARIFWriter struct{}

// Write renders the log and writes it to w in one call; nothing is written
// when building fails.
func (SARIFWriter) Write(w io.Writer, r *Result) error {
	log, err := BuildSARIF(r)
	if err != nil {
		return err
	}
	return encodeJSON(w, log)
}

// BuildSARIF returns r as a go-sarif report. Rules are registered before any
// result, so every ruleIndex points at its rule; results for ids missing from
// r.Rules get a minimal rule appended after the catalog rules.
func BuildSARIF(r *Result) (*sarif.Report, error) {
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, err
	}
	rep.Schema = SARIFSchemaURI
	run := sarif.NewRunWithInformationURI("swarmlint", ToolInformationURI)
	version, semver := toolVersions(r.ToolVersion)
	run.Tool.Driver.WithVersion(version).WithSemanticVersion(semver)
	run.WithColumnKind(ColumnKind)
	run.WithOriginalUriBaseIds(map[string]*sarif.ArtifactLocation{
		SrcRoot: sarif.NewArtifactLocation().WithDescriptionText("The root of the repository that was analyzed."),
	})
	if r.Category != "" {
		run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(automationID(r.Category)))
	}

	findings := sortedFindings(r.Findings)
	index := registerRules(run, r, findings)
	b := sarifBuilder{src: newSourceCache(r.Sources), hashes: map[string][]string{}}
	for _, f := range findings {
		i, ok := index[f.RuleID]
		if !ok || run.Tool.Driver.Rules[i].ID != f.RuleID {
			return nil, fmt.Errorf("sarif: no rule registered for %s (%s:%d)", f.RuleID, f.File, f.StartLine)
		}
		run.Results = append(run.Results, b.result(f, i, *run.Tool.Driver.Rules[i].ShortDescription.Text))
	}

	inv := run.AddInvocation(r.Successful)
	for _, n := range r.Notifications {
		inv.AddTToolExecutionNotification(b.notification(n))
	}
	rep.AddRun(run)
	return rep, nil
}

// registerRules adds every catalog rule in order, then a placeholder rule for
// each finding rule id the catalog lacks, and returns id → ruleIndex.
func registerRules(run *sarif.Run, r *Result, findings []Finding) map[string]int {
	base := r.DocsBaseURL
	if base == "" {
		base = DefaultDocsBaseURL
	}
	index := map[string]int{}
	add := func(rule rules.Rule) {
		if _, dup := index[rule.ID]; dup || rule.ID == "" {
			return
		}
		index[rule.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, ruleDescriptor(rule, base, r.RuleHelp))
	}
	for _, rule := range r.Rules {
		add(rule)
	}
	for _, f := range findings {
		add(rules.Rule{ID: f.RuleID, Severity: f.Level})
	}
	return index
}

// sarifBuilder turns findings into results, caching line hashes per file.
type sarifBuilder struct {
	src    *sourceCache
	hashes map[string][]string
}

// result converts one finding; title is the rule's short description, used
// when the finding has no message.
func (b *sarifBuilder) result(f Finding, ruleIndex int, title string) *sarif.Result {
	res := sarif.NewRuleResult(f.RuleID).
		WithRuleIndex(ruleIndex).
		WithLevel(normLevel(f.Level)).
		WithMessage(sarif.NewTextMessage(resultMessage(f.Message, title)))
	sp := b.src.fix(f.File, span{f.StartLine, f.StartCol, f.EndLine, f.EndCol})
	res.AddLocation(b.location(f.File, sp))
	fp := map[string]any{}
	if h := b.lineHash(f.File, sp.StartLine); h != "" {
		fp[LineHashKey] = h
	}
	if f.Identity != "" {
		sum := sha256.Sum256([]byte(f.Identity))
		fp[IdentityKey] = hex.EncodeToString(sum[:])
	}
	if len(fp) > 0 {
		res.WithPartialFingerPrints(fp)
	}
	b.addRelated(res, f.Related)
	for _, fx := range f.Fixes {
		res.AddFix(b.fix(fx))
	}
	if f.Suppression != nil {
		res.AddSuppression(b.suppression(f, sp))
	}
	return res
}

// fix is a SARIF fix: one artifactChange per file, in the order the edits
// name them, each edit a replacement whose deletedRegion is the edited span
// (zero-width for an insertion) in UTF-16 columns, with the new text as
// insertedContent. An unsafe fix says so in its description.
func (b *sarifBuilder) fix(fx Fix) *sarif.Fix {
	desc := withPeriod(strings.TrimSpace(fx.Description))
	if !fx.Safe {
		desc += " Unsafe: it changes what the swarm does (swarmlint fix --unsafe)."
	}
	out := sarif.NewFix().WithDescriptionText(desc)
	out.ArtifactChanges = []*sarif.ArtifactChange{}
	byFile := map[string]*sarif.ArtifactChange{}
	for _, e := range fx.Edits {
		ch := byFile[e.File]
		if ch == nil {
			ch = sarif.NewArtifactChange(artifact(e.File))
			ch.Replacements = []*sarif.Replacement{}
			byFile[e.File] = ch
			out.AddArtifactChanges(ch)
		}
		startText, _ := b.src.line(e.File, e.StartLine)
		endText, _ := b.src.line(e.File, e.EndLine)
		region := sarif.NewRegion().
			WithStartLine(max(e.StartLine, 1)).
			WithStartColumn(utf16Column(startText, max(e.StartCol, 1))).
			WithEndLine(max(e.EndLine, e.StartLine, 1)).
			WithEndColumn(utf16Column(endText, max(e.EndCol, 1)))
		r := sarif.NewReplacement(region)
		if e.NewText != "" {
			r.WithInsertedContent(sarif.NewArtifactContent().WithText(e.NewText))
		}
		ch.WithReplacement(r)
	}
	return out
}

// addRelated writes related locations with ids 1..n, dropping duplicates
// (relatedLocations must be unique).
func (b *sarifBuilder) addRelated(res *sarif.Result, related []Location) {
	seen := map[Location]bool{}
	for _, l := range related {
		if seen[l] {
			continue
		}
		seen[l] = true
		sp := b.src.fix(l.File, span{l.StartLine, l.StartCol, l.EndLine, l.EndCol})
		msg := strings.TrimSpace(l.Message)
		if msg == "" {
			msg = "related location"
		}
		res.AddRelatedLocation(b.location(l.File, sp).WithId(len(seen)).WithDescriptionText(msg))
	}
}

// suppression fills all of kind, status, justification, guid and location:
// go-sarif v2 writes null for any unset one, which the schema rejects.
func (b *sarifBuilder) suppression(f Finding, sp span) *sarif.Suppression {
	kind := suppressionKind(f.Suppression.Kind)
	just := strings.TrimSpace(f.Suppression.Justification)
	if just == "" {
		just = map[string]string{"inSource": "Suppressed by an inline swarmlint directive.",
			"external": "Suppressed by the swarmlint baseline."}[kind]
	}
	loc := b.location(f.File, sp)
	if l := f.Suppression.Location; l != nil {
		loc = b.location(l.File, b.src.fix(l.File, span{l.StartLine, l.StartCol, l.EndLine, l.EndCol}))
	}
	key := strings.Join([]string{f.RuleID, f.File, f.Identity, kind, just}, "\x00")
	if f.Identity == "" {
		key += fmt.Sprintf("\x00%d:%d", f.StartLine, f.StartCol)
	}
	return sarif.NewSuppression(kind).WithStatus("accepted").WithJustifcation(just).
		WithGuid(nameUUID(key)).WithLocation(loc)
}

// suppressionKind maps a Suppression.Kind onto SARIF's enum; anything that is
// not inline ("inSource", "inline") is treated as external (a baseline).
func suppressionKind(k string) string {
	switch k {
	case "inSource", "inline", "in-source":
		return "inSource"
	}
	return "external"
}

func (b *sarifBuilder) notification(n Notification) *sarif.Notification {
	level := n.Level
	switch level {
	case "none", levelNote, levelWarning, levelError:
	default:
		level = levelError
	}
	sn := sarif.NewNotification().WithLevel(level).WithTextMessage(resultMessage(n.Message, "tool error"))
	if n.RuleID != "" {
		sn.WithDescriptor(sarif.NewReportingDescriptorReference().WithId(n.RuleID))
	}
	if n.File != "" {
		region := sarif.NewRegion().WithStartLine(max(n.Line, 1))
		if n.Col > 0 {
			text, _ := b.src.line(n.File, max(n.Line, 1))
			region.WithStartColumn(utf16Column(text, n.Col))
		}
		sn.WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
			sarif.NewPhysicalLocation().WithArtifactLocation(artifact(n.File)).WithRegion(region))})
	}
	return sn
}

// location is one physical location with a full region in UTF-16 columns.
func (b *sarifBuilder) location(file string, sp span) *sarif.Location {
	startText, _ := b.src.line(file, sp.StartLine)
	endText, _ := b.src.line(file, sp.EndLine)
	region := sarif.NewRegion().
		WithStartLine(sp.StartLine).
		WithStartColumn(utf16Column(startText, sp.StartCol)).
		WithEndLine(sp.EndLine)
	if sp.EndCol > 0 {
		region.WithEndColumn(utf16Column(endText, sp.EndCol))
	}
	return sarif.NewLocationWithPhysicalLocation(
		sarif.NewPhysicalLocation().WithArtifactLocation(artifact(file)).WithRegion(region))
}

func (b *sarifBuilder) lineHash(file string, line int) string {
	hs, ok := b.hashes[file]
	if !ok {
		src, found := b.src.src[file]
		if !found {
			return ""
		}
		hs = LineHashes(src)
		b.hashes[file] = hs
	}
	if line < 1 || line > len(hs) {
		return ""
	}
	return hs[line-1]
}

func artifact(file string) *sarif.ArtifactLocation {
	return sarif.NewSimpleArtifactLocation(FileURI(file)).WithUriBaseId(SrcRoot)
}

// FileURI turns a slash-separated repository-relative path into the
// percent-encoded relative URI reference SARIF and GitHub expect
// ("my dir/a.yml" → "my%20dir/a.yml"; a colon in the first segment gets a
// "./" prefix so it cannot read as a scheme). A leading "./" is dropped.
func FileURI(file string) string {
	for strings.HasPrefix(file, "./") {
		file = file[2:]
	}
	return (&url.URL{Path: file}).String()
}

// resultMessage is the trimmed message, or fallback when it is empty, ending
// with a period (GitHub shows the first sentence when space is short).
func resultMessage(msg, fallback string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		msg = fallback
	}
	return withPeriod(msg)
}

// automationID turns a category into automationDetails.id. A trailing slash
// makes the whole string the category for GitHub (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#runautomationdetails-object).
func automationID(category string) string {
	if strings.HasSuffix(category, "/") {
		return category
	}
	return category + "/"
}
