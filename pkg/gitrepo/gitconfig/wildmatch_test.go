package gitconfig

import "testing"

func TestWildmatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, text string
		icase, want   bool
	}{
		{"/home/u/work/**", "/home/u/work/repo/.git", false, true},
		{"/home/u/work/**", "/home/u/workshop/repo/.git", false, false},
		{"**/repo/.git", "/home/u/repo/.git", false, true},
		{"**/repo/.git", "/home/u/other/.git", false, false},
		{"/home/*/work/**", "/home/u/work/a/.git", false, true},
		{"/home/*/work/**", "/home/u/v/work/a/.git", false, false},
		{"/home/**/work/**", "/home/u/v/work/a/.git", false, true},
		{"/home/**/work/**", "/home/work/a/.git", false, true},
		{"/home/u/re?o/.git", "/home/u/repo/.git", false, true},
		{"/home/u/re?o/.git", "/home/u/re/o/.git", false, false},
		{"/home/u/[a-q]epo/.git", "/home/u/repo/.git", false, false},
		{"/home/u/[!a-q]epo/.git", "/home/u/repo/.git", false, true},
		{"/HOME/U/**", "/home/u/x/.git", true, true},
		{"/HOME/U/**", "/home/u/x/.git", false, false},
		{"ma*", "main", false, true},
		{"ma*", "master/x", false, false},
		{"feature/**", "feature/a/b", false, true},
		{`a\*b`, "a*b", false, true},
		{`a\*b`, "axb", false, false},
		{"", "", false, true},
	} {
		if got := wildmatch(tc.pattern, tc.text, tc.icase); got != tc.want {
			t.Errorf("wildmatch(%q, %q, %v) = %v", tc.pattern, tc.text, tc.icase, got)
		}
	}
}
