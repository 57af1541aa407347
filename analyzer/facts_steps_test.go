package analyzer

import "testing"

// TestFactStepsOrder: every fact step runs after the steps it needs.
func TestFactStepsOrder(t *testing.T) {
	done := map[string]bool{}
	for _, s := range factSteps {
		for _, n := range s.needs {
			if !done[n] {
				t.Errorf("fact step %s needs %s, which does not run before it", s.name, n)
			}
		}
		if done[s.name] {
			t.Errorf("fact step %s listed twice", s.name)
		}
		done[s.name] = true
	}
}
