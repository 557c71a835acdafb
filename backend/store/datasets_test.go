package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"transferlab/backend/data"

	"transferlab/backend/experiment"
)

func uploadRow(t *testing.T, db *DB, id string, created time.Time) {
	t.Helper()
	m := &data.Meta{Format: data.FormatZip, Channels: 1, Height: 28, Width: 28,
		Classes: []data.ClassInfo{{Name: "a", Count: 3}, {Name: "b", Count: 3}}, Splits: data.SplitCounts{Train: 4, Val: 1, Test: 1}}
	row, err := NewUploadDataset(id, id, "datasets/"+id, m)
	if err != nil {
		t.Fatal(err)
	}
	row.CreatedAt = created
	if err := db.CreateDataset(context.Background(), row); err != nil {
		t.Fatal(err)
	}
}

func TestSyncBuiltinsOnceAndListUploadsFirst(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	for i, want := range []int{len(data.Builtins()), 0} { // the second sync finds all present
		n, err := db.SyncBuiltinDatasets(ctx)
		if err != nil || n != want {
			t.Fatalf("sync %d: %d rows, %v; want %d", i, n, err, want)
		}
	}
	now := time.Now().UTC()
	uploadRow(t, db, "ds_old", now.Add(-time.Hour))
	uploadRow(t, db, "ds_new", now)
	rows, err := db.Datasets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2+len(data.Builtins()) || rows[0].ID != "ds_new" || rows[1].ID != "ds_old" || rows[2].Source != SourceBuiltin {
		t.Fatalf("order: %v", ids(rows))
	}
	if rows[0].NumImages != 6 || rows[0].NumClasses != 2 || !strings.Contains(rows[0].Classes, `"name":"a"`) {
		t.Fatalf("upload row not filled from its meta: %+v", rows[0])
	}
}

func ids(rows []Dataset) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

func TestDeleteDatasetRefusedWhileARunReadsIt(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	uploadRow(t, db, "ds_a", time.Now().UTC())
	now := time.Now().UTC()
	e := Experiment{ID: "exp_1", Name: "transfer", DatasetID: "ds_a", CreatedAt: now, UpdatedAt: now,
		Runs: []Run{
			{ID: "run_done", Strategy: "scratch", Status: experiment.Succeeded, CreatedAt: now, UpdatedAt: now},
			{ID: "run_live", ArmIndex: 1, Strategy: "finetune", Status: experiment.Running, CreatedAt: now, UpdatedAt: now},
		}}
	if err := db.CreateExperiment(ctx, &e, nil); err != nil {
		t.Fatal(err)
	}
	_, err := db.DeleteDataset(ctx, "ds_a")
	var inUse *DatasetInUseError
	if !errors.As(err, &inUse) || len(inUse.Runs) != 1 || inUse.Runs[0].RunID != "run_live" || !strings.Contains(err.Error(), `"transfer"`) {
		t.Fatalf("delete in use: %v", err)
	}
	if err := db.g.Model(&Run{}).Where("id = ?", "run_live").Update("status", experiment.Cancelled).Error; err != nil {
		t.Fatal(err)
	}
	if row, err := db.DeleteDataset(ctx, "ds_a"); err != nil || row.Path != "datasets/ds_a" {
		t.Fatalf("delete: %+v %v", row, err)
	}
	if _, err := db.Dataset(ctx, "ds_a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if _, err := db.DeleteDataset(ctx, "ds_a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := db.RenameDataset(ctx, "ds_a", "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("rename missing: %v", err)
	}
}
