package jobs

import (
	"context"
	"fmt"
	"path/filepath"

	"transferlab/backend/data"
	"transferlab/backend/nn"
	"transferlab/backend/store"
	"transferlab/backend/train"
)

// StoreDatasets opens datasets recorded in the database: built-ins from the data
// directory's builtin/ cache, uploads from the folder their import produced.
type StoreDatasets struct {
	DB      *store.DB
	DataDir string
}

// Open implements DatasetOpener.
func (s StoreDatasets) Open(ctx context.Context, id string, in *nn.Input) (*TrainingData, error) {
	row, err := s.DB.Dataset(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", id, err)
	}
	var ds *data.Dataset
	if row.Source == "builtin" {
		ds, err = data.OpenBuiltin(filepath.Join(s.DataDir, "builtin"), row.ID)
		if err == nil {
			// A built-in's counts are unknown until its cache is first built.
			err = s.DB.FillDatasetContents(ctx, row, ds)
		}
	} else {
		ds, err = data.Open(filepath.Join(s.DataDir, filepath.Clean("/"+row.Path)))
	}
	if err != nil {
		return nil, fmt.Errorf("open dataset %s: %w", row.Name, err)
	}
	c, h, w := ds.Shape()
	input := nn.Input{Channels: c, Height: h, Width: w}
	if in != nil {
		input = *in
		if row.Source != "builtin" {
			dir := filepath.Join(s.DataDir, filepath.Clean("/"+row.Path))
			sized, err := openAtSize(ctx, s.DataDir, dir, row.ID, [3]int{c, h, w}, input)
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
