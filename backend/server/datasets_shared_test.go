package server

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"transferlab/backend/blob"
	"transferlab/backend/datadir"
)

// With a shared store, an upload's dataset and original file are in the store when the
// upload answers, a process whose copy is gone reads them from there, and a delete
// removes them from the store too.
func TestUploadsAreSharedThroughTheStoreAndDeletedFromIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	shared, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, func(d *Deps) {
		d.DataDir = datadir.New(dir)
		d.Blobs = blob.NewMirror(dir, shared)
	})
	status, body := ts.uploadDataset(t, "/api/datasets", formField{name: "file", fileName: "shapes.zip", body: shapesZip(t)})
	if status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	ds := decodeDataset(t, body)
	stored, err := shared.List(ctx, "datasets/"+ds.ID+"/")
	if err != nil || len(stored) == 0 {
		t.Fatalf("the dataset's files are not in the store: %v %v", stored, err)
	}
	for _, info := range stored {
		sum, err := blob.FileSHA256(filepath.Join(dir, filepath.FromSlash(info.Key)))
		if err != nil || sum != info.SHA256 {
			t.Fatalf("%s: stored hash %s, local file's %s (%v)", info.Key, info.SHA256, sum, err)
		}
	}
	if up, _ := shared.List(ctx, datadir.UploadsPrefix(ds.ID)); len(up) != 1 || up[0].Key != "uploads/"+ds.ID+".zip" {
		t.Fatalf("the kept upload in the store: %+v", up)
	}

	// This process's copy is gone (as on a web process that did not import it).
	if err := os.RemoveAll(filepath.Join(dir, "datasets", ds.ID)); err != nil {
		t.Fatal(err)
	}
	if status, _, body := ts.do(t, "GET", "/api/datasets/"+ds.ID+"/preview?n=3", ""); status != 200 {
		t.Fatalf("preview from the store: %d %s", status, body)
	}

	if status, _, body := ts.do(t, "DELETE", "/api/datasets/"+ds.ID, ""); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	if left, _ := shared.List(ctx, ""); len(left) != 0 {
		t.Fatalf("a deleted dataset left %+v in the store", left)
	}
}
