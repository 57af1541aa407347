package safeio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Size caps for each kind of input. A cap is applied while reading, so a
// file that grows or lies about its size (a link to /dev/zero) is cut off at
// the cap, never read to the end.
const (
	MaxConfigSize    = 1 << 20  // .swarmlint.yaml
	MaxScriptSize    = 1 << 20  // a bootstrap shell script
	MaxEnvFileSize   = 1 << 20  // --env-file
	MaxDaemonSize    = 1 << 20  // daemon.json
	MaxPolicySize    = 1 << 20  // one .rego file
	MaxDataSize      = 4 << 20  // one --data file
	MaxBaselineSize  = 16 << 20 // --baseline
	MaxInventorySize = 16 << 20 // one --cluster file
)

// ErrIsDir is returned (wrapped) when a path names a directory.
var ErrIsDir = errors.New("is a directory")

// TooLargeError says a file is larger than its cap.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("file is larger than %s", Bytes(e.Limit))
}

// Bytes formats a size the way the caps are documented: 8 MiB, 512 KiB, 100 bytes.
func Bytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// NotRegularError says a path names something other than a regular file.
type NotRegularError struct{ Kind string }

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("is %s, not a regular file; swarmlint reads only regular files", e.Kind)
}

// Is makes errors.Is(err, ErrIsDir) true for a directory.
func (e *NotRegularError) Is(target error) bool { return target == ErrIsDir && e.Kind == "a directory" }

// CheckRegular returns a *NotRegularError unless m is a regular file's mode.
func CheckRegular(m fs.FileMode) error {
	switch t := m.Type(); {
	case t == 0:
		return nil
	case t&fs.ModeDir != 0:
		return &NotRegularError{Kind: "a directory"}
	case t&fs.ModeNamedPipe != 0:
		return &NotRegularError{Kind: "a named pipe (FIFO)"}
	case t&fs.ModeSocket != 0:
		return &NotRegularError{Kind: "a socket"}
	case t&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return &NotRegularError{Kind: "a device"}
	case t&fs.ModeSymlink != 0:
		return &NotRegularError{Kind: "a symbolic link"}
	}
	return &NotRegularError{Kind: "a special file (" + m.Type().String() + ")"}
}

// Open opens path for reading if it is a regular file (following symbolic
// links). It never blocks: the type is checked before opening, and the open
// itself is non-blocking, so a FIFO swapped in between is still refused.
func Open(path string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if err := CheckRegular(st.Mode()); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|oNonblock, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err = f.Stat()
	if err == nil {
		err = CheckRegular(st.Mode())
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// ReadFile reads the regular file path, refusing it when it holds more than
// limit bytes. Errors are *NotRegularError, *TooLargeError or the
// *fs.PathError of the open.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, st, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + 512)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return buf.Bytes(), nil
}

// ReadHead reads up to n bytes from the start of path if it is a regular
// file (nil otherwise): enough to sniff a shebang without blocking.
func ReadHead(path string, n int) []byte {
	f, _, err := Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	head := make([]byte, n)
	k, _ := io.ReadFull(f, head)
	return head[:k]
}

// Reason is err's message without the "open PATH: " prefix an *fs.PathError
// adds, for messages that name the path themselves.
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return "no such file"
		}
		return pe.Err.Error()
	}
	return err.Error()
}
