package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The generated shapes must be the Go types' of today: a server change that the web
// app has not taken in fails here, not in a user's browser.
func TestGeneratedTypesAreCurrent(t *testing.T) {
	for path, want := range Files() {
		have, err := os.ReadFile(filepath.Join("..", "..", "..", path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, want) {
			t.Errorf("%s is stale: run `go run ./backend/cmd/tsgen` and commit it", path)
		}
	}
}
