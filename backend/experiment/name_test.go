package experiment

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckName(t *testing.T) {
	ok := []struct{ in, want string }{
		{"digits 5-9", "digits 5-9"},
		{"  padded  ", "padded"},
		{"Ziffern · äöü — 数字", "Ziffern · äöü — 数字"},
		{strings.Repeat("é", MaxNameLen), strings.Repeat("é", MaxNameLen)},
	}
	for _, tc := range ok {
		if got, err := CheckName(tc.in); err != nil || got != tc.want {
			t.Errorf("CheckName(%q) = %q, %v", tc.in, got, err)
		}
	}
	bad := []struct{ in, says string }{
		{"", "empty"},
		{"   ", "empty"},
		{strings.Repeat("a", MaxNameLen+1), "201 characters"},
		{"two\nlines", "U+000A"},
		{"tab\there", "U+0009"},
		{"evil\u202Etxt.exe", "U+202E"},
		{"zero\u200Bwidth", "U+200B"},
		{"bad \xff byte", "UTF-8"},
	}
	for _, tc := range bad {
		if _, err := CheckName(tc.in); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("CheckName(%q) = %v, want an error saying %q", tc.in, err, tc.says)
		}
	}
}

func TestCleanNamePassesCheckName(t *testing.T) {
	for _, in := range []string{
		"cats\n\tdogs", strings.Repeat("x", 5000), "\u202E\u202E", "a\xffb", "  lots   of   space  ",
		strings.Repeat("ab ", 60), "",
	} {
		got := CleanName(in, "upload")
		if _, err := CheckName(got); err != nil {
			t.Errorf("CleanName(%q) = %q, which fails: %v", in, got, err)
		}
		if utf8.RuneCountInString(got) > MaxNameLen {
			t.Errorf("CleanName kept %d characters", utf8.RuneCountInString(got))
		}
	}
	if got := CleanName("cats\n\tdogs", "x"); got != "cats dogs" {
		t.Errorf("got %q", got)
	}
	if got := CleanName("\u202E", "upload"); got != "upload" {
		t.Errorf("got %q", got)
	}
}
