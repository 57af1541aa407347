package analyzer

import (
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
