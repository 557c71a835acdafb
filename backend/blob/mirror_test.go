package blob_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"transferlab/backend/blob"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Two processes with their own data directories share one store: what one pushes the
// other pulls, and a damaged local copy is told by its hash and fetched again.
func TestMirrorsShareFilesAndRefetchADamagedCopy(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			web, worker := blob.NewMirror(t.TempDir(), s), blob.NewMirror(t.TempDir(), s)
			write(t, filepath.Join(web.Root, "datasets/ds_1/meta.json"), `{"classes":2}`)
			write(t, filepath.Join(web.Root, "datasets/ds_1/train.bin"), "pixels")
			write(t, filepath.Join(web.Root, "datasets/ds_10/meta.json"), "other")
			for _, rel := range []string{"datasets/ds_1", "datasets/ds_10"} {
				if err := web.Push(ctx, rel); err != nil {
					t.Fatal(err)
				}
			}
			if err := worker.Pull(ctx, "datasets/ds_1"); err != nil {
				t.Fatal(err)
			}
			if got := read(t, filepath.Join(worker.Root, "datasets/ds_1/train.bin")); got != "pixels" {
				t.Fatalf("pulled %q", got)
			}
			if _, err := os.Stat(filepath.Join(worker.Root, "datasets/ds_10")); !os.IsNotExist(err) {
				t.Fatal("pulling ds_1 fetched ds_10 too")
			}

			// A flipped byte on the worker's disk: the next pull notices and refetches.
			write(t, filepath.Join(worker.Root, "datasets/ds_1/train.bin"), "pixelz")
			if err := worker.Pull(ctx, "datasets/ds_1"); err != nil {
				t.Fatal(err)
			}
			if got := read(t, filepath.Join(worker.Root, "datasets/ds_1/train.bin")); got != "pixels" {
				t.Fatalf("a damaged copy was kept: %q", got)
			}

			// An upload whose extension the reader does not know, by prefix.
			write(t, filepath.Join(web.Root, "uploads/ds_1.zip"), "PK")
			if err := web.Push(ctx, "uploads/ds_1.zip"); err != nil {
				t.Fatal(err)
			}
			if err := worker.PullPrefix(ctx, "uploads/ds_1."); err != nil {
				t.Fatal(err)
			}
			if got := read(t, filepath.Join(worker.Root, "uploads/ds_1.zip")); got != "PK" {
				t.Fatalf("pulled upload %q", got)
			}

			if err := web.Remove(ctx, "datasets/ds_1"); err != nil {
				t.Fatal(err)
			}
			left, _ := s.List(ctx, "datasets/")
			if len(left) != 1 || left[0].Key != "datasets/ds_10/meta.json" {
				t.Fatalf("after removing ds_1: %+v", left)
			}
		})
	}
}

// An object damaged in the store itself is refused rather than cached.
func TestMirrorRefusesAnObjectDamagedInTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := blob.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "models/user/m.safetensors", strings.NewReader("weights")); err != nil {
		t.Fatal(err)
	}
	stored := filepath.Join(dir, "models/user/m.safetensors")
	b := []byte(read(t, stored))
	b[len(b)-1] ^= 1
	if err := os.WriteFile(stored, b, 0o644); err != nil {
		t.Fatal(err)
	}
	m := blob.NewMirror(t.TempDir(), s)
	err = m.Pull(ctx, "models/user/m.safetensors")
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("pull of a damaged object: %v", err)
	}
	if _, err := os.Stat(filepath.Join(m.Root, "models/user/m.safetensors")); !os.IsNotExist(err) {
		t.Fatal("a damaged object was cached")
	}
}

// Without a store the mirror does nothing: the single binary's folder is the only copy.
func TestMirrorWithoutAStoreDoesNothing(t *testing.T) {
	ctx := context.Background()
	for _, m := range []*blob.Mirror{nil, blob.NewMirror(t.TempDir(), nil)} {
		if m.Shared() || m.Push(ctx, "x") != nil || m.Pull(ctx, "x") != nil || m.Remove(ctx, "x") != nil {
			t.Fatal("a mirror without a store acted")
		}
	}
}
