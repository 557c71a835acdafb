package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"transferlab/backend/data"
	"transferlab/backend/datadir"
	"transferlab/backend/jobs"
	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/models"
)

func postFile(t *testing.T, url, field, name string, body []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(body)
	mw.Close()
	resp, err := http.Post(url, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

func TestPredictClassifiesRealDigitsWithTheShippedModel(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) {
		if _, err := d.DB.SyncZoo(t.Context(), models.Zoo, store.ZooPrefix); err != nil {
			t.Fatal(err)
		}
		d.Predictor = jobs.NewRunner(d.DB, live.NewHub(1, 1), models.Zoo, datadir.New(t.TempDir()), nil, 1)
	})

	shared := filepath.Join(os.TempDir(), "transferlab-test-builtin")
	ds, err := data.OpenBuiltin(shared, "mnist-0-4")
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	test, _ := ds.Split("test")
	right := 0
	const n = 20
	for i := 0; i < n; i++ {
		var img bytes.Buffer
		if err := test.WriteImagePNG(&img, i); err != nil {
			t.Fatal(err)
		}
		status, body := postFile(t, ts.URL+"/api/models/cnn-mnist04/predict", "file", "digit.png", img.Bytes())
		if status != 200 {
			t.Fatalf("predict: %d %s", status, body)
		}
		res := sameShape[PredictView](t, "POST /api/models/:id/predict", body)
		if len(res.Top) != 5 {
			t.Fatalf("predict: %s", body)
		}
		sum := 0.0
		for _, p := range res.Top {
			sum += p.Prob
		}
		if sum < 0.999 || sum > 1.001 || res.Top[0].Prob < res.Top[1].Prob {
			t.Fatalf("probabilities %v", res.Top)
		}
		if res.Top[0].Class == ds.Classes()[test.Label(i)] {
			right++
		}
	}
	if right < n-1 { // the model scores 99.4% on these digits
		t.Fatalf("%d of %d test digits right", right, n)
	}

	status, body := postFile(t, ts.URL+"/api/models/cnn-mnist04/predict", "file", "notes.txt", []byte("not an image"))
	if status != 400 || errorCode(t, body) != "unsupported_format" {
		t.Fatalf("text file: %d %s", status, body)
	}
	resp, err := http.Get(ts.URL + "/api/models/cnn-mnist04/weights")
	if err != nil {
		t.Fatal(err)
	}
	var weights bytes.Buffer
	weights.ReadFrom(resp.Body)
	resp.Body.Close()
	shipped, _ := models.Zoo.ReadFile("cnn-mnist04.safetensors")
	if resp.StatusCode != 200 || !bytes.Equal(weights.Bytes(), shipped) ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="cnn-mnist04.safetensors"` {
		t.Fatalf("weights download: %d, %d bytes, %q", resp.StatusCode, weights.Len(), resp.Header.Get("Content-Disposition"))
	}
	status, body = postFile(t, ts.URL+"/api/models/nope/predict", "file", "x.png", []byte("x"))
	if status != 404 {
		t.Fatalf("unknown model: %d %s", status, body)
	}
}
