package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm/clause"

	"transferlab/backend/data"
)

// NewUploadDataset is the row of an imported upload: its folder path relative to the
// data directory, and everything the listing shows copied from the import's Meta so
// listing never opens a dataset.
func NewUploadDataset(id, name, path string, m *data.Meta) (*Dataset, error) {
	now := time.Now().UTC()
	ds := &Dataset{ID: id, Name: name, Status: data.DatasetReady, Source: SourceUpload, Path: path,
		CreatedAt: now, UpdatedAt: now}
	err := fillContents(ds, m.Format, m.Classes, m.Splits, m.Stats, m.Report, m.Channels, m.Height, m.Width)
	return ds, err
}

// SyncBuiltinDatasets inserts a row for every built-in dataset that has none. It is
// cheap on purpose: the counts and shape stay zero until the first open fills them
// (FillDatasetContents), so a start never builds the MNIST or letters caches.
func (d *DB) SyncBuiltinDatasets(ctx context.Context) (int, error) {
	n := 0
	now := time.Now().UTC()
	for _, b := range data.Builtins() {
		row := Dataset{ID: b.ID, Name: b.Name, Status: data.DatasetReady, Source: SourceBuiltin,
			Classes: "[]", Splits: `{"train":0,"val":0,"test":0}`, Stats: `{"mean":[],"std":[]}`, Report: "{}",
			CreatedAt: now, UpdatedAt: now}
		res := d.g.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return n, res.Error
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// FillDatasetContents records the counts, shape and statistics of an opened dataset
// on a row that has none yet (a built-in before its first open); a filled row is left
// as it is, since datasets never change.
func (d *DB) FillDatasetContents(ctx context.Context, row *Dataset, ds *data.Dataset) error {
	if row.NumImages > 0 {
		return nil
	}
	classes, splits := ds.ClassInfos()
	c, h, w := ds.Shape()
	if err := fillContents(row, ds.Meta.Format, classes, splits, ds.Meta.Stats, ds.Meta.Report, c, h, w); err != nil {
		return err
	}
	row.UpdatedAt = time.Now().UTC()
	return d.g.WithContext(ctx).Model(&Dataset{}).Where("id = ?", row.ID).Updates(map[string]any{
		"format": row.Format, "num_classes": row.NumClasses, "num_images": row.NumImages,
		"channels": row.Channels, "height": row.Height, "width": row.Width,
		"classes": row.Classes, "splits": row.Splits, "stats": row.Stats, "report": row.Report,
		"updated_at": row.UpdatedAt,
	}).Error
}

func fillContents(ds *Dataset, format string, classes []data.ClassInfo, splits data.SplitCounts,
	stats data.Stats, report data.Report, c, h, w int) error {
	ds.Format, ds.Channels, ds.Height, ds.Width = format, c, h, w
	ds.NumClasses = len(classes)
	ds.NumImages = splits.Train + splits.Val + splits.Test
	if classes == nil {
		classes = []data.ClassInfo{}
	}
	var err error
	for _, f := range []struct {
		dst *string
		v   any
	}{{&ds.Classes, classes}, {&ds.Splits, splits}, {&ds.Stats, stats}, {&ds.Report, report}} {
		var b []byte
		if b, err = json.Marshal(f.v); err != nil {
			return err
		}
		*f.dst = string(b)
	}
	return nil
}
