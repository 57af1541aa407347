// Package live reads the state of a running swarm over the Docker Engine API
// (`swarmlint --live`) and hands it to the analyzer as the inventory part of
// the model. It only ever sends GET and HEAD requests.
//
// The client is the Docker project's own, github.com/moby/moby/client: it
// negotiates the API version with the engine and still speaks API 1.40, so
// both Engine 20.10 (API 1.41) and current engines work. The older
// github.com/docker/docker/client is not needed.
package live

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultHost is the engine the docker CLI talks to when nothing else is set
// (on Linux and macOS).
const DefaultHost = "unix:///var/run/docker.sock"

// Endpoint is the engine to read and how it was chosen.
type Endpoint struct {
	// Host is the engine address: unix://, tcp://, ssh:// or npipe://.
	Host string
	// From says where Host came from, for messages: "--docker-host",
	// "DOCKER_HOST", `docker context "prod"`, "the default socket", ...
	From string
	// TLS is set when the connection uses TLS (tcp:// only).
	TLS *TLS
}

// TLS are the TLS settings of an endpoint, as the docker CLI finds them.
type TLS struct {
	CA, Cert, Key string // files; "" when absent
	// SkipVerify turns off the server certificate check (DOCKER_TLS without
	// DOCKER_TLS_VERIFY, or a context's SkipTLSVerify).
	SkipVerify bool
}

// Choice is what picks the endpoint, besides the environment.
type Choice struct {
	// Host is an explicit engine address (--docker-host, or the
	// configuration's cluster.docker_host); "" to do what the docker CLI does.
	Host string
	// HostFrom names where Host was given.
	HostFrom string
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
}

// Resolve picks the engine the way the docker CLI does: an explicit host,
// then DOCKER_HOST, then the context named by DOCKER_CONTEXT or the
// currentContext of config.json (in DOCKER_CONFIG or ~/.docker), then the
// default socket. TLS comes from DOCKER_TLS_VERIFY, DOCKER_TLS and
// DOCKER_CERT_PATH, or from the context's stored TLS files.
func Resolve(c Choice) (Endpoint, error) {
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if c.Host != "" {
		return withEnvTLS(Endpoint{Host: c.Host, From: c.HostFrom}, getenv), nil
	}
	if h := getenv("DOCKER_HOST"); h != "" {
		return withEnvTLS(Endpoint{Host: h, From: "DOCKER_HOST"}, getenv), nil
	}
	dir := configDir(getenv)
	name, from := getenv("DOCKER_CONTEXT"), "DOCKER_CONTEXT"
	if name == "" {
		var cf struct {
			CurrentContext string `json:"currentContext"`
		}
		file := filepath.Join(dir, "config.json")
		if b, err := os.ReadFile(file); err == nil {
			if err := json.Unmarshal(b, &cf); err != nil {
				return Endpoint{}, fmt.Errorf("reading the docker CLI configuration %s: %w", file, err)
			}
		}
		name, from = cf.CurrentContext, "the current context in "+file
	}
	if name != "" && name != "default" {
		return contextEndpoint(dir, name, from)
	}
	return withEnvTLS(Endpoint{Host: DefaultHost, From: "the default socket"}, getenv), nil
}

// configDir is the docker CLI's configuration directory.
func configDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".docker")
}

// withEnvTLS applies DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH to
// a tcp:// endpoint, as the docker CLI's default context does.
func withEnvTLS(ep Endpoint, getenv func(string) string) Endpoint {
	verify := getenv("DOCKER_TLS_VERIFY") != ""
	if !strings.HasPrefix(ep.Host, "tcp://") || !verify && getenv("DOCKER_TLS") == "" {
		return ep
	}
	dir := getenv("DOCKER_CERT_PATH")
	if dir == "" {
		dir = configDir(getenv)
	}
	t := &TLS{SkipVerify: !verify}
	for _, f := range []struct {
		dst  *string
		name string
	}{{&t.CA, "ca.pem"}, {&t.Cert, "cert.pem"}, {&t.Key, "key.pem"}} {
		if p := filepath.Join(dir, f.name); fileExists(p) {
			*f.dst = p
		}
	}
	if !verify {
		t.CA = ""
	}
	ep.TLS = t
	return ep
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// contextEndpoint reads a docker context from the CLI's context store:
// contexts/meta/<sha256 of the name>/meta.json holds the endpoint, and
// contexts/tls/<same>/docker/ its TLS files.
func contextEndpoint(dir, name, from string) (Endpoint, error) {
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	file := filepath.Join(dir, "contexts", "meta", id, "meta.json")
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return Endpoint{}, fmt.Errorf("docker context %q (from %s) does not exist (no %s)", name, from, file)
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("reading docker context %q: %w", name, err)
	}
	var meta struct {
		Endpoints map[string]struct {
			Host          string `json:"Host"`
			SkipTLSVerify bool   `json:"SkipTLSVerify"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return Endpoint{}, fmt.Errorf("reading docker context %q from %s: %w", name, file, err)
	}
	d, ok := meta.Endpoints["docker"]
	if !ok || d.Host == "" {
		return Endpoint{}, fmt.Errorf("docker context %q (%s) has no docker endpoint", name, file)
	}
	ep := Endpoint{Host: d.Host, From: fmt.Sprintf("docker context %q (%s)", name, from)}
	tlsDir := filepath.Join(dir, "contexts", "tls", id, "docker")
	t := &TLS{SkipVerify: d.SkipTLSVerify}
	for _, f := range []struct {
		dst  *string
		name string
	}{{&t.CA, "ca.pem"}, {&t.Cert, "cert.pem"}, {&t.Key, "key.pem"}} {
		if p := filepath.Join(tlsDir, f.name); fileExists(p) {
			*f.dst = p
		}
	}
	if t.CA != "" || t.Cert != "" || t.SkipVerify {
		ep.TLS = t
	}
	return ep, nil
}
