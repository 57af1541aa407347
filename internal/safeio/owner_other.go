//go:build !unix

package safeio

// OwnedByUser is true where the platform has no owner to compare.
func OwnedByUser(string) bool { return true }
