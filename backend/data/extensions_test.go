package data

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The upload picker offers exactly the endings the importer takes: its list in
// frontend/src/lib/upload.ts must equal UploadExtensions.
func TestUploadPickerOffersEveryFormat(t *testing.T) {
	src, err := os.ReadFile("../../frontend/src/lib/upload.ts")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`UPLOAD_EXTENSIONS = \[([^\]]*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("upload.ts has no UPLOAD_EXTENSIONS list")
	}
	var got []string
	for _, q := range regexp.MustCompile(`'([^']*)'`).FindAllSubmatch(m[1], -1) {
		got = append(got, string(q[1]))
	}
	if !slices.Equal(got, UploadExtensions) {
		t.Fatalf("upload.ts offers %v; the importer takes %v", got, UploadExtensions)
	}
	// And each one names a format the importer recognises.
	for _, ext := range UploadExtensions {
		if claimedArchive("x"+ext) == "" && !strings.HasPrefix(ext, ".csv") {
			t.Errorf("%s is neither an archive nor a CSV ending", ext)
		}
	}
}
