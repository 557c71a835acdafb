package models

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWithDirFindsExtraModelsBeforeShippedOnes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "extra.safetensors"), []byte("extra"), 0o644)
	os.WriteFile(filepath.Join(dir, "cnn-mnist04.safetensors"), []byte("replaced"), 0o644)
	zoo := WithDir(dir)
	for name, want := range map[string]string{"extra.safetensors": "extra", "cnn-mnist04.safetensors": "replaced"} {
		if b, err := fs.ReadFile(zoo, name); err != nil || string(b) != want {
			t.Errorf("%s: %q %v, want %q", name, b, err, want)
		}
	}
	shipped, _ := fs.ReadFile(Zoo, "mlp-mnist04.safetensors")
	if b, err := fs.ReadFile(zoo, "mlp-mnist04.safetensors"); err != nil || len(b) != len(shipped) || len(b) == 0 {
		t.Errorf("a shipped model through the extra folder: %d bytes, %v", len(b), err)
	}
	if _, err := fs.ReadFile(zoo, "missing.safetensors"); err == nil {
		t.Error("a model in neither zoo was found")
	}
}

// The zoo embeds cards and weights only: not this package's source, and not
// models/user/, where a server run from the checkout keeps the models it trains.
func TestZooEmbedsOnlyCardsAndWeights(t *testing.T) {
	entries, err := fs.ReadDir(Zoo, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".safetensors")) {
			t.Errorf("the zoo embeds %s", e.Name())
		}
	}
}
