package lint

import (
	"os"
	"testing"

	"github.com/swarmlint/swarmlint/analyzer"
)

// TestCorpusLooksLikeCompose: every file of the shared corpus of public
// stack and compose files is recognised as a Compose file, so none of them
// would be skipped.
func TestCorpusLooksLikeCompose(t *testing.T) {
	for _, f := range corpusFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !analyzer.LooksLikeCompose(b) {
			t.Errorf("%s: not recognised as a Compose file", f)
		}
	}
}
