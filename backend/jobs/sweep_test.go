package jobs

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSweepRemovesIdleLeftoversOnly(t *testing.T) {
	root := t.TempDir()
	uploads, datasets, builtin := filepath.Join(root, "uploads"), filepath.Join(root, "datasets"), filepath.Join(root, "builtin")
	write := func(path string, age time.Duration) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	old, recent := 2*SweepIdle, time.Minute
	write(filepath.Join(uploads, TempUploadPrefix+"dead"), old)
	write(filepath.Join(uploads, TempUploadPrefix+"live"), recent)
	write(filepath.Join(uploads, "ds_kept.zip"), old)
	write(filepath.Join(datasets, ".ds_a.part-1", "cache.bin"), old)
	// An import still appending to its cache: the folder is old, the file is not.
	write(filepath.Join(datasets, ".ds_b.part-2", "cache.bin"), recent)
	at := time.Now().Add(-old)
	for _, dir := range []string{".ds_a.part-1", ".ds_b.part-2"} {
		if err := os.Chtimes(filepath.Join(datasets, dir), at, at); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(datasets, "ds_c", "cache.bin"), old)
	// A built-in dataset's cache that a killed process was building, next to a built one.
	write(filepath.Join(builtin, ".mnist.part-3", "cache.bin"), old)
	if err := os.Chtimes(filepath.Join(builtin, ".mnist.part-3"), at, at); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(builtin, "mnist", "cache.bin"), old)
	// Copies of ds_c at a model's size: one a killed build left, one of an earlier
	// version's build folder, one being built now, and one finished.
	for name, age := range map[string]time.Duration{".at-3x96x96.part-4": old, "at-3x64x64.building": old, ".at-3x32x32.part-5": recent, "at-3x160x160": old} {
		write(filepath.Join(datasets, "ds_c", name, "cache.bin"), age)
		if err := os.Chtimes(filepath.Join(datasets, "ds_c", name), at, at); err != nil {
			t.Fatal(err)
		}
	}
	parts := []string{datasets, builtin}

	n, err := SweepLeftovers(uploads, parts, SweepIdle, time.Now())
	if err != nil || n != 5 {
		t.Fatalf("periodic sweep removed %d (%v), want 5", n, err)
	}
	for path, want := range map[string]bool{
		filepath.Join(uploads, TempUploadPrefix+"dead"):        false,
		filepath.Join(uploads, TempUploadPrefix+"live"):        true,
		filepath.Join(uploads, "ds_kept.zip"):                  true,
		filepath.Join(datasets, ".ds_a.part-1"):                false,
		filepath.Join(datasets, ".ds_b.part-2"):                true,
		filepath.Join(datasets, "ds_c"):                        true,
		filepath.Join(builtin, ".mnist.part-3"):                false,
		filepath.Join(builtin, "mnist"):                        true,
		filepath.Join(datasets, "ds_c", ".at-3x96x96.part-4"):  false,
		filepath.Join(datasets, "ds_c", "at-3x64x64.building"): false,
		filepath.Join(datasets, "ds_c", ".at-3x32x32.part-5"):  true,
		filepath.Join(datasets, "ds_c", "at-3x160x160"):        true,
	} {
		if _, err := os.Stat(path); (err == nil) != want {
			t.Errorf("%s: exists=%v, want %v", path, err == nil, want)
		}
	}
	// At start everything partial goes, whatever its age; finished data stays.
	if n, err := SweepLeftovers(uploads, parts, 0, time.Now()); err != nil || n != 3 {
		t.Fatalf("start sweep removed %d (%v), want 3", n, err)
	}
	for _, kept := range []string{filepath.Join(datasets, "ds_c", "cache.bin"), filepath.Join(datasets, "ds_c", "at-3x160x160", "cache.bin")} {
		if _, err := os.Stat(kept); err != nil {
			t.Fatalf("finished data was swept: %s", kept)
		}
	}
}
