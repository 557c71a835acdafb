package data

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportRefusesCachesOverTheLimitBeforeDecoding(t *testing.T) {
	// 3 classes x 4 tiny images asked at 512x512x3: 9 MiB of cache from a few KB.
	src := writeZip(t, filepath.Join(t.TempDir(), "tiny.zip"), classFiles(t, "", abc, 4))
	ie := importFails(t, src, CodeCacheTooLarge, Options{Channels: 3, Height: 512, Width: 512,
		Limits: Limits{MaxCacheBytes: 8 << 20}})
	if !strings.Contains(ie.Message, "12 images of 3x512x512") || !strings.Contains(ie.Message, "--max-cache-bytes") {
		t.Fatalf("message %q", ie.Message)
	}
	if ie.HTTPStatus() != 413 {
		t.Fatalf("status %d", ie.HTTPStatus())
	}
	// The same upload at its own size fits.
	importOK(t, src, Options{Limits: Limits{MaxCacheBytes: 8 << 20}})
}

func TestImportRefusesWhenTheDiskCannotHoldTheCache(t *testing.T) {
	free := freeBytes
	t.Cleanup(func() { freeBytes = free })
	freeBytes = func(string) (uint64, error) { return 20 << 20, nil }
	src := writeZip(t, filepath.Join(t.TempDir(), "tiny.zip"), classFiles(t, "", abc, 4))
	ie := importFails(t, src, CodeDiskFull, Options{})
	if !strings.Contains(ie.Message, "free some space") || ie.HTTPStatus() != 507 {
		t.Fatalf("%d %q", ie.HTTPStatus(), ie.Message)
	}
}

func TestImportCapsClassesInEveryFormat(t *testing.T) {
	classes := make([]string, 6)
	for i := range classes {
		classes[i] = fmt.Sprintf("c%d", i)
	}
	src := writeZip(t, filepath.Join(t.TempDir(), "many.zip"), classFiles(t, "", classes, 2))
	ie := importFails(t, src, CodeTooManyClasses, Options{Limits: Limits{MaxClasses: 5}})
	if !strings.Contains(ie.Message, "6 classes") || !strings.Contains(ie.Message, "at most 5") {
		t.Fatalf("message %q", ie.Message)
	}
	var csv strings.Builder
	csv.WriteString("label,p0,p1,p2,p3\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&csv, "%d,1,2,3,4\n", i%6)
	}
	path := filepath.Join(t.TempDir(), "many.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	importFails(t, path, CodeTooManyClasses, Options{Limits: Limits{MaxClasses: 5}})
	// A CSV says its image count only at the end; the cache limit holds as it streams.
	importFails(t, path, CodeCacheTooLarge, Options{Height: 64, Width: 64, Limits: Limits{MaxCacheBytes: 5 * 64 * 64}})
}

func TestPreviewCanvasIsBounded(t *testing.T) {
	classes := make([]string, 300)
	for i := range classes {
		classes[i] = fmt.Sprintf("k%03d", i)
	}
	src := writeZip(t, filepath.Join(t.TempDir(), "wide.zip"), classFiles(t, "", classes, 2))
	for _, tc := range []struct {
		name string
		o    Options
	}{{"many classes", Options{}}, {"large images", Options{Height: 512, Width: 512}}} {
		t.Run(tc.name, func(t *testing.T) {
			_, dir := importOK(t, src, tc.o)
			ds, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer ds.Close()
			var b bytes.Buffer
			rows, err := ds.WritePreview(&b, "", 32)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			px := img.Bounds().Dx() * img.Bounds().Dy()
			if px > maxPreviewPixels || rows < 1 || rows >= len(classes) {
				t.Fatalf("%d rows, %v = %d pixels, limit %d", rows, img.Bounds(), px, maxPreviewPixels)
			}
		})
	}
}
