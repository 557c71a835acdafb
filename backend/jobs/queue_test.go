package jobs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/store"
)

// A job inserted by one process that stopped before working it must run in the next
// process that opens the same file.
func TestJobInsertedBeforeRestartRunsAfter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "t.db")
	uploads := filepath.Join(dir, "uploads")
	if err := os.MkdirAll(uploads, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(uploads, data.TempUploadPrefix+"abc")
	fresh := filepath.Join(uploads, "ds_kept.zip")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}

	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Open(ctx, dbPath, Config{UploadsDir: uploads})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Client.Insert(ctx, SweepUploadsArgs{OlderThan: time.Hour}, nil); err != nil {
		t.Fatal(err)
	}
	// The first process goes away without ever starting its workers.
	if err := q.pool.Close(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(stale); err != nil {
		t.Fatal("the job ran before the restart")
	}

	q2, err := Open(ctx, dbPath, Config{UploadsDir: uploads})
	if err != nil {
		t.Fatal(err)
	}
	if err := q2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		q2.Stop(stopCtx)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(stale); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("job inserted before the restart never ran")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("a finished upload was swept: %v", err)
	}
}
