package analyzer

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"go.yaml.in/yaml/v4"

	"github.com/swarmlint/swarmlint/internal/lazyre"
)

// composeTopKeys are the top-level keys of a stack file that
// `docker stack deploy` reads (docker/cli's compose schema, version 3.x).
var composeTopKeys = map[string]bool{
	"version": true, "services": true, "networks": true, "volumes": true, "configs": true, "secrets": true,
}

// foreignTopKeys are top-level keys that no Compose file has and that mark
// another well-known YAML format: a GitHub Actions workflow (jobs, on), an
// AWS CloudFormation template (AWSTemplateFormatVersion, Resources), a
// Kubernetes manifest (apiVersion, kind), GitLab CI (stages, before_script),
// Travis CI (language), Drone or Woodpecker CI (steps, pipeline), Bitbucket
// Pipelines (pipelines), OpenAPI (openapi, swagger). Keys that a Compose
// author could put at the top by mistake (image, ports, ...) are not in the
// list: such a file is a broken Compose file, not another format.
var foreignTopKeys = map[string]bool{
	"jobs": true, "on": true,
	"AWSTemplateFormatVersion": true, "Resources": true,
	"apiVersion": true, "kind": true,
	"stages": true, "before_script": true, "after_script": true,
	"language": true,
	"steps":    true, "pipeline": true, "pipelines": true,
	"openapi": true, "swagger": true,
}

// topKeyLineRe matches a key at the start of a line (column 1), possibly
// quoted: how a top-level key looks in block YAML.
var topKeyLineRe = lazyre.New(`^(?:"([^"]+)"|'([^']+)'|([A-Za-z_][A-Za-z0-9_.-]*))[ \t]*:(?:[ \t]|$)`)

// LooksLikeCompose reports whether data (a file's bytes) is meant as a
// Compose or stack file: a YAML mapping with at least one of the top-level
// keys services, networks, volumes, configs, secrets or version, and none of
// the keys that mark another format (a GitHub workflow's jobs, a
// CloudFormation template's AWSTemplateFormatVersion, a Kubernetes
// manifest's apiVersion and kind, ...). Text with a UTF-8 or UTF-16
// byte-order mark is decoded first, as Docker's YAML parser does. A file
// that is not valid YAML is judged by the keys that start its lines, so a
// Compose file with a syntax error still counts as one (and is reported);
// an empty file, a list, a scalar or binary data does not.
func LooksLikeCompose(data []byte) bool {
	compose, _ := sniffCompose(data)
	return compose
}

// sniffCompose is LooksLikeCompose, and also returns the parsed document
// when the text is one YAML document that parses: the node yaml.Unmarshal
// gives for it (the same parser with the same options), which ParseYAML
// then need not parse again (parsedYAML); nil otherwise.
func sniffCompose(data []byte) (compose bool, doc *yaml.Node) {
	text, _, err := DecodeText(data)
	if err != nil || bytes.IndexByte(text, 0) >= 0 {
		return false, nil
	}
	keys, docs, ok := yamlTopKeys(text)
	if !ok {
		keys = lineTopKeys(text)
	}
	for _, k := range keys {
		if foreignTopKeys[k] {
			return false, nil
		}
		compose = compose || composeTopKeys[k]
	}
	if compose && len(docs) == 1 {
		doc = docs[0]
	}
	return compose, doc
}

// yamlTopKeys lists the top-level keys of every document of a YAML stream
// (compose-go reads every document of a file), and returns the documents;
// ok is false when the text does not parse.
func yamlTopKeys(text []byte) (keys []string, docs []*yaml.Node, ok bool) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		doc := new(yaml.Node)
		if err := dec.Decode(doc); err != nil {
			if errors.Is(err, io.EOF) {
				return keys, docs, true
			}
			return nil, nil, false
		}
		docs = append(docs, doc)
		root := deref(doc)
		if root == nil || root.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Kind == yaml.ScalarNode {
				keys = append(keys, k.Value)
			}
		}
	}
}

// lineTopKeys lists the keys that start a line of text, for text that is
// not valid YAML.
func lineTopKeys(text []byte) []string {
	var keys []string
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), len(text)+1)
	for sc.Scan() {
		if m := topKeyLineRe().FindSubmatch(sc.Bytes()); m != nil {
			keys = append(keys, string(bytes.Join(m[1:], nil)))
		}
	}
	return keys
}
