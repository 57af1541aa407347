package analyzer

import "testing"

// TestDeployVariables: operators, docker's field names, and whether the
// value docker/cli casts to a number survives interpolation.
func TestDeployVariables(t *testing.T) {
	a := loadFiles(t, map[string]string{"REPLICAS": "3"}, [2]string{"stack.yml", `version: "3.8"
services:
  web:
    image: nginx:${TAG:+1.27}
    ports:
      - target: 80
        published: ${PORT}
    deploy:
      replicas: ${REPLICAS}
    environment:
      URL: http://api:${API_PORT-8080}
`})
	byName := map[string]Variable{}
	for _, v := range a.Model.Variables {
		byName[v.Name] = v
	}
	cases := []struct {
		name, op, field, cast string
		fails                 bool
	}{
		{"TAG", ":+", "services.web.image", "", false},
		{"PORT", "", "services.web.ports.[].published", "int", true},
		{"REPLICAS", "", "services.web.deploy.replicas", "int", false},
		{"API_PORT", "-", "services.web.environment.URL", "", false},
	}
	for _, c := range cases {
		v, ok := byName[c.name]
		if !ok || v.Operator != c.op || v.Field != c.field || v.Cast != c.cast || v.CastFails != c.fails {
			t.Errorf("%s = %+v, want op %q field %q cast %q fails %v", c.name, v, c.op, c.field, c.cast, c.fails)
		}
	}
}
