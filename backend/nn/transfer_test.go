package nn

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTransferGreyCNNToRGB(t *testing.T) {
	base, _ := New("cnn", Input{1, 28, 28}, []string{"0", "1", "2", "3", "4"}, 1)
	m, rep, err := NewFromBase(base, Input{3, 32, 32}, []string{"a", "b"}, 9)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"conv1": Copied, "conv2": Copied, "fc1": Skipped, "head": Reinitialised}
	for _, l := range rep.Layers {
		if want[l.Layer] != l.Action {
			t.Errorf("%s: %s (%s), want %s", l.Layer, l.Action, l.Reason, want[l.Layer])
		}
	}
	bw, w := base.Param("conv1.weight").Data, m.Param("conv1.weight").Data
	// filter 2, channel 1, tap 4 holds base filter 2 tap 4 divided by 3
	if got := w[(2*3+1)*9+4]; got != bw[2*9+4]/3 {
		t.Fatalf("spread weight %v, want %v", got, bw[2*9+4]/3)
	}
	if m.Param("conv2.weight").Data[7] != base.Param("conv2.weight").Data[7] {
		t.Fatal("conv2 not copied")
	}
	same, _, _ := NewFromBase(base, Input{3, 32, 32}, []string{"a", "b"}, 9)
	if same.Param("head.weight").Data[3] != m.Param("head.weight").Data[3] {
		t.Fatal("head initialisation is not seeded")
	}
}

func TestLoadZoo(t *testing.T) {
	dir := t.TempDir()
	m, _ := New("mlp", Input{1, 28, 28}, []string{"0", "1"}, 1)
	if err := m.SaveFile(filepath.Join(dir, "mlp-x.safetensors")); err != nil {
		t.Fatal(err)
	}
	if err := WriteCard(filepath.Join(dir, "mlp-x.json"), Card{ID: "mlp-x", Architecture: "mlp", Input: m.Input, Classes: m.Classes}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.json"), []byte("{}"), 0o644)
	zoo, err := LoadZoo(dir)
	if err != nil || len(zoo) != 1 || zoo[0].Card.ID != "mlp-x" {
		t.Fatalf("zoo %+v, %v", zoo, err)
	}
	if _, err := zoo[0].Load(); err != nil {
		t.Fatal(err)
	}
	fsZoo, err := LoadZooFS(os.DirFS(dir))
	if err != nil || len(fsZoo) != 1 {
		t.Fatalf("LoadZooFS: %+v, %v", fsZoo, err)
	}
	if _, err := fsZoo[0].Load(); err != nil {
		t.Fatal(err)
	}
}

// TestShippedZoo loads every shipped model and checks its card.
func TestShippedZoo(t *testing.T) {
	zoo, err := LoadZoo("../../models")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range zoo {
		if _, err := e.Load(); err != nil {
			t.Error(err)
		}
		if fi, _ := os.Stat(e.WeightsPath); fi.Size() > 2<<20 {
			t.Errorf("%s is %d bytes, over 2 MB", e.WeightsPath, fi.Size())
		}
		if e.Card.Architecture == "cnn" && e.Card.Source == "mnist:0-4" && e.Card.TestAccuracy < 0.985 {
			t.Errorf("%s: test accuracy %.4f under 0.985", e.Card.ID, e.Card.TestAccuracy)
		}
	}
}
