package data

import (
	"errors"
	"slices"
	"testing"
)

func TestFashionViews(t *testing.T) {
	if _, _, err := FashionFiles(); err != nil {
		t.Fatal(err) // `make deps` installs it
	}
	root := t.TempDir()
	checks := []struct {
		id          string
		tr, val, te int
		first       string
	}{
		{"fashion", 60000, 10000, 10000, "T-shirt"},
		{"fashion-0-4", 30000, 5000, 5000, "T-shirt"},
		{"fashion-5-9", 30000, 5000, 5000, "Sandal"},
		{"fashion-5-9-50", 250, 5000, 5000, "Sandal"},
		{"fashion-50", 500, 10000, 10000, "T-shirt"},
	}
	for _, c := range checks {
		if !slices.ContainsFunc(Builtins(), func(b Builtin) bool { return b.ID == c.id }) {
			t.Errorf("%s is installed but not offered", c.id)
		}
		ds, err := OpenBuiltin(root, c.id)
		if err != nil {
			t.Fatal(err)
		}
		var n [3]int
		for i := range n {
			s, _ := ds.Split(SplitNames[i])
			n[i] = s.Len()
		}
		infos, _ := ds.ClassInfos()
		if n != [3]int{c.tr, c.val, c.te} || infos[0].Name != c.first {
			t.Errorf("%s: %v splits, first class %q; want %d/%d/%d and %q", c.id, n, infos[0].Name, c.tr, c.val, c.te, c.first)
		}
		// Per-class views keep the classes balanced.
		if c.id == "fashion-50" {
			for _, ci := range infos {
				if ci.Count < 50 {
					t.Errorf("fashion-50: class %s has %d images", ci.Name, ci.Count)
				}
			}
		}
	}
	// Real clothes, not blank images: a trouser has ink in the middle columns.
	ds, _ := OpenBuiltin(root, "fashion")
	tr, _ := ds.Split("train")
	x := make([]float32, 784)
	y := make([]int, 1)
	ink := 0
	for i := 0; i < 50; i++ {
		tr.Fill([]int{i}, x, y)
		for _, v := range x {
			if v > 0.5 {
				ink++
			}
		}
	}
	if ink < 50*50 {
		t.Fatalf("50 images hold %d bright pixels", ink)
	}
}

func TestFashionMissingIsSaid(t *testing.T) {
	t.Setenv("TRANSFERLAB_FASHION_DIR", t.TempDir())
	if HasFashion() || slices.ContainsFunc(Builtins(), func(b Builtin) bool { return b.ID == "fashion" }) {
		t.Fatal("an empty folder offers Fashion-MNIST")
	}
	if _, err := OpenBuiltin(t.TempDir(), "fashion-50"); err == nil {
		t.Fatal("opened Fashion-MNIST from an empty folder")
	}
	t.Setenv("TRANSFERLAB_FASHION_DIR", "")
	if _, _, err := FashionFiles(); err != nil && !errors.Is(err, ErrNoFashion) {
		t.Fatal(err)
	}
}
