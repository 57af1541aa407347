package analyzer

import (
	"bytes"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Byte-order marks the YAML parser docker/cli uses recognises at the start
// of a stream (YAML 1.2 §5.2, "Character Encodings"): UTF-8, UTF-16LE and
// UTF-16BE. Without a mark the stream is UTF-8.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// DecodeText returns the UTF-8 text of a YAML stream the way Docker's YAML
// parser reads it: a UTF-8 byte-order mark is dropped, and a stream that
// starts with a UTF-16 byte-order mark (as Windows tools write it) is
// decoded from UTF-16. enc names the encoding found ("" for plain UTF-8).
// The error reports a UTF-16 stream with an odd number of bytes.
func DecodeText(b []byte) (text []byte, enc string, err error) {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		return b[len(bomUTF8):], "UTF-8 with byte-order mark", nil
	case bytes.HasPrefix(b, bomUTF16LE):
		t, err := decodeUTF16(b[2:], false)
		return t, "UTF-16LE", err
	case bytes.HasPrefix(b, bomUTF16BE):
		t, err := decodeUTF16(b[2:], true)
		return t, "UTF-16BE", err
	}
	return b, "", nil
}

func decodeUTF16(b []byte, bigEndian bool) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errors.New("the file starts with a UTF-16 byte-order mark but has an odd number of bytes")
	}
	units := make([]uint16, len(b)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			units[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	runes := utf16.Decode(units)
	out := make([]byte, 0, len(runes))
	for _, r := range runes {
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}
