package jobs

import (
	"context"
	"fmt"

	"transferlab/backend/blob"
	"transferlab/backend/data"
	"transferlab/backend/datadir"
	"transferlab/backend/nn"
	"transferlab/backend/refcache"
	"transferlab/backend/store"
	"transferlab/backend/train"
)

// StoreDatasets opens datasets recorded in the database, as store.OpenDataset does.
type StoreDatasets struct {
	DB      *store.DB
	DataDir datadir.Layout
	// Blobs fetches datasets other processes imported; nil keeps DataDir the only copy.
	Blobs *blob.Mirror
	// Limits bound the copies of an upload made at a model's input size, as they bound
	// the upload's own import (--max-upload-bytes, --max-cache-bytes); zero fields take
	// data.DefaultLimits.
	Limits data.Limits
}

// openDataset is what runs share of an opened dataset: the view (its mmapped cache and
// member lists) and its own shape, before any run's conversion to its model's input.
type openDataset struct {
	ds      *data.Dataset
	c, h, w int
}

// openKey says which opened dataset a run may share: the same row and folder, the same
// per-class sample (only a sampled built-in draws one; other datasets ignore the seed)
// and the same model input (which may pick a cache at a larger size).
type openKey struct {
	root     string // the data directory: two of them in one process hold different files
	id, path string
	sample   int64
	in       nn.Input
}

// SharedDatasetBytes bounds the heap that opened datasets shared between runs take at
// once (labels and member lists; the pixels are mapped from the cache file, not copied).
const SharedDatasetBytes = 256 << 20

// openDatasets shares opened datasets between the runs of this process: the arms and
// replicates of an experiment (and the cells of a sweep) open each view once, and the
// last run to finish closes it.
var openDatasets = refcache.New[openKey, *openDataset](SharedDatasetBytes)

// Open implements DatasetOpener.
func (s StoreDatasets) Open(ctx context.Context, id string, in *nn.Input, sample int64) (*TrainingData, error) {
	row, err := s.DB.Dataset(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", id, err)
	}
	key := openKey{root: s.DataDir.Root, id: row.ID, path: row.Path}
	if row.Source == store.SourceBuiltin && data.SampledBuiltin(row.ID) {
		key.sample = sample
	}
	if in != nil {
		key.in = *in
	}
	od, release, err := openDatasets.Acquire(ctx, key, func() (*openDataset, int64, error) {
		ds, err := s.open(ctx, row, in, sample)
		if err != nil {
			return nil, 0, err
		}
		c, h, w := ds.Shape()
		return &openDataset{ds: ds, c: c, h: h, w: w}, int64(ds.Len()) * 10, nil
	}, func(od *openDataset) { od.ds.Close() })
	if err != nil {
		return nil, err
	}
	input := nn.Input{Channels: od.c, Height: od.h, Width: od.w}
	if in != nil {
		input = *in
	}
	td := &TrainingData{Classes: od.ds.Classes(), Input: input, Close: release}
	splits := []*train.Dataset{&td.Train, &td.Val, &td.Test}
	for i, name := range []string{"train", "val", "test"} {
		v, err := od.ds.Split(name)
		if err != nil {
			release()
			return nil, err
		}
		// Each run has its own conversion: it keeps a buffer between batches.
		*splits[i] = reshape(v, input)
	}
	return td, nil
}

// open opens a dataset row for a model's input: an upload cached smaller than the
// model takes is cached again at its size when the upload was kept.
func (s StoreDatasets) open(ctx context.Context, row *store.Dataset, in *nn.Input, sample int64) (*data.Dataset, error) {
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
	if in == nil || row.Source == store.SourceBuiltin {
		return ds, nil
	}
	c, h, w := ds.Shape()
	dir, err := s.DataDir.Resolve(row.Path)
	var sized *data.Dataset
	if err == nil && (h < in.Height || w < in.Width) {
		// Resizing up starts again from the original upload.
		err = s.Blobs.PullPrefix(ctx, datadir.UploadsPrefix(row.ID))
	}
	if err == nil {
		sized, err = openAtSize(ctx, s.DataDir.Uploads(), dir, row.ID, [3]int{c, h, w}, *in, s.Limits)
	}
	if err != nil {
		ds.Close()
		return nil, err
	}
	if sized != nil {
		ds.Close()
		return sized, nil
	}
	return ds, nil
}

// SharedDatasetStats counts the datasets runs of this process opened and borrowed, and
// how many are held now: for benchmarks and tests.
func SharedDatasetStats() (stats refcache.Stats, held int) {
	return openDatasets.Stats(), openDatasets.Len()
}
