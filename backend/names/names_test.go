package names

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckSaysWhatIsWrongWithWhich(t *testing.T) {
	if got, err := Check("the tag", "  ok tag ", 10); err != nil || got != "ok tag" {
		t.Fatalf("Check = %q, %v", got, err)
	}
	for _, tc := range []struct{ in, says string }{
		{"   ", "the tag is empty"},
		{strings.Repeat("é", 11), "the tag is 11 characters long; keep it to 10"},
		{"bell\a", "the tag has the character U+0007"},
		{"nul\x00", "U+0000"},
		{"a\u202Eb", "U+202E"},
		{"\xff", "not valid UTF-8"},
	} {
		_, err := Check("the tag", tc.in, 10)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Check(%q) = %v, want %q", tc.in, err, tc.says)
		}
	}
	if _, err := Check("x", " ", 5); !errors.Is(err, ErrEmpty) {
		t.Errorf("an empty name is not ErrEmpty: %v", err)
	}
}

func TestQuoteKeepsMessagesShortAndVisible(t *testing.T) {
	long := strings.Repeat("x", 60_000)
	q := Quote(long, 40)
	if len(q) > 80 || !strings.Contains(q, "…") || !strings.Contains(q, "(60000 characters)") {
		t.Fatalf("Quote of 60,000 characters = %q", q)
	}
	if q := Quote("evil\u202Egnp.exe", 40); q != `"evil\u202egnp.exe"` {
		t.Fatalf("the right-to-left mark is not shown as an escape: %s", q)
	}
	if q := Quote("cats", 40); q != `"cats"` {
		t.Fatalf("a short name changed: %s", q)
	}
	if s := Short(strings.Repeat("é", 500), 300); utf8.RuneCountInString(s) != 301 || !strings.HasSuffix(s, "…") {
		t.Fatalf("Short kept %d characters", utf8.RuneCountInString(s))
	}
	if s := Short("a\xffb", 10); !utf8.ValidString(s) {
		t.Fatalf("Short left invalid UTF-8: %q", s)
	}
}
