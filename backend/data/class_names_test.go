package data

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Class folder names become the class list of the dataset and of every model trained
// on it: one of 60,000 characters, or one that hides text with a right-to-left mark,
// must be refused by name, in a message that stays short.
func TestClassFolderNamesFollowTheNameRule(t *testing.T) {
	huge := strings.Repeat("c", 60_000)
	cases := []struct {
		name, class, says string
	}{
		{"huge", huge, "is 60000 characters long; keep it to 200"},
		{"right-to-left mark", "evil\u202Egnp.exe", `"evil\u202egnp.exe" has the character U+202E`},
		{"control character", "bell\arings", "U+0007"},
		{"tar keeps a tab", "tab\there", "U+0009"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := append(classFiles(t, "", []string{"ok"}, 3), classFiles(t, "", []string{c.class}, 3)...)
			write, upload := writeZip, "names.zip"
			if c.name == "tar keeps a tab" {
				write, upload = writeTarGz, "names.tar.gz"
			}
			src := write(t, filepath.Join(t.TempDir(), "x"), files)
			ie := importFails(t, src, CodeBadClassName, Options{Name: upload})
			if !strings.Contains(ie.Message, c.says) || !strings.Contains(ie.Message, "class folder") || len(ie.Message) > 600 {
				t.Fatalf("message (%d bytes): %.300s", len(ie.Message), ie.Message)
			}
			if ie.HTTPStatus() != 422 {
				t.Fatalf("status %d", ie.HTTPStatus())
			}
		})
	}
	// At the limit, in any script, a class name is fine.
	long := strings.Repeat("é", 200)
	src := writeZip(t, filepath.Join(t.TempDir(), "x"), classFiles(t, "", []string{"a b-c.d", long}, 3))
	m, _ := importOK(t, src, Options{})
	if len(m.Classes) != 2 || m.Classes[1].Name != long {
		t.Fatalf("classes: %d", len(m.Classes))
	}
}

// Names the import only reports (skipped and ignored files) and entry names it quotes
// in a refusal are cut short, so a 60,000-character file name costs no page much.
func TestLongEntryNamesAreShortInReportsAndMessages(t *testing.T) {
	long := strings.Repeat("f", 60_000)
	files := append(classFiles(t, "", abc, 4),
		file{name: "ant/" + long + ".png", body: []byte("not an image")},
		file{name: long + ".txt", body: []byte("outside any class folder")},
	)
	m, _ := importOK(t, writeZip(t, filepath.Join(t.TempDir(), "x.zip"), files), Options{})
	if m.Report.SkippedCount != 1 || m.Report.Ignored != 1 {
		t.Fatalf("report: %d skipped, %d ignored", m.Report.SkippedCount, m.Report.Ignored)
	}
	for _, name := range []string{m.Report.Skipped[0].File, m.Report.IgnoredFiles[0]} {
		if n := utf8.RuneCountInString(name); n > reportNameLen+1 {
			t.Fatalf("the report keeps a name of %d characters", n)
		}
	}
	src := writeZip(t, filepath.Join(t.TempDir(), "x"), append(classFiles(t, "", abc, 3), file{name: "a/../../" + long, body: []byte("x")}))
	ie := importFails(t, src, CodeZipSlip, Options{Name: "x.zip"})
	if len(ie.Message) > 400 || !strings.Contains(ie.Message, "(60008 characters)") {
		t.Fatalf("message of %d bytes: %.200s", len(ie.Message), ie.Message)
	}
}
