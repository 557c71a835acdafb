package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"
)

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := openers[dialect()](t)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenAppliesMigrationsOnceAndSetsWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	for i := 0; i < 2; i++ { // the second open must find nothing left to apply
		db, err := Open(context.Background(), path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var mode string
		if err := db.sqlDB.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
		}
		var fk int
		if err := db.sqlDB.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("foreign_keys = %d, %v; want 1", fk, err)
		}
		for _, table := range []string{"datasets", "models", "experiments", "runs", "metrics", "artifacts"} {
			var n int
			if err := db.sqlDB.QueryRow("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", table).Scan(&n); err != nil || n != 1 {
				t.Fatalf("table %s missing", table)
			}
		}
		db.Close()
	}
}

func TestMetricKeyRejectsDuplicatesAndCascades(t *testing.T) {
	db := openTemp(t)
	now := time.Now()
	exp := Experiment{ID: NewID("exp"), Name: "e", DatasetID: "d", CreatedAt: now, UpdatedAt: now}
	run := Run{ID: NewID("run"), ExperimentID: exp.ID, Strategy: "scratch", Status: "queued", CreatedAt: now, UpdatedAt: now}
	if err := db.g.Create(&exp).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.g.Create(&run).Error; err != nil {
		t.Fatal(err)
	}
	m := Metric{RunID: run.ID, Name: "train_loss", Step: 1, Value: 2.3}
	if err := db.g.Create(&m).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.g.Create(&m).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
		t.Fatalf("second insert of the same point: %v, want duplicated key", err)
	}
	if err := db.g.Delete(&exp).Error; err != nil {
		t.Fatal(err)
	}
	var n int64
	db.g.Model(&Metric{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d metric points left after deleting their experiment", n)
	}
}
