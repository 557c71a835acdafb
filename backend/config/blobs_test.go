package config

import (
	"context"
	"flag"
	"path/filepath"
	"strings"
	"testing"
)

func TestBlobURLChoosesWhereSharedFilesGo(t *testing.T) {
	ctx := context.Background()
	c := Defaults()
	c.DataDir = t.TempDir()
	m, err := c.Blobs(ctx)
	if err != nil || m.Shared() {
		t.Fatalf("no --blob-url: %v shared=%v, want the data directory only", err, m.Shared())
	}

	shared := filepath.Join(t.TempDir(), "blobs")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.Register(fs)
	if err := fs.Parse([]string{"--blob-url", "file://" + shared}); err != nil {
		t.Fatal(err)
	}
	if m, err = c.Blobs(ctx); err != nil || !m.Shared() || m.Root != c.DataDir {
		t.Fatalf("--blob-url file://%s: %v %+v", shared, err, m)
	}

	t.Setenv("TRANSFERLAB_BLOB_URL", "ftp://somewhere/x")
	c = Defaults()
	c.Register(flag.NewFlagSet("worker", flag.ContinueOnError))
	if _, err := c.Blobs(ctx); err == nil || !strings.Contains(err.Error(), "--blob-url") {
		t.Fatalf("a bad TRANSFERLAB_BLOB_URL: %v, want an error naming --blob-url", err)
	}
}
