package main

import (
	"os"
	"path/filepath"
	"testing"

	"transferlab/backend/datadir"
)

// shareBuiltin points each data directory's built-in dataset caches at one folder that
// every test of the run shares, so MNIST's cache is built once rather than once per
// server. A directory already linked (a server started again on it) is left as it is.
func shareBuiltin(t testing.TB, dirs ...string) {
	t.Helper()
	shared := filepath.Join(os.TempDir(), "transferlab-test-builtin")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		link := datadir.New(dir).Builtin()
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink(shared, link); err != nil {
			t.Fatal(err)
		}
	}
}
