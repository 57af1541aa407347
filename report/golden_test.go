package report_test

import (
	"testing"

	"github.com/swarmlint/swarmlint/report"
)

// Golden output of every format for every fixture; -update rewrites them.
func TestGolden(t *testing.T) {
	exts := map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "github": "github.txt", "junit": "junit.xml"}
	for name, mk := range cases {
		for _, format := range report.FormatNames() {
			t.Run(name+"/"+format, func(t *testing.T) {
				w, err := report.Lookup(format)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, name+"."+exts[format], render(t, w, mk()))
			})
		}
	}
	t.Run("sample/text-color", func(t *testing.T) {
		golden(t, "sample.color.txt", render(t, report.TextWriter{Color: true}, sampleResult()))
	})
}
