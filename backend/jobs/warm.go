package jobs

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"transferlab/backend/data"
)

// WarmBuiltinsArgs asks for the built-in datasets' caches to be built, so the dataset
// list shows their sizes and the first demo starts without the wait.
type WarmBuiltinsArgs struct{}

// Kind names the job in the queue.
func (WarmBuiltinsArgs) Kind() string { return "warm_builtins" }

// InsertOpts makes one such job at a time enough.
func (WarmBuiltinsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

type warmBuiltinsWorker struct {
	river.WorkerDefaults[WarmBuiltinsArgs]
	ds StoreDatasets
}

// Work opens every built-in once; opening builds and records what is missing.
func (w *warmBuiltinsWorker) Work(ctx context.Context, _ *river.Job[WarmBuiltinsArgs]) error {
	var errs []error
	for _, b := range data.Builtins() {
		row, err := w.ds.DB.Dataset(ctx, b.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if row.NumImages > 0 {
			continue
		}
		ds, err := w.ds.DB.OpenDataset(ctx, w.ds.DataDir, row)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ds.Close()
	}
	return errors.Join(errs...)
}
