package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"transferlab/backend/experiment"
	"transferlab/backend/store"
)

// seedImageNet adds the ImageNet backbone (its weights from the embedded zoo) and a
// colour dataset row.
func seedImageNet(t *testing.T, db *store.DB) {
	t.Helper()
	ctx, now := context.Background(), time.Now().UTC()
	m := &store.Model{ID: "mobilenetv2-imagenet-b10", Name: "MobileNetV2", Arch: "mobilenetv2-b10", Channels: 3, Height: 160, Width: 160,
		Path: store.ZooPrefix + "mobilenetv2-imagenet-b10.safetensors", Source: "zoo", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	ds := &store.Dataset{ID: "ds_colour", Name: "photos", Status: "ready", Channels: 3, Height: 64, Width: 64, NumClasses: 4, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateDataset(ctx, ds); err != nil {
		t.Fatal(err)
	}
}

// TestTimingMeasuresEverySizeOnce: the ImageNet backbone is timed at each size it
// trains at, larger sizes slower, and a second ask recalls the figures; the model view
// says it has batch norm and which sizes it takes, the digit cnn neither.
func TestTimingMeasuresEverySizeOnce(t *testing.T) {
	ts := newTestServer(t, withRules)
	seedCatalog(t, ts.db)
	seedImageNet(t, ts.db)
	var got experiment.ModelTiming
	for round := range 2 {
		status, _, body := ts.do(t, "GET", "/api/models/mobilenetv2-imagenet-b10/timing", "")
		if status != 200 || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("timing: %d %s", status, body)
		}
		if len(got.Sizes) != 5 || got.Sizes[0].Size != 96 || got.Sizes[4].Size != 224 || !strings.Contains(got.Method, "measured on this server") {
			t.Fatalf("timing: %+v", got)
		}
		for _, s := range got.Sizes {
			if s.InferencePerSec <= 0 || s.TrainPerSec <= 0 || s.Cached != (round == 1) {
				t.Fatalf("round %d, size %d: %+v", round, s.Size, s)
			}
		}
	}
	if got.Sizes[0].InferencePerSec <= got.Sizes[4].InferencePerSec {
		t.Errorf("96 pixels (%.0f images/s) not faster than 224 (%.0f)", got.Sizes[0].InferencePerSec, got.Sizes[4].InferencePerSec)
	}
	var views []struct {
		ID         string `json:"id"`
		BatchNorm  bool   `json:"batch_norm"`
		InputSizes []int  `json:"input_sizes"`
	}
	_, _, body := ts.do(t, "GET", "/api/models", "")
	var list struct {
		Models json.RawMessage `json:"models"`
	}
	if json.Unmarshal([]byte(body), &list) != nil || json.Unmarshal(list.Models, &views) != nil {
		t.Fatalf("models: %s", body)
	}
	for _, v := range views {
		want := v.ID == "mobilenetv2-imagenet-b10"
		if v.BatchNorm != want || (len(v.InputSizes) > 0) != want {
			t.Errorf("%s: batch_norm %v, input_sizes %v", v.ID, v.BatchNorm, v.InputSizes)
		}
	}
}

// TestInputSizeAndBatchNormOnTheImageNetModel: the ImageNet backbone takes its listed
// sizes and batch-norm re-estimation; another size is refused with the list.
func TestInputSizeAndBatchNormOnTheImageNetModel(t *testing.T) {
	ts := newTestServer(t, withRules)
	seedCatalog(t, ts.db)
	seedImageNet(t, ts.db)
	ok := `{"dataset_id":"ds_colour","base_model_id":"mobilenetv2-imagenet-b10","arms":[{"strategy":"linear-probe"},{"strategy":"scratch","hyper":{"input_size":96}}],"hyper":{"input_size":128,"bn_reestimate":true}}`
	status, _, body := ts.do(t, "POST", "/api/experiments", ok)
	if status != 201 || !strings.Contains(body, `"input_size":128`) || !strings.Contains(body, `"input_size":96`) {
		t.Fatalf("%d %s", status, body)
	}
	status, _, body = ts.do(t, "POST", "/api/experiments", `{"dataset_id":"ds_colour","base_model_id":"mobilenetv2-imagenet-b10","hyper":{"input_size":100}}`)
	if status != 400 || errorCode(t, body) != "bad_hyper" || !strings.Contains(body, "96, 128, 160, 192, 224") {
		t.Fatalf("%d %s", status, body)
	}
}
