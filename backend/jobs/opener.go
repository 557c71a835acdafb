package jobs

import (
	"context"
	"fmt"

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
}

// Open implements DatasetOpener.
func (s StoreDatasets) Open(ctx context.Context, id string, in *nn.Input) (*TrainingData, error) {
	row, err := s.DB.Dataset(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", id, err)
	}
	ds, err := s.DB.OpenDataset(ctx, s.DataDir, row)
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
