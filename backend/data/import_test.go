package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var abc = []string{"ant", "bee", "cat"}

func TestZipRoundTripIgnoresJunk(t *testing.T) {
	files := classFiles(t, "export/data/", abc, 10)
	files = append(files,
		file{name: "__MACOSX/export/data/ant/._a000.png", body: []byte("fork")},
		file{name: "export/.DS_Store", body: []byte("x")},
		file{name: "export/data/bee/Thumbs.db", body: []byte("x")},
		file{name: "README.txt", body: []byte("top-level file outside any class folder")},
	)
	src := writeZip(t, filepath.Join(t.TempDir(), "upload.bin"), files)
	m, dir := importOK(t, src, Options{Name: "abc.zip"})
	if m.NumImages != 30 || len(m.Classes) != 3 || m.Classes[2].Name != "cat" || m.Channels != 1 || m.Height != 28 {
		t.Fatalf("meta: %+v", m)
	}
	if m.Report.Ignored != 4 || m.Report.SkippedCount != 0 || m.Report.FilesSeen != 30 {
		t.Fatalf("report: %+v", m.Report)
	}
	if m.Splits.Train+m.Splits.Val+m.Splits.Test != 30 || m.Splits.Val == 0 || m.Splits.Test == 0 {
		t.Fatalf("splits: %+v", m.Splits)
	}
	if _, err := os.Stat(filepath.Join(dir, m.Upload)); err != nil {
		t.Fatalf("original upload not kept: %v", err)
	}
	// The cache holds exactly the decoded pixels, labels in sorted class order.
	ds, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	tr, _ := ds.Split("train")
	c, h, w := tr.Shape()
	x := make([]float32, c*h*w)
	y := make([]int, 1)
	tr.Fill([]int{0}, x, y)
	found := false
	for _, f := range files {
		if !strings.Contains(f.name, "/"+abc[y[0]]+"/") {
			continue
		}
		img, err := png.Decode(bytes.NewReader(f.body))
		if err != nil {
			continue
		}
		same := true
		for i, v := range img.(*image.Gray).Pix {
			same = same && x[i] == float32(v)/255
		}
		found = found || same
	}
	if !found {
		t.Fatal("the first training image matches no source image of its class")
	}
}

func TestTarGzLayoutRGB(t *testing.T) {
	var files []file
	for _, split := range []string{"train", "val", "test"} {
		for c, class := range []string{"red", "blue"} {
			for i := 0; i < 4; i++ {
				files = append(files, file{name: fmt.Sprintf("ds/%s/%s/%d.jpg", split, class, i), body: colourJPEG(t, 40, 30, c*10+i)})
			}
		}
	}
	src := writeTarGz(t, filepath.Join(t.TempDir(), "up"), files)
	m, _ := importOK(t, src, Options{})
	if m.Format != FormatTarGz || m.Channels != 3 || m.Height != 32 || m.Width != 32 {
		t.Fatalf("meta: %+v", m)
	}
	if m.Splits != (SplitCounts{8, 8, 8}) || m.Report.Layout != "train/val/test folders" {
		t.Fatalf("layout not honoured: %+v %s", m.Splits, m.Report.Layout)
	}
}

func idxFileBytes(typ byte, dims []int, data []byte, gz bool) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	return z.Bytes()
}

func idxPairFiles(n, nLabels int, labelType byte) []file {
	pix := make([]byte, n*28*28)
	for i := range pix {
		pix[i] = byte(i * 13)
	}
	labels := make([]byte, nLabels)
	for i := range labels {
		labels[i] = byte(3 + i%4)
	}
	return []file{
		{name: "mnist/train-images-idx3-ubyte.gz", body: idxFileBytes(0x08, []int{n, 28, 28}, pix, true)},
		{name: "mnist/train-labels-idx1-ubyte", body: idxFileBytes(labelType, []int{nLabels}, labels, false)},
	}
}

func TestIDXRoundTrip(t *testing.T) {
	src := writeZip(t, filepath.Join(t.TempDir(), "idx.zip"), idxPairFiles(40, 40, 0x08))
	m, dir := importOK(t, src, Options{})
	if m.Format != FormatIDX || m.NumImages != 40 || len(m.Classes) != 4 || m.Classes[0].Name != "3" || m.Classes[0].Count != 10 {
		t.Fatalf("meta: %+v", m)
	}
	ds, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if ds.Len() != 40 {
		t.Fatalf("len %d", ds.Len())
	}
}

func TestCSVRoundTrip(t *testing.T) {
	var b strings.Builder
	b.WriteString("label")
	for i := 0; i < 16; i++ {
		fmt.Fprintf(&b, ",pixel%d", i)
	}
	b.WriteString("\n")
	for r := 0; r < 20; r++ {
		fmt.Fprintf(&b, "%d", 7+r%2)
		for i := 0; i < 16; i++ {
			fmt.Fprintf(&b, ",%d", (r*16+i)%256)
		}
		b.WriteString("\n")
	}
	src := filepath.Join(t.TempDir(), "train.csv")
	os.WriteFile(src, []byte(b.String()), 0o644)
	m, dir := importOK(t, src, Options{Height: 4, Width: 4})
	if m.Format != FormatCSV || m.NumImages != 20 || len(m.Classes) != 2 || m.Classes[1].Name != "8" {
		t.Fatalf("meta: %+v", m)
	}
	ds, _ := Open(dir)
	defer ds.Close()
	px := ds.cache.Image(0)
	if px[3] != 3 {
		t.Fatalf("first row pixel 3 = %d", px[3])
	}
}

// pngHeader is a PNG that declares w×h pixels and carries no image data.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestRefusals(t *testing.T) {
	good := classFiles(t, "", []string{"a", "b"}, 3)
	csvHead := "label,p0,p1,p2,p3\n"
	cases := []struct {
		name string
		code ImportCode
		make func(dir string) string
	}{
		{"zip slip", CodeZipSlip, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), append(good, file{name: "a/../../evil.png", body: good[0].body}))
		}},
		{"absolute path", CodeZipSlip, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), append(good, file{name: "/etc/a/evil.png", body: good[0].body}))
		}},
		{"zip symlink", CodeZipSlip, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), append(good, file{name: "a/link.png", body: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}))
		}},
		{"tar symlink", CodeZipSlip, func(d string) string {
			return writeTarGz(t, filepath.Join(d, "x"), append(good, file{name: "a/link.png", mode: fs.ModeSymlink}))
		}},
		{"zip bomb", CodeZipBomb, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), append(good, file{name: "a/bomb.bmp", body: make([]byte, 20<<20)}))
		}},
		{"gzip bomb", CodeZipBomb, func(d string) string {
			return writeTarGz(t, filepath.Join(d, "x"), append(good, file{name: "a/bomb.bmp", body: make([]byte, 20<<20)}))
		}},
		{"truncated images", CodeTooManyFailures, func(d string) string {
			var fs []file
			for _, f := range good {
				fs = append(fs, file{name: f.name, body: f.body[:len(f.body)/2]})
			}
			return writeZip(t, filepath.Join(d, "x"), fs)
		}},
		{"huge image header", CodeImageTooLarge, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), append(good, file{name: "b/huge.png", body: pngHeader(100000, 100000)}))
		}},
		{"single class", CodeTooFewClasses, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), classFiles(t, "", []string{"only"}, 5))
		}},
		{"class with one image", CodeTooFewImages, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), append(good, file{name: "c/one.png", body: greyPNG(t, 28, 28, 99)}))
		}},
		{"csv text label", CodeBadLabel, func(d string) string {
			p := filepath.Join(d, "x.csv")
			os.WriteFile(p, []byte(csvHead+"1,0,0,0,0\ncat,1,2,3,4\n"), 0o644)
			return p
		}},
		{"csv without header", CodeBadLabel, func(d string) string {
			p := filepath.Join(d, "x.csv")
			os.WriteFile(p, []byte("1,0,0,0,0\n2,1,2,3,4\n"), 0o644)
			return p
		}},
		{"idx count mismatch", CodeIDXMismatch, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), idxPairFiles(10, 9, 0x08))
		}},
		{"idx float labels", CodeBadLabel, func(d string) string {
			return writeZip(t, filepath.Join(d, "x"), idxPairFiles(10, 10, 0x0D))
		}},
		{"lone idx", CodeUnsupportedFormat, func(d string) string {
			p := filepath.Join(d, "x")
			os.WriteFile(p, idxPairFiles(10, 10, 0x08)[0].body, 0o644)
			return p
		}},
		{"not a dataset", CodeUnsupportedFormat, func(d string) string {
			p := filepath.Join(d, "x")
			os.WriteFile(p, good[0].body, 0o644)
			return p
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := c.make(t.TempDir())
			ie := importFails(t, src, c.code, Options{Name: "upload"})
			if ie.Message == "" {
				t.Fatal("empty message")
			}
		})
	}
	t.Run("too many entries", func(t *testing.T) {
		src := writeZip(t, filepath.Join(t.TempDir(), "x"), good)
		importFails(t, src, CodeTooManyEntries, Options{Limits: Limits{MaxEntries: 3}})
	})
	t.Run("upload too large", func(t *testing.T) {
		src := writeZip(t, filepath.Join(t.TempDir(), "x"), good)
		importFails(t, src, CodeUploadTooLarge, Options{Limits: Limits{MaxUploadBytes: 100}})
	})
}

func TestSkippedAndDuplicatesReported(t *testing.T) {
	files := classFiles(t, "", abc, 4)
	files = append(files,
		file{name: "ant/broken.png", body: files[0].body[:40]},
		file{name: "ant/notes.txt", body: []byte("hello")},
		file{name: "cat/copy-of-ant.png", body: files[1].body},
	)
	src := writeZip(t, filepath.Join(t.TempDir(), "x.zip"), files)
	m, _ := importOK(t, src, Options{})
	if m.Report.SkippedCount != 2 || m.NumImages != 13 {
		t.Fatalf("report: %+v", m.Report)
	}
	if m.Report.DuplicateCount != 1 || !m.Report.Duplicates[0].AcrossClasses || m.Report.Duplicates[0].SameAsClass != "ant" {
		t.Fatalf("duplicates: %+v", m.Report.Duplicates)
	}
}

func TestSplitStratifiedAndStable(t *testing.T) {
	src := writeZip(t, filepath.Join(t.TempDir(), "x.zip"), classFiles(t, "", abc, 40))
	m1, d1 := importOK(t, src, Options{})
	_, d2 := importOK(t, src, Options{})
	for _, c := range m1.Classes {
		if c.Splits != (SplitCounts{28, 6, 6}) {
			t.Fatalf("class %s split %+v, want 28/6/6", c.Name, c.Splits)
		}
	}
	a, _ := os.ReadFile(filepath.Join(d1, CacheFile))
	b, _ := os.ReadFile(filepath.Join(d2, CacheFile))
	if !bytes.Equal(a, b) {
		t.Fatal("two imports of the same file differ")
	}
	_, d3 := importOK(t, src, Options{Seed: 99})
	c, _ := os.ReadFile(filepath.Join(d3, CacheFile))
	if bytes.Equal(a, c) {
		t.Fatal("another seed gave the same split")
	}
}

func TestPreviews(t *testing.T) {
	src := writeZip(t, filepath.Join(t.TempDir(), "x.zip"), classFiles(t, "", abc, 5))
	_, dir := importOK(t, src, Options{})
	ds, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	var b bytes.Buffer
	if _, err := ds.WritePreview(&b, "", 4); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil || img.Bounds().Dx() != 4*(56+2)+2 || img.Bounds().Dy() != 3*(56+2)+2 {
		t.Fatalf("preview %v %v", img.Bounds(), err)
	}
	b.Reset()
	if err := ds.WriteImagePNG(&b, 14); err != nil {
		t.Fatal(err)
	}
	if err := ds.WriteImagePNG(&b, 15); err == nil {
		t.Fatal("index past the end accepted")
	}
	if _, err := ds.WritePreview(&b, "dog", 4); err == nil {
		t.Fatal("unknown class accepted")
	}
}

func TestExampleShapesZip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteShapesZip(&b, 40, 1); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 2<<20 {
		t.Fatalf("example is %d bytes", b.Len())
	}
	src := filepath.Join(t.TempDir(), "shapes.zip")
	os.WriteFile(src, b.Bytes(), 0o644)
	m, _ := importOK(t, src, Options{})
	if len(m.Classes) != 4 || m.NumImages != 160 || m.Channels != 3 || m.Report.Ignored != 3 {
		t.Fatalf("meta: %+v report %+v", m, m.Report)
	}
}
