package analyzer

import (
	"context"
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
				a, err := Load(context.Background(), Options{Stacks: []StackInput{{Name: "s", Files: files}}, Env: map[string]string{}})
				if err != nil || len(a.Model.LoadErrors) != 1 {
					t.Fatalf("run %d: want one load error, got %v %+v", i, err, a)
				}
				le := a.Model.LoadErrors[0]
				r, ok := a.Locate(le.Ref, nil)
				if !ok {
					t.Fatalf("run %d: load error without a location: %+v", i, le)
				}
				if got := filepath.Base(r.File) + ":" + strconv.Itoa(r.StartLine) + ":" + strconv.Itoa(r.StartCol); got != c.want {
					t.Fatalf("run %d: error at %s, want %s: %s", i, got, c.want, le.Message)
				}
			}
		})
	}
}
