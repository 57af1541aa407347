//go:build unix

package safeio

import (
	"os"
	"syscall"
)

// OwnedByUser reports whether the file or directory p belongs to the user
// running swarmlint (the effective user id). One that cannot be examined
// counts as not owned.
func OwnedByUser(p string) bool {
	st, err := os.Stat(p)
	if err != nil {
		return false
	}
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Geteuid()
}
