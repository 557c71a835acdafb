package data

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLettersDeterministicPerSeed(t *testing.T) {
	root := t.TempDir()
	build := func(name string, seed int64) []byte {
		if _, err := BuildLetters(filepath.Join(root, name), 12, seed); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(root, name, CacheFile))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := build("a", 3), build("b", 3), build("c", 4)
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different letters")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same letters")
	}
	ds, err := Open(filepath.Join(root, "a"))
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	infos, _ := ds.ClassInfos()
	if len(infos) != 10 || infos[9].Name != "J" || infos[9].Count != 12 {
		t.Fatalf("classes: %+v", infos)
	}
	// Ink is present: a blank render would mean the glyph missed the canvas.
	tr, _ := ds.Split("train")
	px := tr.Image(0)
	bright := 0
	for _, v := range px {
		if v > 128 {
			bright++
		}
	}
	if bright < 20 {
		t.Fatalf("letter has %d bright pixels", bright)
	}
}

func TestMNISTViews(t *testing.T) {
	if _, _, err := MNISTFiles(); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	count := func(id string) (tr, val, te int) {
		ds, err := OpenBuiltin(root, id)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range []*int{&tr, &val, &te} {
			s, _ := ds.Split(SplitNames[i])
			*p = s.Len()
		}
		return
	}
	checks := []struct {
		id          string
		tr, val, te int
	}{
		{"mnist", 60000, 10000, 10000},
		{"mnist-0-4", 30596, 5139, 5139},
		{"mnist-5-9", 29404, 4861, 4861},
		{"mnist-5-9-50", 250, 4861, 4861},
	}
	for _, c := range checks {
		tr, val, te := count(c.id)
		if tr != c.tr || val != c.val || te != c.te {
			t.Errorf("%s: %d/%d/%d, want %d/%d/%d", c.id, tr, val, te, c.tr, c.val, c.te)
		}
	}
	ds, _ := OpenBuiltin(root, "mnist-5-9")
	s, _ := ds.Split("train")
	if s.NumClasses() != 5 {
		t.Fatalf("5-9 has %d classes", s.NumClasses())
	}
	x := make([]float32, 2*784)
	y := make([]int, 2)
	s.Fill([]int{0, 1}, x, y)
	for _, l := range y {
		if l < 0 || l > 4 {
			t.Fatalf("label %d not relabelled", l)
		}
	}
}

// TestMNISTFoundThroughTheGoModule covers a build without the embedded copy (a plain
// `go test` of a fresh clone): the files come from the GoMNIST module go.mod pins.
func TestMNISTFoundThroughTheGoModule(t *testing.T) {
	dir, err := mnistModuleDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := hasMNIST(os.DirFS(dir)); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := mnistModuleDir(); err == nil || !strings.Contains(err.Error(), "no Go toolchain") {
		t.Fatalf("without go on PATH: %v", err)
	}
}
