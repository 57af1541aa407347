package report

import (
	"crypto/sha1"
	"fmt"
	"strings"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// semverRe matches a SemVer 2.0 version (without a leading "v").
var semverRe = lazyre.New(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// toolVersions returns driver.version and driver.semanticVersion. An empty
// version becomes "0.0.0-dev"; a version that is not SemVer (e.g. "(devel)")
// keeps its text in version and gets "0.0.0-dev" as semanticVersion, because
// GitHub prefers semanticVersion and it must be SemVer.
func toolVersions(v string) (version, semantic string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "0.0.0-dev", "0.0.0-dev"
	}
	if s := strings.TrimPrefix(v, "v"); semverRe().MatchString(s) {
		return v, s
	}
	return v, "0.0.0-dev"
}

// uuidNamespace is RFC 4122's URL namespace; names are URLs under the
// project's address.
var uuidNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// nameUUID returns the RFC 4122 version 5 (SHA-1, name-based) UUID of name in
// the URL namespace: the same name always yields the same GUID, so output stays
// byte-identical across runs and matches the schema's GUID pattern.
func nameUUID(name string) string {
	h := sha1.New()
	h.Write(uuidNamespace[:])
	h.Write([]byte("https://github.com/swarmlint/swarmlint#" + name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
