package data

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// file is one archive entry of a fixture.
type file struct {
	name string
	body []byte
	mode fs.FileMode // 0: regular
}

func writeZip(t testing.TB, path string, files []file) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		if f.mode != 0 {
			h.SetMode(f.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeTarGz(t testing.TB, path string, files []file) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}
		if f.mode&fs.ModeSymlink != 0 {
			h.Typeflag, h.Size, h.Linkname = tar.TypeSymlink, 0, "/etc/passwd"
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(f.body)
		}
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// greyPNG is a w×h grey PNG whose pixels depend on seed, so images differ.
func greyPNG(t testing.TB, w, h, seed int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*7 + seed*31)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func colourJPEG(t testing.TB, w, h, seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y*4 + seed), uint8(seed * 40), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// classFiles makes n grey PNGs in each class folder under prefix.
func classFiles(t testing.TB, prefix string, classes []string, n int) []file {
	var out []file
	for c, class := range classes {
		for i := 0; i < n; i++ {
			out = append(out, file{name: prefix + class + "/" + string(rune('a'+i%26)) + itoa(i) + ".png", body: greyPNG(t, 28, 28, c*1000+i)})
		}
	}
	return out
}

func itoa(i int) string {
	return string([]byte{byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)})
}

// importOK imports src into a fresh folder and fails the test on error.
func importOK(t testing.TB, src string, o Options) (*Meta, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ds")
	m, err := Import(context.Background(), src, dir, o)
	if err != nil {
		t.Fatalf("import %s: %v", filepath.Base(src), err)
	}
	return m, dir
}

// importFails expects code and checks nothing was left in the output's parent folder.
func importFails(t *testing.T, src string, code ImportCode, o Options) *ImportError {
	t.Helper()
	parent := t.TempDir()
	_, err := Import(context.Background(), src, filepath.Join(parent, "ds"), o)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want ImportError %s, got %v", code, err)
	}
	if ie.Code != code {
		t.Fatalf("want code %s, got %s: %s", code, ie.Code, ie.Message)
	}
	left, _ := os.ReadDir(parent)
	if len(left) != 0 {
		t.Fatalf("failed import left %d entries behind (%s)", len(left), left[0].Name())
	}
	return ie
}
