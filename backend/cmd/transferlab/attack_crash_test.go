package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// kill -9 in the middle of a large import left its .part folder (497 MB in the report)
// and the upload's incoming- file, which no restart removed. The restart now finds no
// other process on the data directory and sweeps both, whatever their age.
func TestAttackKillDuringImport(t *testing.T) {
	dir := t.TempDir()
	tg := startTarget(t, dir)
	// Small images cached large: cheap to send, seconds of decoding and writing.
	zip := classZip(t, 4, 200, 8, 8)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("height", "384")
	mw.WriteField("width", "384")
	w, _ := mw.CreateFormFile("file", "large.zip")
	w.Write(zip)
	mw.Close()
	go func() {
		// Cut off by the kill: its answer is not what the test reads.
		if resp, err := http.Post(tg.base+"/api/datasets", mw.FormDataContentType(), &buf); err == nil {
			resp.Body.Close()
		}
	}()
	glob := func(pattern string) []string {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		return m
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(glob("uploads/incoming-*")) == 0 || len(glob("datasets/.*.part-*/*")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the import never got under way: %v\n%s", tg.leftovers(t), tg.log)
		}
		time.Sleep(5 * time.Millisecond)
	}
	tg.kill()
	left := tg.leftovers(t)
	if len(glob("uploads/incoming-*")) == 0 || len(glob("datasets/.*.part-*")) == 0 {
		t.Fatalf("the kill came after the import finished, so the test shows nothing: %v", left)
	}
	t.Logf("left by kill -9: %v", left)

	tg = startTarget(t, dir)
	if left := tg.leftovers(t); len(left) != 0 {
		t.Fatalf("the restart left a killed import's files: %v", left)
	}
	if n := tg.datasetCount(t); n != 0 {
		t.Fatalf("%d datasets after a killed import", n)
	}
	// The data directory still works: the same upload goes through.
	if status, body := tg.upload(t, "again.zip", classZip(t, 2, 6, 8, 8), nil); status != 201 {
		t.Fatalf("upload after the restart: %d %s", status, short(body))
	}
}
