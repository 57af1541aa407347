package sariftest

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The embedded schema is the OASIS text, unmodified (testdata/README.md).
func TestSchemaIsTheOASISText(t *testing.T) {
	const want = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
	sum := sha256.Sum256(schemaJSON)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("%s has sha256 %s, want %s: the schema must stay byte for byte as OASIS published it", SchemaPath, got, want)
	}
	if _, _, err := Schema(); err != nil {
		t.Fatal(err)
	}
}
