package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"transferlab/backend/datadir"
	"transferlab/backend/store"
)

// datasetServer is the test server with a data directory of its own.
func datasetServer(t *testing.T, maxUpload int64) (*testServer, string) {
	t.Helper()
	dir := t.TempDir()
	ts := newTestServer(t, func(d *Deps) {
		d.DataDir = datadir.New(dir)
		d.MaxUploadBytes = maxUpload
	})
	return ts, dir
}

func shapesZip(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "shapes.zip"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zipOf builds a zip archive of the named files.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func datasetPNG(t *testing.T, seed int) []byte {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*13 + seed*41)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// formField is one multipart form field; a file when fileName is set.
type formField struct {
	name, fileName string
	body           []byte
}

// multipartBody encodes fields in order, as a browser's FormData does.
func multipartBody(t *testing.T, fields ...formField) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		var w io.Writer
		var err error
		if f.fileName != "" {
			w, err = mw.CreateFormFile(f.name, f.fileName)
		} else {
			w, err = mw.CreateFormField(f.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.body)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// postBody sends body to path with the content type and returns the status and body.
func (ts *testServer) postBody(t *testing.T, path, contentType string, body io.Reader) (int, string) {
	t.Helper()
	resp, err := http.Post(ts.URL+path, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (ts *testServer) uploadDataset(t *testing.T, path string, fields ...formField) (int, string) {
	t.Helper()
	body, ct := multipartBody(t, fields...)
	return ts.postBody(t, path, ct, body)
}

type datasetJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Source     string `json:"source"`
	Format     string `json:"format"`
	NumClasses int    `json:"num_classes"`
	NumImages  int    `json:"num_images"`
	Classes    []struct {
		Name   string         `json:"name"`
		Count  int            `json:"count"`
		Splits map[string]int `json:"splits"`
	} `json:"classes"`
	Splits      map[string]int `json:"splits"`
	Channels    int            `json:"channels"`
	Height      int            `json:"height"`
	Width       int            `json:"width"`
	Stats       struct{ Mean, Std []float64 }
	Report      map[string]any `json:"report"`
	Description string         `json:"description"`
	CreatedAt   string         `json:"created_at"`
}

func decodeDataset(t *testing.T, body string) datasetJSON {
	t.Helper()
	var d datasetJSON
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("not a dataset: %v: %s", err, body)
	}
	return d
}

// assertNothingLeft fails if an upload left a row, a file in uploads/ or anything in
// datasets/.
func assertNothingLeft(t *testing.T, db *store.DB, dir string) {
	t.Helper()
	rows, err := db.Datasets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Source == store.SourceUpload {
			n++
		}
	}
	if n != 0 {
		t.Errorf("%d dataset rows left behind", n)
	}
	for _, sub := range []string{datadir.New(dir).Uploads(), datadir.New(dir).Datasets()} {
		entries, _ := os.ReadDir(sub)
		for _, e := range entries {
			t.Errorf("%s/%s left behind", sub, e.Name())
		}
	}
}

func decodePNG(t *testing.T, body string) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}
