package jobs

import (
	"context"
	"fmt"

	"transferlab/backend/blob"
	"transferlab/backend/data"
	"transferlab/backend/datadir"
	"transferlab/backend/nn"
	"transferlab/backend/store"
	"transferlab/backend/train"
)

// StoreDatasets opens datasets recorded in the database, as store.OpenDataset does.
type StoreDatasets struct {
	DB      *store.DB
	DataDir datadir.Layout
	// Blobs fetches datasets other processes imported; nil keeps DataDir the only copy.
	Blobs *blob.Mirror
}

// Open implements DatasetOpener.
func (s StoreDatasets) Open(ctx context.Context, id string, in *nn.Input, sample int64) (*TrainingData, error) {
	row, err := s.DB.Dataset(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", id, err)
	}
	if row.Source != store.SourceBuiltin {
		// Imported by a web process, perhaps on another machine: fetch or check the
		// local copy. Built-in datasets are built from the binary's own files here.
		if err := s.Blobs.Pull(ctx, row.Path); err != nil {
			return nil, fmt.Errorf("fetch dataset %s: %w", row.Name, err)
		}
	}
	ds, err := s.DB.OpenDatasetSample(ctx, s.DataDir, row, sample)
	if err != nil {
		return nil, fmt.Errorf("open dataset %s: %w", row.Name, err)
	}
	c, h, w := ds.Shape()
	input := nn.Input{Channels: c, Height: h, Width: w}
	if in != nil {
		input = *in
		if row.Source != "builtin" {
			dir, err := s.DataDir.Resolve(row.Path)
			var sized *data.Dataset
			if err == nil && (h < input.Height || w < input.Width) {
				// Resizing up starts again from the original upload.
				err = s.Blobs.PullPrefix(ctx, datadir.UploadsPrefix(row.ID))
			}
			if err == nil {
				sized, err = openAtSize(ctx, s.DataDir.Uploads(), dir, row.ID, [3]int{c, h, w}, input)
			}
			if err != nil {
				ds.Close()
				return nil, err
			}
			if sized != nil {
				ds.Close()
				ds = sized
			}
		}
	}
	td := &TrainingData{Classes: ds.Classes(), Input: input, Close: func() { ds.Close() }}
	splits := []*train.Dataset{&td.Train, &td.Val, &td.Test}
	for i, name := range []string{"train", "val", "test"} {
		v, err := ds.Split(name)
		if err != nil {
			ds.Close()
			return nil, err
		}
		*splits[i] = reshape(v, input)
	}
	return td, nil
}
