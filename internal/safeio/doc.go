// Package safeio is how swarmlint touches the file system on behalf of
// untrusted input (a pull request, a fresh clone): it reads only regular
// files, with a size cap applied while reading and without blocking on
// FIFOs or devices; it confines paths to the repository; it writes reports
// and baselines atomically, never through a symbolic link; and it makes
// text from input safe to print. docs/security.md is the threat model these
// functions implement.
package safeio
