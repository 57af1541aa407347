package analyzer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// A stack with several wrong entries fails on the first of them, on every
// run: compose-go alone names whichever its map order reaches first.
func TestLoadErrorIsStable(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string // file:line:col of the error
	}{
		{
			name: "decode errors in several services",
			files: map[string]string{"stack.yml": `x-base: &base
  image: x
services:
  a:
    <<: *base
  e:
    <<: *base
    healthcheck: {interval: "yy"}
  f:
    <<: *base
    healthcheck: {interval: "zz"}
  g:
    <<: *base
    healthcheck: {timeout: "ww"}
`},
			want: "stack.yml:8:19",
		},
		{
			name: "anchors defined in an earlier service",
			files: map[string]string{"stack.yml": `services:
  a: &svc
    image: x
  b:
    <<: *svc
    stop_grace_period: soon
  c:
    <<: *svc
    stop_grace_period: later
`},
			want: "stack.yml:6:5",
		},
		{
			name: "two files merged",
			files: map[string]string{"a.yml": `services:
  web: {image: x}
  api: {image: x}
`, "b.yml": `services:
  api:
    healthcheck: {interval: "q1"}
  web:
    healthcheck: {interval: "q2"}
`},
			// web comes first in a.yml, so its error is the one reported
			want: "b.yml:5:19",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			for _, n := range []string{"stack.yml", "a.yml", "b.yml"} {
				if src, ok := c.files[n]; ok {
					p := filepath.Join(dir, n)
					if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
						t.Fatal(err)
					}
					files = append(files, p)
				}
			}
			for i := 0; i < 15; i++ {
				_, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "s", Files: files}}, Env: map[string]string{}})
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("run %d: want an input error, got %v", i, err)
				}
				if got := filepath.Base(ie.File) + ":" + strconv.Itoa(ie.Line) + ":" + strconv.Itoa(ie.Col); got != c.want {
					t.Fatalf("run %d: error at %s, want %s: %v", i, got, c.want, err)
				}
			}
		})
	}
}
