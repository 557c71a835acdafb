package store

import (
	"context"
	"fmt"

	"transferlab/backend/data"
	"transferlab/backend/datadir"
)

// OpenDataset opens the dataset a row describes: a built-in from the data directory's
// shared cache (built the first time, and the row's counts filled then), an upload from
// the folder its import made. A row whose path would leave the data directory is
// refused. The one way every reader (the API, training, warming) opens a dataset.
func (d *DB) OpenDataset(ctx context.Context, dirs datadir.Layout, row *Dataset) (*data.Dataset, error) {
	return d.OpenDatasetSample(ctx, dirs, row, data.FewShotSeed)
}

// OpenDatasetSample is OpenDataset with the seed a sampled view (few-shot) draws its
// training images with; a replicate passes its own.
func (d *DB) OpenDatasetSample(ctx context.Context, dirs datadir.Layout, row *Dataset, sample int64) (*data.Dataset, error) {
	if row.Status != data.DatasetReady {
		return nil, fmt.Errorf("dataset %s is %s, not ready", row.Name, row.Status)
	}
	if row.Source != SourceBuiltin {
		dir, err := dirs.Resolve(row.Path)
		if err != nil {
			return nil, fmt.Errorf("dataset %s: %w", row.ID, err)
		}
		return data.Open(dir)
	}
	ds, err := data.OpenBuiltinSample(dirs.Builtin(), row.ID, sample)
	if err != nil {
		return nil, err
	}
	if err := d.FillDatasetContents(ctx, row, ds); err != nil {
		ds.Close()
		return nil, err
	}
	return ds, nil
}
