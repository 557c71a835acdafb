package server

import (
	"encoding/json"
	"io/fs"
	"testing"

	"transferlab/backend/datadir"
	"transferlab/backend/experiment"
	"transferlab/backend/jobs"
	"transferlab/backend/live"
	"transferlab/backend/store"
	"transferlab/models"
)

func TestModelsListTheZooWithLayersThatAddUpToTheCard(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) {
		if _, err := d.DB.SyncZoo(t.Context(), models.Zoo, store.ZooPrefix); err != nil {
			t.Fatal(err)
		}
		d.Architectures = jobs.NewRunner(d.DB, live.NewHub(1, 1), models.Zoo, datadir.New(t.TempDir()), nil, 1)
	})
	status, _, body := ts.do(t, "GET", "/api/models", "")
	var list struct {
		Models []struct {
			ID string `json:"id"`
		} `json:"models"`
	}
	shipped, _ := fs.Glob(models.Zoo, "*.safetensors")
	if status != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Models) != len(shipped) || len(shipped) < 6 {
		t.Fatalf("%d %s", status, body)
	}
	_, _, body = ts.do(t, "GET", "/api/models/cnn-mnist04", "")
	var m struct {
		Arch   string `json:"arch"`
		Card   struct{ Parameters int }
		Layers []experiment.Layer `json:"layers"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	names, total := "", 0
	for _, l := range m.Layers {
		names += l.Name + " "
		total += l.Params
	}
	if names != "conv1 conv2 fc1 head " || total != m.Card.Parameters || m.Layers[1].OutShape != [3]int{32, 7, 7} {
		t.Fatalf("layers %s: %d params vs card %d; %+v", names, total, m.Card.Parameters, m.Layers)
	}
}
