package report_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/swarmlint/swarmlint/report"
)

func TestFormatNames(t *testing.T) {
	want := []string{"github", "json", "junit", "sarif", "text"}
	if got := report.FormatNames(); !slices.Equal(got, want) {
		t.Errorf("FormatNames() = %q, want %q", got, want)
	}
	for _, n := range want {
		if _, err := report.Lookup(n); err != nil {
			t.Error(err)
		}
	}
	if _, err := report.Lookup("xml"); err == nil {
		t.Error("Lookup(xml) succeeded")
	}
}

// WriteFile truncates: a shorter log replaces a longer one completely.
func TestWriteFileTruncates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.sarif")
	if err := report.WriteFile(path, report.SARIFWriter{}, sampleResult()); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteFile(path, report.SARIFWriter{}, cleanResult()); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := render(t, report.SARIFWriter{}, cleanResult()); string(got) != string(want) {
		t.Error("file is not exactly the second log (not truncated?)")
	}
}
