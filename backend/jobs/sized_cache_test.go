package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"transferlab/backend/data"
	"transferlab/backend/nn"
)

// TestUploadIsCachedAgainAtTheModelsSize checks that a model needing larger images
// than an upload's cache gets them decoded again from the kept upload, once, with the
// same split.
func TestUploadIsCachedAgainAtTheModelsSize(t *testing.T) {
	root := t.TempDir()
	zip, err := os.ReadFile(filepath.Join("..", "..", "examples", "icons.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "uploads"), 0o755); err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(root, "uploads", "ds_1.zip")
	if err := os.WriteFile(kept, zip, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "datasets", "ds_1")
	if _, err := data.Import(context.Background(), kept, dir, data.Options{}); err != nil {
		t.Fatal(err)
	}
	small, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	c, h, w := small.Shape()
	in := nn.Input{Channels: 3, Height: 96, Width: 96}
	for range 2 { // the second call reuses the cache the first built
		big, err := openAtSize(context.Background(), filepath.Join(root, "uploads"), dir, "ds_1", [3]int{c, h, w}, in, data.Limits{})
		if err != nil || big == nil {
			t.Fatalf("%v %v", big, err)
		}
		if bc, bh, bw := big.Shape(); bc != 3 || bh != 96 || bw != 96 {
			t.Errorf("cached again at %dx%dx%d, want 3x96x96", bc, bh, bw)
		}
		for _, s := range []string{"train", "val", "test"} {
			a, _ := small.Split(s)
			b, _ := big.Split(s)
			if a.Len() != b.Len() {
				t.Errorf("split %s: %d images at %d px, %d at 96", s, a.Len(), h, b.Len())
			}
		}
		big.Close()
	}
	if same, err := openAtSize(context.Background(), filepath.Join(root, "uploads"), dir, "ds_1", [3]int{c, h, w}, nn.Input{Channels: 3, Height: h, Width: w}, data.Limits{}); same != nil || err != nil {
		t.Errorf("a cache of the model's size was rebuilt: %v %v", same, err)
	}
}

// TestCopyAtTheModelsSizeKeepsTheServersLimits checks that the copy of an upload at a
// model's input size is refused, with nothing left behind, when it would be over the
// server's cache limit, as the upload itself would be.
func TestCopyAtTheModelsSizeKeepsTheServersLimits(t *testing.T) {
	root := t.TempDir()
	zip, err := os.ReadFile(filepath.Join("..", "..", "examples", "icons.zip"))
	if err != nil {
		t.Fatal(err)
	}
	uploads := filepath.Join(root, "uploads")
	if err := os.MkdirAll(uploads, 0o755); err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(uploads, "ds_1.zip")
	if err := os.WriteFile(kept, zip, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "datasets", "ds_1")
	m, err := data.Import(context.Background(), kept, dir, data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	small, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, h, w := small.Shape()
	small.Close()
	in := nn.Input{Channels: 3, Height: 96, Width: 96}
	need := int64(m.NumImages) * 3 * 96 * 96
	limits := data.Limits{MaxCacheBytes: need - 1}
	big, err := openAtSize(context.Background(), uploads, dir, "ds_1", [3]int{c, h, w}, in, limits)
	var ie *data.ImportError
	if big != nil || !errors.As(err, &ie) || ie.Code != data.CodeCacheTooLarge || !strings.Contains(err.Error(), "--max-cache-bytes") {
		t.Fatalf("a copy over the cache limit: %v %v", big, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "at-") || strings.HasPrefix(e.Name(), ".at-") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	// At the limit it is made.
	limits.MaxCacheBytes = need
	if big, err = openAtSize(context.Background(), uploads, dir, "ds_1", [3]int{c, h, w}, in, limits); err != nil || big == nil {
		t.Fatalf("a copy within the limit: %v %v", big, err)
	}
	big.Close()
}
