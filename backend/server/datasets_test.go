package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"transferlab/backend/data"
	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// TestDatasetLifecycle walks one upload through every route: import, list, show,
// progress, preview, single images, rename, a refused and a real delete.
func TestDatasetLifecycle(t *testing.T) {
	ts, dir := datasetServer(t, 1<<20)
	if _, err := ts.db.SyncBuiltinDatasets(t.Context()); err != nil {
		t.Fatal(err)
	}
	status, body := ts.uploadDataset(t, "/api/datasets?upload_id=up-1",
		formField{name: "name", body: []byte("My shapes")},
		formField{name: "file", fileName: "shapes.zip", body: shapesZip(t)})
	if status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	ds := decodeDataset(t, body)
	sum := ds.Splits["train"] + ds.Splits["val"] + ds.Splits["test"]
	if ds.NumClasses != 4 || len(ds.Classes) != 4 || sum != 160 || ds.NumImages != 160 || ds.Name != "My shapes" ||
		ds.Status != "ready" || ds.Source != "upload" || ds.Format != "zip" || !uploadIDPattern.MatchString(ds.ID) {
		t.Fatalf("imported dataset: %+v", ds)
	}
	if ds.Classes[0].Splits["train"] == 0 || len(ds.Stats.Mean) != ds.Channels || ds.Report["layout"] == nil {
		t.Fatalf("classes, stats or report missing: %s", body)
	}
	row, err := ts.db.Dataset(t.Context(), ds.ID)
	if err != nil || row.Path != "datasets/"+ds.ID {
		t.Fatalf("row: %+v %v", row, err)
	}
	kept := datadir.New(dir).Upload(ds.ID, ".zip")
	for _, f := range []string{kept, filepath.Join(dir, row.Path, "meta.json")} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("missing after import: %v", err)
		}
	}

	t.Run("progress", func(t *testing.T) {
		status, _, body := ts.do(t, "GET", "/api/uploads/up-1/progress", "")
		var p UploadProgress
		json.Unmarshal([]byte(body), &p)
		if status != 200 || !p.Done || p.ImagesTotal == 0 || p.ImagesDecoded != p.ImagesTotal || p.BytesRead != int64(len(shapesZip(t))) || p.TotalBytes < p.BytesRead {
			t.Fatalf("progress: %d %s", status, body)
		}
		if status, _, body := ts.do(t, "GET", "/api/uploads/nope/progress", ""); status != 404 || errorCode(t, body) != "not_found" {
			t.Fatalf("unknown upload: %d %s", status, body)
		}
	})

	t.Run("list and show", func(t *testing.T) {
		_, _, body := ts.do(t, "GET", "/api/datasets", "")
		var list struct{ Datasets []datasetJSON }
		json.Unmarshal([]byte(body), &list)
		if len(list.Datasets) != 1+len(data.Builtins()) || list.Datasets[0].ID != ds.ID || list.Datasets[1].ID != "mnist" || list.Datasets[5].ID != "letters" || list.Datasets[6].ID != "icons" ||
			list.Datasets[1].Description == "" {
			t.Fatalf("list: %s", body)
		}
		status, _, body := ts.do(t, "GET", "/api/datasets/"+ds.ID, "")
		if got := decodeDataset(t, body); status != 200 || got.ID != ds.ID || got.NumImages != 160 || got.CreatedAt == "" {
			t.Fatalf("show: %d %s", status, body)
		}
	})

	t.Run("preview", func(t *testing.T) {
		status, h, body := ts.do(t, "GET", "/api/datasets/"+ds.ID+"/preview?n=3", "")
		if status != 200 || h.Get("Content-Type") != "image/png" || !strings.Contains(h.Get("Cache-Control"), "max-age") {
			t.Fatalf("preview: %d %v", status, h)
		}
		all := decodePNG(t, body).Bounds()
		_, _, body = ts.do(t, "GET", "/api/datasets/"+ds.ID+"/preview?n=3&class="+ds.Classes[1].Name, "")
		if one := decodePNG(t, body).Bounds(); one.Dx() != all.Dx() || 4*(one.Dy()-2) != all.Dy()-2 {
			t.Fatalf("one class %v, all classes %v", one, all)
		}
		status, _, body = ts.do(t, "GET", "/api/datasets/"+ds.ID+"/preview?class=hexagon", "")
		if status != 400 || errorCode(t, body) != "unknown_class" || !strings.Contains(body, ds.Classes[0].Name) {
			t.Fatalf("unknown class: %d %s", status, body)
		}
	})

	t.Run("single images", func(t *testing.T) {
		test := ds.Splits["test"]
		cases := []struct {
			path       string
			wantStatus int
			wantCode   string
		}{
			{"/images/0?split=test", 200, ""},
			{"/images/" + itoa(test-1) + "?split=test", 200, ""},
			{"/images/159", 200, ""},
			{"/images/" + itoa(test) + "?split=test", 404, "image_not_found"},
			{"/images/160", 404, "image_not_found"},
			{"/images/-1", 404, "image_not_found"},
			{"/images/x", 400, "bad_index"},
			{"/images/0?split=holdout", 400, "bad_split"},
		}
		for _, tc := range cases {
			status, h, body := ts.do(t, "GET", "/api/datasets/"+ds.ID+tc.path, "")
			if status != tc.wantStatus {
				t.Fatalf("%s: %d %s", tc.path, status, body)
			}
			if tc.wantCode != "" {
				if errorCode(t, body) != tc.wantCode {
					t.Fatalf("%s: %s", tc.path, body)
				}
				continue
			}
			if b := decodePNG(t, body).Bounds(); h.Get("Content-Type") != "image/png" || b.Dx() != ds.Width || b.Dy() != ds.Height {
				t.Fatalf("%s: %v %v", tc.path, h, b)
			}
		}
	})

	t.Run("rename", func(t *testing.T) {
		status, _, body := ts.do(t, "PATCH", "/api/datasets/"+ds.ID, `{"name":"  Shapes v2 "}`)
		if status != 200 || decodeDataset(t, body).Name != "Shapes v2" {
			t.Fatalf("rename: %d %s", status, body)
		}
		for _, tc := range []struct{ path, body, code string }{
			{ds.ID, `{"name":"   "}`, "bad_name"},
			{ds.ID, `{}`, "bad_json"},
			{"mnist", `{"name":"digits"}`, "builtin_dataset"},
			{"ds_0000000000000000", `{"name":"x"}`, "not_found"},
		} {
			status, _, body := ts.do(t, "PATCH", "/api/datasets/"+tc.path, tc.body)
			if status < 400 || errorCode(t, body) != tc.code {
				t.Fatalf("%s %s: %d %s", tc.path, tc.body, status, body)
			}
		}
	})

	t.Run("delete", func(t *testing.T) {
		now := time.Now().UTC()
		e := store.Experiment{ID: "exp_live", Name: "shapes transfer", DatasetID: ds.ID, CreatedAt: now, UpdatedAt: now,
			Runs: []store.Run{{ID: "run_live", Strategy: "finetune", Status: experiment.Running, CreatedAt: now, UpdatedAt: now}}}
		if err := ts.db.CreateExperiment(t.Context(), &e, nil); err != nil {
			t.Fatal(err)
		}
		status, _, body := ts.do(t, "DELETE", "/api/datasets/"+ds.ID, "")
		if status != 409 || errorCode(t, body) != "dataset_in_use" || !strings.Contains(body, "run_live") || !strings.Contains(body, "shapes transfer") {
			t.Fatalf("delete in use: %d %s", status, body)
		}
		if status, _, body := ts.do(t, "DELETE", "/api/datasets/mnist", ""); status != 409 || errorCode(t, body) != "builtin_dataset" {
			t.Fatalf("delete builtin: %d %s", status, body)
		}
		ts.db.SetRunStatusUnlessFinished(t.Context(), "run_live", experiment.Succeeded, store.RunPatch{})
		if status, _, body := ts.do(t, "DELETE", "/api/datasets/"+ds.ID, ""); status != 204 {
			t.Fatalf("delete: %d %s", status, body)
		}
		assertNothingLeft(t, ts.db, dir)
		if status, _, body := ts.do(t, "GET", "/api/datasets/"+ds.ID, ""); status != 404 || errorCode(t, body) != "not_found" {
			t.Fatalf("after delete: %d %s", status, body)
		}
	})
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// TestBuiltinDatasetFilledOnFirstOpen builds the MNIST cache from the GoMNIST module
// (a few seconds) and checks the row takes its counts from the opened view.
func TestBuiltinDatasetFilledOnFirstOpen(t *testing.T) {
	ts, _ := datasetServer(t, 1<<20)
	if _, err := ts.db.SyncBuiltinDatasets(t.Context()); err != nil {
		t.Fatal(err)
	}
	if row, _ := ts.db.Dataset(t.Context(), "mnist-5-9-50"); row.NumImages != 0 {
		t.Fatalf("sync filled counts at start: %+v", row)
	}
	status, _, body := ts.do(t, "GET", "/api/datasets/mnist-5-9-50", "")
	ds := decodeDataset(t, body)
	if status != 200 || ds.NumClasses != 5 || ds.Splits["train"] != 250 || ds.Classes[0].Name != "5" || ds.Classes[0].Splits["train"] != 50 ||
		ds.Channels != 1 || ds.Height != 28 || ds.Width != 28 || ds.Source != "builtin" || ds.Description == "" {
		t.Fatalf("builtin: %d %s", status, body)
	}
	if row, _ := ts.db.Dataset(t.Context(), "mnist-5-9-50"); row.NumImages != ds.NumImages || row.NumClasses != 5 {
		t.Fatalf("row not filled: %+v", row)
	}
	status, h, body := ts.do(t, "GET", "/api/datasets/mnist-5-9-50/images/0?split=test", "")
	if status != 200 || h.Get("Content-Type") != "image/png" || decodePNG(t, body).Bounds().Dx() != 28 {
		t.Fatalf("builtin image: %d %s", status, body)
	}
}
