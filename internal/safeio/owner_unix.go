//go:build unix

package safeio

import (
	"os"
	"syscall"
)

// OwnedByUser reports whether dir belongs to the user running swarmlint
// (the effective user id). A directory that cannot be examined counts as
// not owned.
func OwnedByUser(dir string) bool {
	st, err := os.Stat(dir)
	if err != nil {
		return false
	}
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Geteuid()
}
