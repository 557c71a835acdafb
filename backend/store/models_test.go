package store

import (
	"context"
	"testing"
	"testing/fstest"

	"transferlab/models"
)

func TestSyncZooListsEveryShippedModelOnce(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ { // every start syncs again; rows are updated, not duplicated
		n, err := db.SyncZoo(ctx, models.Zoo, ZooPrefix)
		if err != nil || n < 6 {
			t.Fatalf("synced %d, %v", n, err)
		}
	}
	ms, err := db.Models(ctx)
	if err != nil || len(ms) < 6 {
		t.Fatalf("%d models, %v", len(ms), err)
	}
	m, err := db.Model(ctx, "cnn-mnist04")
	if err != nil {
		t.Fatal(err)
	}
	if m.Arch != "cnn" || m.Channels != 1 || m.Height != 28 || m.TestAccuracy == nil || *m.TestAccuracy < 0.985 ||
		m.Path != ZooPrefix+"cnn-mnist04.safetensors" || m.Classes != `["0","1","2","3","4"]` {
		t.Fatalf("cnn-mnist04 row %+v", m)
	}
}

func TestSyncZooRefusesACardWithoutWeights(t *testing.T) {
	db := openTemp(t)
	fsys := fstest.MapFS{"lonely.json": {Data: []byte(`{"id":"lonely","architecture":"cnn"}`)}}
	if _, err := db.SyncZoo(context.Background(), fsys, ""); err == nil {
		t.Fatal("a card without its weight file was accepted")
	}
}
