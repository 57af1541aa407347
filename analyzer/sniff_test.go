package analyzer

import (
	"fmt"
	"os"
	"reflect"
	"testing"
	"unicode/utf16"
)

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func utf16BE(s string) []byte {
	out := []byte{0xFE, 0xFF}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

func TestLooksLikeCompose(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want bool
	}{
		{"services", []byte("services:\n  web:\n    image: nginx\n"), true},
		{"only networks", []byte("networks:\n  back:\n    driver: overlay\n"), true},
		{"only version", []byte("version: '3.8'\n"), true},
		{"quoted key", []byte("\"services\": {}\n"), true},
		{"flow mapping", []byte("{services: {web: {image: nginx}}}"), true},
		{"second document", []byte("x-a: 1\n---\nservices: {}\n"), true},
		{"CRLF", []byte("services:\r\n  web:\r\n    image: nginx\r\n"), true},
		{"UTF-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, "services: {}\n"...), true},
		{"UTF-16LE", utf16LE("services:\r\n  web:\r\n    image: nginx\r\n"), true},
		{"UTF-16BE", utf16BE("version: '3'\n"), true},
		{"broken YAML with services", []byte("services:\n  web:\n    image: [nginx\n  db:\n"), true},
		{"typo in a service key", []byte("services:\n  web:\n    portz: [80]\n"), true},
		{"misplaced image at the top", []byte("version: '3'\nimage: nginx\n"), true},
		{"empty", []byte(""), false},
		{"comments only", []byte("# nothing here\n"), false},
		{"list", []byte("- hosts: all\n  tasks: []\n"), false},
		{"scalar", []byte("hello\n"), false},
		{"only x- keys", []byte("x-common: &c {restart: always}\n"), false},
		{"GitHub workflow with services in a job", []byte("name: ci\non: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    services:\n      redis: {image: redis}\n"), false},
		{"CloudFormation", []byte("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  VPC: {Type: AWS::EC2::VPC}\n"), false},
		{"Kubernetes with volumes", []byte("apiVersion: v1\nkind: Pod\nvolumes: []\n"), false},
		{"GitLab CI with services", []byte("image: docker:24\nservices:\n  - docker:24-dind\nstages: [build]\n"), false},
		{"Travis CI with services", []byte("language: go\nservices:\n  - docker\n"), false},
		{"broken GitHub workflow", []byte("on: push\njobs:\n  t: [\nservices:\n"), false},
		{"binary", []byte("\x00\x01services: {}\n"), false},
		{"odd UTF-16", append(utf16LE("services: {}\n"), 'x'), false},
	} {
		if got := LooksLikeCompose(tc.data); got != tc.want {
			t.Errorf("%s: LooksLikeCompose = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want string
		enc  string
	}{
		{[]byte("a: 1\n"), "a: 1\n", ""},
		{append([]byte{0xEF, 0xBB, 0xBF}, "a: é\n"...), "a: é\n", "UTF-8 with byte-order mark"},
		{utf16LE("a: é😀\n"), "a: é😀\n", "UTF-16LE"},
		{utf16BE("a: é😀\n"), "a: é😀\n", "UTF-16BE"},
	} {
		got, enc, err := DecodeText(tc.in)
		if err != nil || string(got) != tc.want || enc != tc.enc {
			t.Errorf("DecodeText(%q) = %q, %q, %v; want %q, %q", tc.in, got, enc, err, tc.want, tc.enc)
		}
	}
	if _, _, err := DecodeText([]byte{0xFF, 0xFE, 'a'}); err == nil {
		t.Error("odd-length UTF-16: no error")
	}
}

// TestSniffParseIsParseYAML checks that the document the sniff parses,
// which loadStack uses instead of parsing again, is the one ParseYAML
// parses, with the same verdict, on every fixture and corpus file and on
// files of several documents, empty ones and lists.
func TestSniffParseIsParseYAML(t *testing.T) {
	inputs := map[string][]byte{
		"empty":     {},
		"comment":   []byte("# nothing\n"),
		"list":      []byte("- services: {}\n"),
		"scalar":    []byte("services\n"),
		"two docs":  []byte("services: {a: {image: x}}\n---\nnetworks: {}\n"),
		"trailing":  []byte("services: {}\n...\n"),
		"bad 2nd":   []byte("services: {}\n---\n[\n"),
		"bom":       append([]byte{0xEF, 0xBB, 0xBF}, "services: {a: {image: x}}\n"...),
		"utf-16":    utf16LE("services:\n  a:\n    image: x\n"),
		"anchors":   []byte("x-a: &a {image: x}\nservices:\n  a: *a\n  b: {<<: *a}\n"),
		"bad":       []byte("services: [\n"),
		"dup keys":  []byte("services: {}\nservices: {}\n"),
		"directive": []byte("%YAML 1.1\n---\nservices: {}\n"),
	}
	for _, p := range seedFiles(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[p] = b
	}
	reused := 0
	for name, raw := range inputs {
		compose, doc := sniffCompose(raw)
		if compose != LooksLikeCompose(raw) {
			t.Errorf("%s: sniffCompose says %v, LooksLikeCompose %v", name, compose, !compose)
		}
		if doc == nil {
			continue
		}
		reused++
		src, _, err := DecodeText(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, wantErr := ParseYAML(name, src)
		got, gotErr := parsedYAML(name, doc)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s: error %v, ParseYAML's %v", name, gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the sniff's document differs from ParseYAML's", name)
		}
	}
	if reused < 10 {
		t.Fatalf("only %d inputs had a document to reuse", reused)
	}
}
