package data

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	benchZipOnce sync.Once
	benchZipPath string
)

// benchZip writes, once per process, a zip of 60,000 28×28 grey PNGs in 10 classes.
func benchZip(b *testing.B) string {
	benchZipOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tlbench")
		if err != nil {
			b.Fatal(err)
		}
		benchZipPath = filepath.Join(dir, "mnistlike.zip")
		f, _ := os.Create(benchZipPath)
		bw := bufio.NewWriter(f)
		zw := zip.NewWriter(bw)
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		var buf bytes.Buffer
		for i := 0; i < 60000; i++ {
			for p := range img.Pix {
				img.Pix[p] = uint8((p*i + i) % 251)
			}
			buf.Reset()
			png.Encode(&buf, img)
			// PNGs are stored, as zip tools do for already-compressed files.
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: "digits/" + strconv.Itoa(i%10) + "/" + strconv.Itoa(i) + ".png", Method: zip.Store})
			w.Write(buf.Bytes())
		}
		zw.Close()
		bw.Flush()
		f.Close()
	})
	return benchZipPath
}

// BenchmarkImportZip60k reports images/s and the peak resident memory of the process
// (VmHWM), which includes the test binary itself.
func BenchmarkImportZip60k(b *testing.B) {
	src := benchZip(b)
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "ds")
		m, err := Import(context.Background(), src, dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if m.NumImages != 60000 {
			b.Fatalf("%d images", m.NumImages)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(60000*b.N)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(vmHWM()/1024, "peakRSS_MB")
}

func vmHWM() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb
		}
	}
	return 0
}
