package analyzer

import "testing"

// TestHostPosition checks which words of a setting count as host names.
func TestHostPosition(t *testing.T) {
	for _, c := range []struct {
		text, word string
		want       bool
	}{
		{"db:3306", "db", true},
		{"http://api:8080/v1", "api", true},
		{"postgres://app@db/app", "db", true},
		{"redis://cache:6379", "redis", false},
		{"/var/lib/postgres/data", "postgres", false},
		{"--redis-url x", "redis-url", false},
		{"db=primary", "db", false},
		{"${db}", "db", false},
		{"zoo1:2888:3888 zoo2:2888:3888", "zoo2", true},
	} {
		a := indexWord(c.text, c.word)
		if a < 0 {
			t.Fatalf("%q not in %q", c.word, c.text)
		}
		if got := hostPosition(c.text, a, a+len(c.word)); got != c.want {
			t.Errorf("%q in %q: host position %v, want %v", c.word, c.text, got, c.want)
		}
	}
}

// indexWord is the offset of word in text as a whole token.
func indexWord(text, word string) int {
	for _, loc := range hostTokenRe().FindAllStringIndex(text, -1) {
		if text[loc[0]:loc[1]] == word {
			return loc[0]
		}
	}
	return -1
}
